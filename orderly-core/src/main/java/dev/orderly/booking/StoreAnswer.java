package dev.orderly.booking;

/** Any answer a booking store gives to a booking, change or cancellation (and may remember under a key). */
public sealed interface StoreAnswer permits BookingOutcome, ChangeOutcome, CancelOutcome {
}
