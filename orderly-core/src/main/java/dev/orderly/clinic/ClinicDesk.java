package dev.orderly.clinic;

import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The clinic's side of a vaccination day, by the rules of the desk: a person is checked in and
 * given a dose on the day of their appointment at the clinic of it, never elsewhere or on another
 * day; nobody is marked a no-show before their day is over; a dose is given once; dose 2 is
 * recorded only after dose 1, and completes the person. Days are Seoul dates from the clock.
 * Who may act for which clinic is the caller's concern (the API's access rules).
 */
public final class ClinicDesk {

    private final ClinicStore store;
    private final Clock clock;

    public ClinicDesk(ClinicStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public LocalDate today() {
        return SeoulCalendar.today(clock);
    }

    public List<Appointment> day(long clinicId, LocalDate day) {
        return store.day(clinicId, day);
    }

    /** The appointments of the day whose reference is {@code reference} (case-insensitive). */
    public List<Appointment> byReference(long clinicId, LocalDate day, String reference) {
        return store.day(clinicId, day).stream().filter(a -> a.reference().equalsIgnoreCase(reference.strip())).toList();
    }

    /** The appointments of the day of a person with this exact name (spaces ignored) and birth date. */
    public List<Appointment> byPerson(long clinicId, LocalDate day, String name, LocalDate birthDate) {
        String wanted = name.replace(" ", "");
        return store.day(clinicId, day).stream()
                .filter(a -> a.birthDate().equals(birthDate) && a.name().replace(" ", "").equals(wanted)).toList();
    }

    public Optional<ClosedDay> closed(long clinicId, LocalDate day) {
        return store.closed(clinicId, day);
    }

    /** How an action names the appointment: its reference (and dose, if both are that day), or a person today. */
    public sealed interface Lookup {
        /** @param dose 1 or 2; 0 for the dose of the reference that is due today at the clinic */
        record ByReference(String reference, int dose) implements Lookup {
        }

        record ByPerson(String name, LocalDate birthDate) implements Lookup {
        }
    }

    /** The appointment an action is about, or why there is none: one of the two. */
    private record Found(Appointment appointment, DeskOutcome.Refused refused) {
        static Found of(Appointment a) {
            return new Found(a, null);
        }

        static Found not(Refusal why, String detail) {
            return new Found(null, new DeskOutcome.Refused(why, detail));
        }
    }

    /** The appointment an action at {@code clinicId} on {@code day} is about, or why there is none. */
    private Found find(long clinicId, LocalDate day, Lookup lookup) {
        return switch (lookup) {
            case Lookup.ByReference r -> {
                if (r.dose() != 0) {
                    yield store.appointment(r.reference().strip().toUpperCase(java.util.Locale.ROOT), r.dose()).map(Found::of)
                            .orElse(Found.not(Refusal.UNKNOWN_APPOINTMENT, "no appointment " + r.reference() + " dose " + r.dose()));
                }
                List<Appointment> here = byReference(clinicId, day, r.reference());
                if (here.size() == 1) {
                    yield Found.of(here.getFirst());
                }
                // Not due here that day: say why with dose 1's appointment (wrong clinic, wrong day).
                yield store.appointment(r.reference().strip().toUpperCase(java.util.Locale.ROOT), 1).map(Found::of)
                        .orElse(Found.not(Refusal.UNKNOWN_APPOINTMENT, "no appointment " + r.reference()));
            }
            case Lookup.ByPerson p -> {
                List<Appointment> found = byPerson(clinicId, day, p.name(), p.birthDate()).stream()
                        .filter(a -> a.status() != VisitStatus.CANCELLED).toList();
                if (found.isEmpty()) {
                    yield Found.not(Refusal.UNKNOWN_APPOINTMENT, "no appointment on " + day + " for that name and birth date");
                }
                if (found.size() > 1) {
                    yield Found.not(Refusal.AMBIGUOUS_PERSON, found.size() + " appointments on " + day
                            + " match that name and birth date: use the booking reference");
                }
                yield Found.of(found.getFirst());
            }
        };
    }

    private Optional<DeskOutcome.Refused> hereAndNow(Appointment a, long clinicId, LocalDate day) {
        if (a.clinicId() != clinicId) {
            return Optional.of(new DeskOutcome.Refused(Refusal.WRONG_CLINIC, a.reference() + " dose " + a.dose() + " is booked at another clinic"));
        }
        if (a.status() == VisitStatus.GIVEN) {
            return Optional.of(new DeskOutcome.Refused(Refusal.ALREADY_GIVEN, a.reference() + " dose " + a.dose() + " was already given"));
        }
        if (!a.active()) {
            return Optional.of(new DeskOutcome.Refused(Refusal.CANCELLED, a.reference() + " was cancelled"));
        }
        if (!a.day().equals(day)) {
            return Optional.of(new DeskOutcome.Refused(Refusal.WRONG_DAY, a.reference() + " dose " + a.dose() + " is booked for " + a.day()
                    + ", not " + day));
        }
        return Optional.empty();
    }

    /** Checks a person in for today's appointment at the clinic. */
    public DeskOutcome checkIn(long clinicId, Lookup lookup, String staff) {
        LocalDate today = today();
        Found found = find(clinicId, today, lookup);
        if (found.refused() != null) {
            return found.refused();
        }
        Appointment a = found.appointment();
        Optional<DeskOutcome.Refused> refused = hereAndNow(a, clinicId, today);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (a.visit().checkedIn().isPresent() || a.visit().noShow().isPresent()) {
            return new DeskOutcome.Refused(Refusal.VISIT_RECORDED, a.reference() + " dose " + a.dose() + " is already " + a.status().slug());
        }
        return store.checkIn(a, new Stamp(clock.instant(), staff)).<DeskOutcome>map(x -> new DeskOutcome.Done(x, false))
                .orElseGet(() -> raced(a));
    }

    /** Records the dose given today; dose 2 completes the person. */
    public DeskOutcome give(long clinicId, String reference, int dose, String product, String lot, int doseNumber, String staff) {
        LocalDate today = today();
        Found found = find(clinicId, today, new Lookup.ByReference(reference, dose));
        if (found.refused() != null) {
            return found.refused();
        }
        Appointment a = found.appointment();
        Optional<DeskOutcome.Refused> refused = hereAndNow(a, clinicId, today);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (a.visit().noShow().isPresent()) {
            return new DeskOutcome.Refused(Refusal.VISIT_RECORDED, a.reference() + " dose " + a.dose() + " is recorded as a no-show");
        }
        if (doseNumber != a.dose()) {
            return new DeskOutcome.Refused(Refusal.WRONG_DOSE, "this appointment is for dose " + a.dose() + ", not dose " + doseNumber);
        }
        if (!product.equals(a.product())) {
            return new DeskOutcome.Refused(Refusal.WRONG_PRODUCT, a.reference() + " is booked for " + a.product() + ", not " + product);
        }
        if (a.dose() == 2 && store.appointment(a.reference(), 1).flatMap(d1 -> d1.visit().given()).isEmpty()) {
            return new DeskOutcome.Refused(Refusal.DOSE1_NOT_GIVEN, "dose 1 of " + a.reference() + " is not recorded as given");
        }
        DoseGiven given = new DoseGiven(new Stamp(clock.instant(), staff), product, lot, doseNumber);
        return store.give(a, given).<DeskOutcome>map(x -> new DeskOutcome.Done(x, x.dose() == 2)).orElseGet(() -> raced(a));
    }

    /** Marks that nobody came, once the appointment's day is over. */
    public DeskOutcome noShow(long clinicId, String reference, int dose, String staff) {
        LocalDate today = today();
        Optional<Appointment> found = store.appointment(reference.strip().toUpperCase(java.util.Locale.ROOT), dose);
        if (found.isEmpty()) {
            return new DeskOutcome.Refused(Refusal.UNKNOWN_APPOINTMENT, "no appointment " + reference + " dose " + dose);
        }
        Appointment a = found.get();
        Optional<DeskOutcome.Refused> refused = hereAndNow(a, clinicId, a.day());
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!a.day().isBefore(today)) {
            return new DeskOutcome.Refused(Refusal.DAY_NOT_OVER, "a no-show is recorded after the day: " + a.day() + " is not over yet");
        }
        if (a.visit().checkedIn().isPresent() || a.visit().noShow().isPresent()) {
            return new DeskOutcome.Refused(Refusal.VISIT_RECORDED, a.reference() + " dose " + a.dose() + " is already " + a.status().slug());
        }
        return store.noShow(a, new Stamp(clock.instant(), staff)).<DeskOutcome>map(x -> new DeskOutcome.Done(x, false))
                .orElseGet(() -> raced(a));
    }

    private DeskOutcome raced(Appointment a) {
        Optional<Appointment> now = store.appointment(a.reference(), a.dose());
        return new DeskOutcome.Refused(Refusal.VISIT_RECORDED, a.reference() + " dose " + a.dose() + " changed meanwhile"
                + now.map(x -> " (now " + x.status().slug() + (x.day().equals(a.day()) ? "" : " on " + x.day()) + ")").orElse(""));
    }

    /** What closing a day did, or why it was refused. */
    public sealed interface CloseOutcome {
        record Closed(ClosedDay day, DayClosing.Result result) implements CloseOutcome {
        }

        record Refused(Refusal why, String detail) implements CloseOutcome {
        }
    }

    /** Closes a day of the clinic, today or later; see {@link DayClosing}. */
    public CloseOutcome close(long clinicId, LocalDate day, String reasonKo, String reasonEn, String staff) {
        LocalDate today = today();
        if (day.isBefore(today)) {
            return new CloseOutcome.Refused(Refusal.DAY_PAST, day + " is past; only today or a later day can be closed");
        }
        return switch (store.close(clinicId, day, reasonKo, reasonEn, new Stamp(clock.instant(), staff), today)) {
            case ClinicStore.Closing.Closed c -> new CloseOutcome.Closed(c.day(), c.result());
            case ClinicStore.Closing.AlreadyClosed c -> new CloseOutcome.Refused(Refusal.DAY_CLOSED, day + " was already closed at "
                    + c.day().stamp().at() + " by " + c.day().stamp().by());
        };
    }
}
