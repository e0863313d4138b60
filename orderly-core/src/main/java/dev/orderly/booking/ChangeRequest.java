package dev.orderly.booking;

import java.time.LocalDate;

/** A person asks to move their reservation. */
public sealed interface ChangeRequest {

    long personId();

    /** What makes two change requests the same request, for idempotency keys. */
    String fingerprint();

    /**
     * Move dose 1 to another day, clinic or product; dose 2 is planned again as for a new booking
     * (same clinic, first day with room in the interval), with the places held now counted as free.
     *
     * @param group the person's capacity group, as in {@link BookingRequest}
     */
    record MoveDose1(long personId, long clinicId, LocalDate day, String product, int group) implements ChangeRequest {
        @Override
        public String fingerprint() {
            return "dose1:" + clinicId + ":" + day + ":" + product;
        }
    }

    /** Move dose 2 to {@code day}, at the same clinic and within the product's interval after dose 1. */
    record MoveDose2(long personId, LocalDate day, int group) implements ChangeRequest {
        @Override
        public String fingerprint() {
            return "dose2:" + day;
        }
    }
}
