package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Port: clinics, capacity and reservations, with the invariants booking relies on.
 *
 * <p>Every implementation decides by {@link BookingRules} and guarantees, under any number of
 * concurrent callers:
 * <ul>
 *   <li>no bucket (clinic-day-product, shared or of one rotation group) is ever booked beyond
 *       its capacity, and capacity never goes below zero;</li>
 *   <li>a person holds at most one active reservation, and so at most one active appointment per dose;</li>
 *   <li>dose 1 and dose 2 are booked, moved and cancelled together or not at all;</li>
 *   <li>a request retried with the same idempotency key gets the first answer back, whatever it was;</li>
 *   <li>an answer is given only after what it reports is durable (committed);</li>
 *   <li>a booking, change or cancellation queues its confirmation message in the same step.</li>
 * </ul>
 */
public interface BookingStore {

    /** Adds or replaces a product. */
    void saveProduct(Product product);

    /**
     * Adds or replaces a clinic.
     *
     * @throws IllegalStateException when it would stop offering a product it has places booked for
     */
    void saveClinic(Clinic clinic);

    /** Sets the shared capacity of one clinic-day-product, as {@link #setCapacity(List)} does. */
    default void setCapacity(long clinicId, LocalDate day, String product, int capacity) {
        setCapacity(List.of(new CapacitySetting(new Bucket(clinicId, product, day, Bucket.SHARED), capacity)));
    }

    /**
     * Sets the capacity of buckets, all or none; places already booked stay booked. A capacity of
     * zero closes a bucket.
     *
     * @throws IllegalArgumentException when a capacity is negative, or a clinic does not offer the product
     * @throws IllegalStateException    when a bucket has more places booked than its new capacity
     */
    void setCapacity(List<CapacitySetting> settings);

    /** Every bucket of a clinic from {@code from} for {@code days} days, by day, product and group. */
    List<BucketCapacity> capacity(long clinicId, LocalDate from, int days);

    /**
     * Checks the invariants above on everything the store holds (overbooked buckets, two active
     * appointments of one person for a dose, booked counts that disagree with the appointments).
     * Reads the whole store: for operators and tests, not for a request path.
     */
    IntegrityReport checkIntegrity();

    List<Product> products();

    Optional<Clinic> clinic(long clinicId);

    /** Provinces and districts that have at least one clinic, in name order. */
    List<Region> regions();

    /**
     * Clinics in a province (and district, when not null), with their availability from
     * {@code from} for {@code days} days, in clinic name order; every bucket counted.
     */
    default List<ClinicAvailability> search(String province, String district, LocalDate from, int days) {
        return search(province, district, from, days, Bucket.EVERY_GROUP);
    }

    /**
     * As {@link #search(String, String, LocalDate, int)}, counting only the buckets someone of
     * capacity group {@code group} may book ({@link Bucket#EVERY_GROUP}: all). A day appears when
     * it has such a bucket.
     */
    default List<ClinicAvailability> search(String province, String district, LocalDate from, int days, int group) {
        return ClinicBuckets.availableTo(searchBuckets(province, district, from, days), group);
    }

    /**
     * Clinics in a province (and district, when not null), in clinic name order, each with every
     * bucket it has from {@code from} for {@code days} days, for the products it offers, in day,
     * product, group order: what {@link #search(String, String, LocalDate, int, int)} narrows for
     * each group.
     */
    List<ClinicBuckets> searchBuckets(String province, String district, LocalDate from, int days);

    /**
     * Books dose 1 on the request's day and dose 2 on the first day with room within the
     * product's interval, at the same clinic, atomically.
     *
     * @param idempotencyKey null, or a key that makes a retry return the first answer
     * @param reference      the reference to give a new reservation
     * @throws ReferenceInUseException when {@code reference} is taken; book again with another
     */
    BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant now);

    /** Moves a dose of the person's active reservation; see {@link ChangeRequest}. */
    ChangeOutcome change(ChangeRequest request, String idempotencyKey, Instant now);

    /** Cancels the person's active reservation (both doses), returning their places. */
    CancelOutcome cancel(long personId, String idempotencyKey, Instant now);

    /** Cancels without an idempotency key. */
    default CancelOutcome cancel(long personId, Instant now) {
        return cancel(personId, null, now);
    }

    /** The person's active reservation, if any. */
    Optional<Reservation> active(long personId);

    /** The first answer given to the person's request with this key, if any. */
    Optional<Remembered> remembered(long personId, String idempotencyKey);
}
