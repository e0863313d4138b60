package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A person's booked pair of appointments: dose 1 and dose 2 at one clinic with one product.
 *
 * @param reference the booking reference shown to the person, e.g. {@code OR-7K3M9Q2P}; kept through changes
 * @param bookedAt  when it was booked
 * @param changedAt when it was last changed ({@code bookedAt} until then)
 */
public record Reservation(String reference, long personId, long clinicId, String clinicName, String product,
                          LocalDate dose1Day, LocalDate dose2Day, Instant bookedAt, Instant changedAt) {

    /** A reservation as booked, never changed. */
    public Reservation(String reference, long personId, long clinicId, String clinicName, String product,
                       LocalDate dose1Day, LocalDate dose2Day, Instant bookedAt) {
        this(reference, personId, clinicId, clinicName, product, dose1Day, dose2Day, bookedAt, bookedAt);
    }
}
