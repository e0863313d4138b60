package dev.orderly.booking;

/** The answer to a cancellation. */
public sealed interface CancelOutcome extends StoreAnswer permits CancelOutcome.Cancelled, CancelOutcome.NothingToCancel,
        BookingOutcome.KeyReused {

    /** Both doses were cancelled and their places returned. */
    record Cancelled(Reservation reservation) implements CancelOutcome {
    }

    /** The person held no active reservation. */
    record NothingToCancel() implements CancelOutcome {
    }
}
