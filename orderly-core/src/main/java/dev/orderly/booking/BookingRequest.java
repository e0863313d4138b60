package dev.orderly.booking;

import java.time.LocalDate;

/**
 * A person asks for dose 1 of {@code product} at {@code clinicId} on {@code day}.
 *
 * @param group the person's capacity group (rotation digit 0..9), or {@link Bucket#SHARED} to use shared places only
 */
public record BookingRequest(long personId, long clinicId, LocalDate day, String product, int group) {

    /** A request that may take shared places only. */
    public BookingRequest(long personId, long clinicId, LocalDate day, String product) {
        this(personId, clinicId, day, product, Bucket.SHARED);
    }

    /** What makes two requests the same request, for idempotency keys. */
    public String fingerprint() {
        return "book:" + clinicId + ":" + day + ":" + product;
    }
}
