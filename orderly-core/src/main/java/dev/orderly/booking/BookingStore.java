package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Port: clinics, capacity and reservations, with the invariants booking relies on.
 *
 * <p>Every implementation guarantees, under any number of concurrent callers:
 * <ul>
 *   <li>no clinic-day-product is ever booked beyond its capacity;</li>
 *   <li>a person holds at most one active reservation;</li>
 *   <li>dose 1 and dose 2 are booked together or not at all;</li>
 *   <li>a request retried with the same idempotency key gets the first booking back, not a second;</li>
 *   <li>an answer of {@link BookingOutcome.Booked} is given only after it is durable.</li>
 * </ul>
 */
public interface BookingStore {

    /** Adds or replaces a product. */
    void saveProduct(Product product);

    /** Adds or replaces a clinic. */
    void saveClinic(Clinic clinic);

    /** Sets the capacity of one clinic-day-product; places already booked stay booked. */
    void setCapacity(long clinicId, LocalDate day, String product, int capacity);

    List<Product> products();

    Optional<Clinic> clinic(long clinicId);

    /** Provinces and districts that have at least one clinic, in name order. */
    List<Region> regions();

    /**
     * Clinics in a province (and district, when not null), with their availability from
     * {@code from} for {@code days} days, in clinic name order.
     */
    List<ClinicAvailability> search(String province, String district, LocalDate from, int days);

    /**
     * Books dose 1 on the request's day and dose 2 on the first day with room within
     * {@code product}'s interval, at the same clinic, atomically.
     *
     * @param idempotencyKey null, or a key that makes a retry return the first answer
     * @param reference      the reference to give a new reservation
     */
    BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant now);

    /** The person's active reservation, if any. */
    Optional<Reservation> active(long personId);

    /** Cancels the person's active reservation (both doses), returning their places. */
    CancelOutcome cancel(long personId, Instant now);
}
