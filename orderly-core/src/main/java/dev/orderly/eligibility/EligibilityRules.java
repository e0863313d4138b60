package dev.orderly.eligibility;

import dev.orderly.registry.Person;
import dev.orderly.time.SeoulCalendar;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides eligibility from cohort data and the server's instant. Pure: the same person, cohorts,
 * group memberships and instant always give the same answer, whatever the JVM's time zone; days
 * are Seoul calendar days ({@link SeoulCalendar}).
 *
 * <p>Design note. For each window of each cohort the person belongs to, the time they may book is
 * a set of intervals: the whole window without a rotation, otherwise the window cut to their
 * rotation days ({@code [max(open, start of day), min(close, start of next day))}, consecutive
 * days merged). The answer is, in this order: <em>eligible</em> if now lies in one of them (until
 * its end); else the earliest interval still to come, reported as <em>wrong rotation day</em>
 * when its window is already open and as <em>not open yet</em> otherwise; else <em>closed</em>
 * since the end of the latest interval. Any mapped rotation digit recurs within 31 days, so each
 * search scans at most 32 days of a window.
 */
public final class EligibilityRules {

    /** Whether the person holds an active reservation: re-opening windows are for those who do not. */
    public enum Standing {
        /** Holds no active reservation: every window counts. */
        WITHOUT_RESERVATION,
        /** Holds one (asking whether they may change it): windows for unbooked people do not count. */
        HOLDING_RESERVATION
    }

    private static final int SCAN_DAYS = 32;

    private EligibilityRules() {
    }

    /** Eligibility of someone on no special-group list who holds no reservation. */
    public static Eligibility check(Person person, List<Cohort> cohorts, Instant now) {
        return check(person, cohorts, Set.of(), Standing.WITHOUT_RESERVATION, now);
    }

    /**
     * The answer to "may this person book now?": {@link Eligibility.AlreadyBooked} when they hold
     * the reservation {@code heldReference}, otherwise {@link #check(Person, List, Set, Standing, Instant)}.
     */
    public static Eligibility forBooking(Person person, List<Cohort> cohorts, Set<String> groups,
                                         Optional<String> heldReference, Instant now) {
        if (heldReference.isPresent()) {
            return new Eligibility.AlreadyBooked(heldReference.get());
        }
        return check(person, cohorts, groups, Standing.WITHOUT_RESERVATION, now);
    }

    /**
     * Whether {@code person}, member of the special groups {@code groups}, may book (or, when
     * {@code standing} is {@link Standing#HOLDING_RESERVATION}, change a reservation) at {@code now}.
     */
    public static Eligibility check(Person person, List<Cohort> cohorts, Set<String> groups, Standing standing, Instant now) {
        LocalDate birth = person.birthDate();
        List<Cohort> mine = cohorts.stream().filter(c -> c.includes(birth, groups)).toList();
        if (mine.isEmpty()) {
            return new Eligibility.NotInAnyCohort();
        }
        for (Cohort cohort : mine) {
            for (BookingWindow window : usable(cohort, standing)) {
                Optional<Instant> until = openUntil(cohort, window, birth, now);
                if (until.isPresent()) {
                    return new Eligibility.Eligible(cohort, window, until.get());
                }
            }
        }
        Cohort nextCohort = null;
        BookingWindow nextWindow = null;
        Instant next = null;
        for (Cohort cohort : mine) {
            for (BookingWindow window : usable(cohort, standing)) {
                Optional<Instant> start = nextStart(cohort, window, birth, now);
                if (start.isPresent() && (next == null || start.get().isBefore(next))) {
                    nextCohort = cohort;
                    nextWindow = window;
                    next = start.get();
                }
            }
        }
        if (next != null) {
            return nextWindow.isOpenAt(now)
                    ? new Eligibility.WrongRotationDay(nextCohort, SeoulCalendar.dateAt(next), next)
                    : new Eligibility.NotOpenYet(nextCohort, next);
        }
        Cohort lastCohort = null;
        Instant last = null;
        for (Cohort cohort : mine) {
            for (BookingWindow window : usable(cohort, standing)) {
                Instant end = lastEnd(cohort, window, birth, now).orElse(null);
                if (end != null && (last == null || end.isAfter(last))) {
                    lastCohort = cohort;
                    last = end;
                }
            }
        }
        if (last != null) {
            return new Eligibility.Closed(lastCohort, last);
        }
        // No time to book ever existed for them (their rotation digit is not mapped, or every
        // window is for unbooked people): closed since the latest window's end.
        Cohort cohort = mine.getFirst();
        Instant latest = cohort.windows().getFirst().closesAt();
        for (Cohort c : mine) {
            for (BookingWindow w : c.windows()) {
                if (w.closesAt().isAfter(latest)) {
                    cohort = c;
                    latest = w.closesAt();
                }
            }
        }
        return new Eligibility.Closed(cohort, latest);
    }

    /** The person's capacity group in {@code cohort}: their rotation digit (the default rotation's when the cohort has none). */
    public static int capacityGroup(Person person, Cohort cohort) {
        return cohort.rotation().orElse(Rotation.DEFAULT).groupOf(person.birthDate());
    }

    private static List<BookingWindow> usable(Cohort cohort, Standing standing) {
        return standing == Standing.WITHOUT_RESERVATION
                ? cohort.windows()
                : cohort.windows().stream().filter(w -> !w.unbookedOnly()).toList();
    }

    private static boolean allowed(Cohort cohort, LocalDate birth, LocalDate day) {
        return cohort.rotation().map(r -> r.allows(birth, day)).orElse(true);
    }

    /** The end of the bookable interval holding {@code now}, if now is bookable. */
    private static Optional<Instant> openUntil(Cohort cohort, BookingWindow window, LocalDate birth, Instant now) {
        if (!window.isOpenAt(now)) {
            return Optional.empty();
        }
        LocalDate today = SeoulCalendar.dateAt(now);
        return allowed(cohort, birth, today) ? Optional.of(runEnd(cohort, window, birth, today)) : Optional.empty();
    }

    /** The end of the run of allowed days starting on the allowed day {@code day}, cut by the window. */
    private static Instant runEnd(Cohort cohort, BookingWindow window, LocalDate birth, LocalDate day) {
        if (cohort.rotation().isEmpty()) {
            return window.closesAt();
        }
        LocalDate d = day;
        while (SeoulCalendar.startOf(d.plusDays(1)).isBefore(window.closesAt()) && allowed(cohort, birth, d.plusDays(1))) {
            d = d.plusDays(1);
        }
        Instant end = SeoulCalendar.startOf(d.plusDays(1));
        return end.isBefore(window.closesAt()) ? end : window.closesAt();
    }

    /** The first instant after {@code now} at which the person may book through this window. */
    private static Optional<Instant> nextStart(Cohort cohort, BookingWindow window, LocalDate birth, Instant now) {
        if (!window.closesAt().isAfter(now)) {
            return Optional.empty();
        }
        if (cohort.rotation().isEmpty()) {
            return window.opensAt().isAfter(now) ? Optional.of(window.opensAt()) : Optional.empty();
        }
        Instant from = window.opensAt().isAfter(now) ? window.opensAt() : now;
        LocalDate day = SeoulCalendar.dateAt(from);
        for (int i = 0; i < SCAN_DAYS && SeoulCalendar.startOf(day).isBefore(window.closesAt()); i++, day = day.plusDays(1)) {
            if (allowed(cohort, birth, day)) {
                Instant start = later(window.opensAt(), SeoulCalendar.startOf(day));
                if (start.isAfter(now)) {
                    return Optional.of(start);
                }
            }
        }
        return Optional.empty();
    }

    /** The end of the latest bookable interval of this window that ended at or before {@code now}. */
    private static Optional<Instant> lastEnd(Cohort cohort, BookingWindow window, LocalDate birth, Instant now) {
        if (window.opensAt().isAfter(now)) {
            return Optional.empty();
        }
        if (cohort.rotation().isEmpty()) {
            return window.closesAt().isAfter(now) ? Optional.empty() : Optional.of(window.closesAt());
        }
        Instant upTo = window.closesAt().isAfter(now) ? now : window.closesAt();
        LocalDate day = SeoulCalendar.dateAt(upTo.minusNanos(1));
        for (int i = 0; i < SCAN_DAYS && SeoulCalendar.startOf(day.plusDays(1)).isAfter(window.opensAt()); i++, day = day.minusDays(1)) {
            if (allowed(cohort, birth, day)) {
                Instant end = runEnd(cohort, window, birth, day);
                if (!end.isAfter(now)) {
                    return Optional.of(end);
                }
            }
        }
        return Optional.empty();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
