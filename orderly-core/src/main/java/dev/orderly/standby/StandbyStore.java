package dev.orderly.standby;

import dev.orderly.booking.BookingRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Port: the standby list, leftover releases and their offers, beside the booking store whose
 * capacity the releases add to and whose transaction a claim books in.
 *
 * <p>Every implementation guarantees, under any number of concurrent callers and nodes:
 * <ul>
 *   <li>a release's open plus claimed offers never exceed its doses, so no dose is offered or
 *       claimed twice;</li>
 *   <li>a person is offered a dose of one release at most once;</li>
 *   <li>a claim books (dose 1 on the release's day at its clinic, dose 2 in the interval) and marks
 *       the offer claimed in one step: both or neither;</li>
 *   <li>a release adds its doses to the shared capacity of its clinic-day-product in the same step
 *       as it is recorded.</li>
 * </ul>
 */
public interface StandbyStore {

    /** Puts the person on the list, or replaces their areas and hours (keeping their place). */
    StandbyEntry join(StandbyEntry entry);

    Optional<StandbyEntry> entry(long personId);

    /** Takes the person off the list; false when they were not on it. Offers already made stay. */
    boolean leave(long personId);

    /** Cohorts the operator opened to leftovers beyond those eligible now. */
    Set<String> leftoverCohorts();

    void setLeftoverCohorts(Set<String> cohortIds);

    /**
     * Records a release and adds its doses to the shared capacity of the clinic's day and product.
     *
     * @throws IllegalArgumentException when the clinic does not offer the product
     * @throws AlreadyReleasedException when {@code releasedBy} is {@link Release#SYSTEM} and the system
     *         already released doses of that product at that clinic on that day (nothing is changed)
     */
    Release release(long clinicId, String product, LocalDate day, int doses, FairOrder order, long seed, String releasedBy,
                    Instant now);

    Optional<Release> releaseById(long id);

    /** The releases of a clinic on a day with their counts, oldest first. */
    List<ReleaseSummary> releases(long clinicId, LocalDate day);

    /** Ids of the releases of {@code day} that still have doses not claimed, oldest first. */
    List<Long> unfinishedReleases(LocalDate day);

    /**
     * One round of a release, alone (another round of it running elsewhere makes this one skip):
     * open offers whose window passed at {@code now} expire; then, if doses are free, {@code picker}
     * chooses among the people not yet offered one of this release, and the offers it returns are
     * recorded with their SMS queued, in the same step.
     */
    RoundResult round(long releaseId, Instant now, OfferPicker picker);

    Optional<OfferView> offer(String token);

    List<StandbyOffer> offersOf(long releaseId);

    /**
     * Claims the offer {@code token} for {@code request.personId()}: checks it is theirs and
     * claimable at {@code now}, then books {@code request} (its day and clinic those of the
     * release) with {@code idempotencyKey} and {@code reference}, and marks the offer claimed,
     * atomically. A retry with the key of a claim that succeeded gets {@link ClaimOutcome.Claimed}
     * again; any other claim of a claimed offer gets {@link ClaimOutcome.AlreadyClaimed}.
     *
     * @throws dev.orderly.booking.ReferenceInUseException when {@code reference} is taken (nothing changed)
     */
    ClaimOutcome claim(String token, BookingRequest request, String idempotencyKey, String reference, Instant now);
}
