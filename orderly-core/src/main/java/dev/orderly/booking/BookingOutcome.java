package dev.orderly.booking;

import dev.orderly.eligibility.Eligibility;
import java.time.LocalDate;

/**
 * Every expected answer to a booking request. The refusals a change can meet too are shared with
 * {@link ChangeOutcome} (and {@link KeyReused} with {@link CancelOutcome}).
 */
public sealed interface BookingOutcome extends StoreAnswer {

    /** Both doses are booked and committed. */
    record Booked(Reservation reservation) implements BookingOutcome {
    }

    /** The person already holds an active reservation. */
    record AlreadyBooked(Reservation existing) implements BookingOutcome {
    }

    /** No place left for dose 1 (for this person's group) on that day. */
    record DayFull(long clinicId, LocalDate day, String product) implements BookingOutcome, ChangeOutcome {
    }

    /** Dose 1 had room but no day in the dose-2 interval has. */
    record NoSecondDoseDay(LocalDate from, LocalDate to) implements BookingOutcome, ChangeOutcome {
    }

    /** The clinic does not exist or does not offer the product (on that day), or the person may not have it. */
    record NotOffered(long clinicId, String product) implements BookingOutcome, ChangeOutcome {
    }

    /** The day is outside what may be booked now. */
    record DayOutOfRange(LocalDate day, LocalDate first, LocalDate last) implements BookingOutcome, ChangeOutcome {
    }

    /** The person may not book (or change) now. */
    record NotEligible(Eligibility why) implements BookingOutcome, ChangeOutcome {
    }

    /** The idempotency key was used before for a different request. */
    record KeyReused(String idempotencyKey) implements BookingOutcome, ChangeOutcome, CancelOutcome {
    }
}
