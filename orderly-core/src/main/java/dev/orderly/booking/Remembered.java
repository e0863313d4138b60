package dev.orderly.booking;

/**
 * The first answer given to a request sent with an idempotency key, and the fingerprint of that
 * request: a retry with the same key and fingerprint gets {@code answer} again; with another
 * fingerprint, {@link BookingOutcome.KeyReused}.
 */
public record Remembered(String fingerprint, StoreAnswer answer) {
}
