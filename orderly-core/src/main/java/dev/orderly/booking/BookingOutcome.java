package dev.orderly.booking;

import dev.orderly.eligibility.Eligibility;
import java.time.LocalDate;

/** Every expected answer to a booking request. */
public sealed interface BookingOutcome {

    /** Both doses are booked and committed. */
    record Booked(Reservation reservation) implements BookingOutcome {
    }

    /** The person already holds an active reservation. */
    record AlreadyBooked(Reservation existing) implements BookingOutcome {
    }

    /** No room left for dose 1 on that day. */
    record DayFull(long clinicId, LocalDate day, String product) implements BookingOutcome {
    }

    /** Dose 1 had room but no day in the dose-2 interval has. */
    record NoSecondDoseDay(LocalDate from, LocalDate to) implements BookingOutcome {
    }

    /** The clinic does not exist or does not offer the product (on that day). */
    record NotOffered(long clinicId, String product) implements BookingOutcome {
    }

    /** The day is outside what may be booked now. */
    record DayOutOfRange(LocalDate day, LocalDate first, LocalDate last) implements BookingOutcome {
    }

    /** The person may not book now, or not this product. */
    record NotEligible(Eligibility why) implements BookingOutcome {
    }

    /** The idempotency key was used before for a different request. */
    record KeyReused(String idempotencyKey) implements BookingOutcome {
    }
}
