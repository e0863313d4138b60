package dev.orderly.clinic;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Port: a clinic's appointments as the booking store holds them, what its desk recorded about each,
 * and its closed days. Decisions are {@link ClinicDesk}'s; a store records them so that two desks
 * racing on one appointment cannot both win (each write is a compare-and-set on the visit).
 */
public interface ClinicStore {

    /** Every appointment at the clinic on the day, active or cancelled, earliest booked first. */
    List<Appointment> day(long clinicId, LocalDate day);

    /**
     * Per clinic and vaccine, the active appointments (either dose) on {@code day} with nothing
     * recorded for them; only those with at least one, in clinic then product order.
     */
    List<Unattended> unattended(LocalDate day);

    /** The appointment of one dose of a reservation, wherever and whenever it is. */
    Optional<Appointment> appointment(String reference, int dose);

    /**
     * Records a check-in, only if the appointment is still active on its day and nothing was
     * recorded for it yet.
     *
     * @return the appointment as now recorded; empty when another write came first (nothing changed)
     */
    Optional<Appointment> checkIn(Appointment a, Stamp stamp);

    /** Records a dose given, only if the appointment is still active on its day and no dose or no-show was recorded. */
    Optional<Appointment> give(Appointment a, DoseGiven given);

    /** Records a no-show, only if the appointment is still active on its day and nothing was recorded for it yet. */
    Optional<Appointment> noShow(Appointment a, Stamp stamp);

    /** The closing of a clinic day, if it was closed. */
    Optional<ClosedDay> closed(long clinicId, LocalDate day);

    /** What {@link #close} did. */
    sealed interface Closing {
        record Closed(ClosedDay day, DayClosing.Result result) implements Closing {
        }

        record AlreadyClosed(ClosedDay day) implements Closing {
        }
    }

    /**
     * Closes a clinic day in one step: {@link DayClosing} moves or cancels the people booked there
     * (messages queued in the same step), then the day's capacity is held at what stays booked, and
     * the closing is recorded.
     *
     * @param today the Seoul date now
     */
    Closing close(long clinicId, LocalDate day, String reasonKo, String reasonEn, Stamp stamp, LocalDate today);
}
