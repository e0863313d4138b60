package dev.orderly.eligibility;

import dev.orderly.time.SeoulCalendar;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who may book now and who next, as anyone may read it before joining a line: each cohort's
 * standing at an instant, its ages on that Seoul day (never ages written into its name, which go
 * stale), and, for a cohort in the ten-part rotation, which birth-date digit books today and tomorrow.
 */
public final class Schedule {

    /** Where a cohort stands. */
    public enum Status {
        /** A window is open now. */
        OPEN,
        /** No window is open now, a later one is to come. */
        UPCOMING,
        /** Every window has closed. */
        CLOSED
    }

    /**
     * One cohort at one instant.
     *
     * @param window       the open window (OPEN), the next one (UPCOMING) or the last one (CLOSED)
     * @param youngestAge  the age, on {@code today}, of those born on the cohort's last birth date
     * @param oldestAge    the age, on {@code today}, of those born on its first birth date
     * @param digitToday   the birth-date digit that books today in its rotation, empty when it has none or today is closed to all
     * @param digitTomorrow as {@code digitToday}, for tomorrow
     */
    public record Entry(Cohort cohort, Status status, BookingWindow window, int youngestAge, int oldestAge,
                        Optional<Integer> digitToday, Optional<Integer> digitTomorrow) {
    }

    private Schedule() {
    }

    /** Every cohort at {@code now}: the open ones first, then those to come (soonest first), then the closed ones. */
    public static List<Entry> at(List<Cohort> cohorts, Instant now) {
        LocalDate today = SeoulCalendar.dateAt(now);
        return cohorts.stream().map(c -> entry(c, now, today))
                .sorted(Comparator.comparing(Entry::status).thenComparing(e -> e.window().opensAt()))
                .toList();
    }

    /** A person's age in whole years on {@code day}, as Korea counts it for vaccination (international age). */
    public static int ageOn(LocalDate birthDate, LocalDate day) {
        return Math.max(0, Period.between(birthDate, day).getYears());
    }

    /** The birth-date digit that books on {@code day} under {@code rotation}, or empty when that day is closed to all. */
    public static Optional<Integer> digitOn(Rotation rotation, LocalDate day) {
        char c = rotation.mapping().charAt(day.getDayOfMonth() % 10);
        return c == '-' ? Optional.empty() : Optional.of(c - '0');
    }

    private static Entry entry(Cohort cohort, Instant now, LocalDate today) {
        List<BookingWindow> windows = cohort.windows().stream().sorted(Comparator.comparing(BookingWindow::opensAt)).toList();
        BookingWindow chosen = windows.stream().filter(w -> w.isOpenAt(now)).findFirst().orElse(null);
        Status status = Status.OPEN;
        if (chosen == null) {
            chosen = windows.stream().filter(w -> w.opensAt().isAfter(now)).findFirst().orElse(null);
            status = Status.UPCOMING;
        }
        if (chosen == null) {
            chosen = windows.getLast();
            status = Status.CLOSED;
        }
        Optional<Integer> digitToday = cohort.rotation().flatMap(r -> digitOn(r, today));
        Optional<Integer> digitTomorrow = cohort.rotation().flatMap(r -> digitOn(r, today.plusDays(1)));
        return new Entry(cohort, status, chosen, ageOn(cohort.bornTo(), today), ageOn(cohort.bornFrom(), today),
                digitToday, digitTomorrow);
    }
}
