package dev.orderly.standby;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.CapacitySetting;
import dev.orderly.booking.InMemoryBookingStore;
import dev.orderly.booking.Remembered;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The standby store in one node's memory, beside an {@link InMemoryBookingStore}: every change
 * runs under the booking store's own lock (its methods are synchronized on it, and re-entrant),
 * so a claim's booking and the offer it claims change together, as one PostgreSQL transaction
 * does them in the other adapter.
 */
public final class InMemoryStandbyStore implements StandbyStore {

    /** An SMS queued by a round (for tests: the memory adapter's outbox). */
    public record Sms(long personId, String body) {
    }

    private final InMemoryBookingStore booking;
    private final Map<Long, StandbyEntry> entries = new LinkedHashMap<>();
    private final Map<Long, Release> releases = new LinkedHashMap<>();
    private final Map<String, StandbyOffer> offers = new LinkedHashMap<>();
    private final Set<String> cohorts = new TreeSet<>();
    private final List<Sms> outbox = new ArrayList<>();
    private final Set<Long> inRound = new HashSet<>();
    private long nextRelease = 1;
    private long nextOffer = 1;

    public InMemoryStandbyStore(InMemoryBookingStore booking) {
        this.booking = booking;
    }

    @Override
    public StandbyEntry join(StandbyEntry entry) {
        synchronized (booking) {
            StandbyEntry earlier = entries.get(entry.personId());
            StandbyEntry kept = earlier == null ? entry : entry.keepingPlaceOf(earlier);
            entries.put(entry.personId(), kept);
            return kept;
        }
    }

    @Override
    public Optional<StandbyEntry> entry(long personId) {
        synchronized (booking) {
            return Optional.ofNullable(entries.get(personId));
        }
    }

    @Override
    public boolean leave(long personId) {
        synchronized (booking) {
            return entries.remove(personId) != null;
        }
    }

    @Override
    public Set<String> leftoverCohorts() {
        synchronized (booking) {
            return Set.copyOf(cohorts);
        }
    }

    @Override
    public void setLeftoverCohorts(Set<String> cohortIds) {
        synchronized (booking) {
            cohorts.clear();
            cohorts.addAll(cohortIds);
        }
    }

    @Override
    public Release release(long clinicId, String product, LocalDate day, int doses, FairOrder order, long seed, String releasedBy,
                           Instant now) {
        synchronized (booking) {
            if (Release.SYSTEM.equals(releasedBy) && releases.values().stream().anyMatch(r -> Release.SYSTEM.equals(r.releasedBy())
                    && r.clinicId() == clinicId && r.product().equals(product) && r.day().equals(day))) {
                throw new AlreadyReleasedException(clinicId, product, day);
            }
            Bucket shared = new Bucket(clinicId, product, day, Bucket.SHARED);
            int capacity = booking.capacity(clinicId, day, 1).stream().filter(b -> b.bucket().equals(shared))
                    .mapToInt(BucketCapacity::capacity).findFirst().orElse(0);
            booking.setCapacity(List.of(new CapacitySetting(shared, capacity + doses)));
            Release r = new Release(nextRelease++, clinicId, product, day, doses, order, seed, releasedBy, now);
            releases.put(r.id(), r);
            return r;
        }
    }

    @Override
    public Optional<Release> releaseById(long id) {
        synchronized (booking) {
            return Optional.ofNullable(releases.get(id));
        }
    }

    @Override
    public List<ReleaseSummary> releases(long clinicId, LocalDate day) {
        synchronized (booking) {
            return releases.values().stream().filter(r -> r.clinicId() == clinicId && r.day().equals(day)).map(this::summary).toList();
        }
    }

    private ReleaseSummary summary(Release r) {
        int open = 0;
        int claimed = 0;
        int expired = 0;
        for (StandbyOffer o : offers.values()) {
            if (o.releaseId() == r.id()) {
                switch (o.status()) {
                    case OPEN -> open++;
                    case CLAIMED -> claimed++;
                    case EXPIRED -> expired++;
                }
            }
        }
        return new ReleaseSummary(r, open, claimed, expired);
    }

    @Override
    public List<Long> unfinishedReleases(LocalDate day) {
        synchronized (booking) {
            return releases.values().stream().filter(r -> r.day().equals(day) && summary(r).claimed() < r.doses()).map(Release::id).toList();
        }
    }

    @Override
    public RoundResult round(long releaseId, Instant now, OfferPicker picker) {
        synchronized (booking) {
            Release release = releases.get(releaseId);
            if (release == null || !inRound.add(releaseId)) {
                return RoundResult.skipped();
            }
            try {
                int expired = 0;
                for (StandbyOffer o : List.copyOf(offers.values())) {
                    if (o.releaseId() == releaseId && o.status() == StandbyOffer.Status.OPEN && !now.isBefore(o.expiresAt())) {
                        offers.put(o.token(), withStatus(o, StandbyOffer.Status.EXPIRED, Optional.empty()));
                        expired++;
                    }
                }
                ReleaseSummary s = summary(release);
                List<StandbyOffer> made = new ArrayList<>();
                if (s.unoffered() > 0) {
                    Set<Long> offered = new HashSet<>();
                    offers.values().stream().filter(o -> o.releaseId() == releaseId).forEach(o -> offered.add(o.personId()));
                    // The map keeps the order people first joined in (a change of areas keeps the place).
                    List<StandbyEntry> candidates = entries.values().stream().filter(e -> !offered.contains(e.personId())).toList();
                    List<NewOffer> picked = picker.pick(release, candidates, s.unoffered());
                    OfferPicker.check(picked, candidates, s.unoffered());
                    for (NewOffer n : picked) {
                        StandbyOffer o = new StandbyOffer(nextOffer++, releaseId, n.personId(), n.token(), StandbyOffer.Status.OPEN, now,
                                n.expiresAt(), Optional.empty());
                        if (offers.putIfAbsent(o.token(), o) != null) {
                            throw new IllegalStateException("offer token already in use");
                        }
                        outbox.add(new Sms(n.personId(), n.sms()));
                        made.add(o);
                    }
                }
                return new RoundResult(true, expired, made);
            } finally {
                inRound.remove(releaseId);
            }
        }
    }

    private static StandbyOffer withStatus(StandbyOffer o, StandbyOffer.Status status, Optional<String> reference) {
        return new StandbyOffer(o.id(), o.releaseId(), o.personId(), o.token(), status, o.offeredAt(), o.expiresAt(), reference);
    }

    @Override
    public Optional<OfferView> offer(String token) {
        synchronized (booking) {
            StandbyOffer o = offers.get(token);
            if (o == null) {
                return Optional.empty();
            }
            Release r = releases.get(o.releaseId());
            return Optional.of(new OfferView(o, r, booking.clinic(r.clinicId()).map(c -> c.name()).orElse("")));
        }
    }

    @Override
    public List<StandbyOffer> offersOf(long releaseId) {
        synchronized (booking) {
            return offers.values().stream().filter(o -> o.releaseId() == releaseId).sorted(java.util.Comparator.comparingLong(StandbyOffer::id))
                    .toList();
        }
    }

    @Override
    public ClaimOutcome claim(String token, BookingRequest request, String idempotencyKey, String reference, Instant now) {
        synchronized (booking) {
            StandbyOffer o = offers.get(token);
            if (o == null) {
                return new ClaimOutcome.NoSuchOffer();
            }
            if (o.personId() != request.personId()) {
                return new ClaimOutcome.NotYours();
            }
            if (o.status() == StandbyOffer.Status.CLAIMED) {
                Optional<Remembered> first = idempotencyKey == null ? Optional.empty() : booking.remembered(request.personId(), idempotencyKey);
                if (first.isPresent() && first.get().fingerprint().equals(request.fingerprint())
                        && first.get().answer() instanceof BookingOutcome.Booked b) {
                    return new ClaimOutcome.Claimed(b.reservation());
                }
                return new ClaimOutcome.AlreadyClaimed(o);
            }
            if (!o.claimableAt(now)) {
                return new ClaimOutcome.Expired(o);
            }
            boolean heldBefore = booking.active(request.personId()).isPresent();
            BookingOutcome outcome = booking.book(request, idempotencyKey, reference, now);
            if (outcome instanceof BookingOutcome.Booked b && !heldBefore) {
                offers.put(token, withStatus(o, StandbyOffer.Status.CLAIMED, Optional.of(b.reservation().reference())));
                return new ClaimOutcome.Claimed(b.reservation());
            }
            return new ClaimOutcome.BookingRefused(outcome instanceof BookingOutcome.Booked b
                    ? new BookingOutcome.AlreadyBooked(b.reservation()) : outcome);
        }
    }

    /** SMS queued so far, oldest first (for tests). */
    public List<Sms> outbox() {
        synchronized (booking) {
            return List.copyOf(outbox);
        }
    }
}
