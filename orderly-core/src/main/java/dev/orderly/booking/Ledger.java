package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What a booking decision reads and changes: remembered answers, active reservations, offers and
 * capacity. {@link BookingRules} decides on a ledger; a store provides one over its state (all of
 * it in memory, or the rows a database transaction has locked) and persists what was changed.
 */
public interface Ledger {

    Optional<Remembered> remembered(long personId, String key);

    void remember(long personId, String key, Remembered remembered, Instant now);

    /** The person's active reservation. */
    Optional<Holding> holding(long personId);

    /** Whether a reservation (active or not) already has this reference. */
    boolean referenceTaken(String reference);

    Optional<Offer> offer(long clinicId, String product);

    /** Every bucket of one clinic-day-product, with its state now. */
    List<BucketCapacity> buckets(long clinicId, String product, LocalDate day);

    /** Takes one place of {@code bucket}; the caller has checked there is room. */
    void take(Bucket bucket);

    /** Gives one place of {@code bucket} back. */
    void release(Bucket bucket);

    /** Makes {@code holding} the person's active reservation (new, or replacing theirs with the same reference). */
    void hold(Holding holding);

    /** Cancels the person's active reservation {@code holding} at {@code now}. */
    void drop(Holding holding, Instant now);

    /** Queues a message about {@code reservation} to the person (kind BOOKED, CHANGED or CANCELLED). */
    void send(String kind, Reservation reservation, Instant now);
}
