package dev.orderly.standby;

import dev.orderly.booking.BookingReferences;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.ReferenceInUseException;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.eligibility.EligibilityRules;
import dev.orderly.eligibility.SpecialGroupStore;
import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Leftover doses and the standby list: joining, releasing, offering in a fair order, claiming.
 *
 * <p>Design note. A release adds its doses to the shared capacity of the clinic's <em>today</em>
 * (Seoul). Today is never bookable otherwise (booking and moving start tomorrow, see
 * {@link BookingService#firstBookableDay()}), so those places are real capacity that only a
 * standby claim can take, and the booking engine's invariants (never overbooked, one reservation a
 * person, idempotent by key) hold for claims as for any booking. A round (on release, then on a
 * timer) expires the offers whose window passed and offers the doses neither open nor claimed to
 * the next people: in the release's {@link FairOrder}, skipping whoever holds a reservation, is
 * not covered by the clinic or not available at this hour, or may not take the vaccine now
 * (eligible by the rules for it, or in a cohort the operator opened to leftovers).
 */
public final class StandbyService {

    /** The default claim window: long enough to read an SMS and verify, short enough that a vial keeps. */
    public static final Duration DEFAULT_CLAIM_WINDOW = Duration.ofMinutes(10);

    private static final int REFERENCE_TRIES = 5;

    private final StandbyStore store;
    private final BookingStore bookings;
    private final BookingService booking;
    private final CohortStore cohorts;
    private final SpecialGroupStore specialGroups;
    private final ResidentRegistry registry;
    private final Clock clock;
    private final RandomGenerator random;
    private final BookingReferences references;
    private final Duration claimWindow;
    private final String linkBase;

    /**
     * @param random      for offer tokens, draw seeds and booking references: a {@code SecureRandom} in production
     * @param claimWindow how long an offer may be claimed
     * @param linkBase    what comes before {@code /claim.html?offer=} in the SMS (the site's address, or empty)
     */
    public StandbyService(StandbyStore store, BookingStore bookings, BookingService booking, CohortStore cohorts,
                          SpecialGroupStore specialGroups, ResidentRegistry registry, Clock clock, RandomGenerator random,
                          Duration claimWindow, String linkBase) {
        if (claimWindow.isNegative() || claimWindow.isZero()) {
            throw new IllegalArgumentException("the claim window must be positive, was " + claimWindow);
        }
        this.store = store;
        this.bookings = bookings;
        this.booking = booking;
        this.cohorts = cohorts;
        this.specialGroups = specialGroups;
        this.registry = registry;
        this.clock = clock;
        this.random = random;
        this.references = new BookingReferences(random);
        this.claimWindow = claimWindow;
        this.linkBase = linkBase;
    }

    public Duration claimWindow() {
        return claimWindow;
    }

    // ------------------------------------------------------------------ the list

    /** What came of joining. */
    public sealed interface JoinOutcome {
        record Joined(StandbyEntry entry) implements JoinOutcome {
        }

        record NoConsent() implements JoinOutcome {
        }

        /** Neither eligible now nor in a cohort opened to leftovers. */
        record NotEligible(Eligibility why) implements JoinOutcome {
        }

        record UnknownClinic(long clinicId) implements JoinOutcome {
        }
    }

    public JoinOutcome join(Person person, Set<StandbyEntry.District> districts, Set<Long> clinicIds, LocalTime from, LocalTime to,
                            boolean consent) {
        if (!consent) {
            return new JoinOutcome.NoConsent();
        }
        for (long id : clinicIds) {
            if (bookings.clinic(id).isEmpty()) {
                return new JoinOutcome.UnknownClinic(id);
            }
        }
        Instant now = clock.instant();
        Optional<Eligibility> refusal = refusal(person, null, now);
        if (refusal.isPresent()) {
            return new JoinOutcome.NotEligible(refusal.get());
        }
        return new JoinOutcome.Joined(store.join(new StandbyEntry(person.id(), districts, clinicIds, from, to, now, now)));
    }

    public Optional<StandbyEntry> entryOf(Person person) {
        return store.entry(person.id());
    }

    public boolean leave(Person person) {
        return store.leave(person.id());
    }

    /**
     * Why {@code person} may not take a leftover dose of {@code product} (any product when null)
     * now, or empty when they may: eligible by the rules for it, or in a cohort opened to leftovers.
     */
    Optional<Eligibility> refusal(Person person, String product, Instant now) {
        List<Cohort> all = cohorts.all();
        Set<String> groups = all.stream().anyMatch(c -> c.specialGroup().isPresent() && c.includes(person.birthDate()))
                ? specialGroups.groupsOf(person.id()) : Set.of();
        Eligibility e = EligibilityRules.check(person, all, groups, EligibilityRules.Standing.WITHOUT_RESERVATION, now);
        if (e instanceof Eligibility.Eligible ok && (product == null || ok.cohort().products().contains(product))) {
            return Optional.empty();
        }
        Set<String> opened = store.leftoverCohorts();
        boolean openedToThem = all.stream().anyMatch(c -> opened.contains(c.id()) && c.includes(person.birthDate(), groups)
                && (product == null || c.products().contains(product)));
        return openedToThem ? Optional.empty() : Optional.of(e);
    }

    public Set<String> leftoverCohorts() {
        return store.leftoverCohorts();
    }

    public void setLeftoverCohorts(Set<String> cohortIds) {
        store.setLeftoverCohorts(cohortIds);
    }

    // ------------------------------------------------------------------ releases and rounds

    /** What came of a release. */
    public sealed interface ReleaseOutcome {
        /** Recorded, and its first round run ({@code firstRound} says whom it offered). */
        record Released(Release release, RoundResult firstRound) implements ReleaseOutcome {
        }

        record NotOffered(long clinicId, String product) implements ReleaseOutcome {
        }

        /** The system's release of this clinic, day and product was made before (see {@link Release#SYSTEM}). */
        record AlreadyReleased(long clinicId, String product) implements ReleaseOutcome {
        }
    }

    /** Releases {@code doses} of {@code product} at the clinic for today (Seoul), and offers them at once. */
    public ReleaseOutcome release(long clinicId, String product, int doses, FairOrder order, String releasedBy) {
        if (doses < 1 || doses > Release.MAX_DOSES) {
            throw new IllegalArgumentException("doses must be 1 to " + Release.MAX_DOSES + ", was " + doses);
        }
        Optional<Clinic> clinic = bookings.clinic(clinicId);
        if (clinic.isEmpty() || !clinic.get().products().contains(product)) {
            return new ReleaseOutcome.NotOffered(clinicId, product);
        }
        Instant now = clock.instant();
        Release release;
        try {
            release = store.release(clinicId, product, SeoulCalendar.dateAt(now), doses, order, random.nextLong(), releasedBy, now);
        } catch (IllegalArgumentException notOffered) {
            return new ReleaseOutcome.NotOffered(clinicId, product);
        } catch (AlreadyReleasedException once) {
            return new ReleaseOutcome.AlreadyReleased(clinicId, product);
        }
        return new ReleaseOutcome.Released(release, round(release.id()));
    }

    /** Today's releases of a clinic with their counts. */
    public List<ReleaseSummary> releasesToday(long clinicId) {
        return store.releases(clinicId, SeoulCalendar.today(clock));
    }

    /** One round of every release of today with doses not yet claimed; the offers made. */
    public List<StandbyOffer> step() {
        List<StandbyOffer> made = new ArrayList<>();
        for (long id : store.unfinishedReleases(SeoulCalendar.today(clock))) {
            made.addAll(round(id).offered());
        }
        return made;
    }

    /** One round of a release (see {@link StandbyStore#round}). */
    public RoundResult round(long releaseId) {
        Instant now = clock.instant();
        return store.round(releaseId, now, (release, candidates, free) -> pick(release, candidates, free, now));
    }

    private List<NewOffer> pick(Release release, List<StandbyEntry> candidates, int free, Instant now) {
        if (!release.day().equals(SeoulCalendar.dateAt(now))) {
            return List.of(); // the day is over: what was not claimed is not offered tomorrow
        }
        Optional<Clinic> clinic = bookings.clinic(release.clinicId());
        if (clinic.isEmpty()) {
            return List.of();
        }
        LocalTime time = SeoulCalendar.wallClock(now).toLocalTime();
        List<NewOffer> picked = new ArrayList<>();
        for (StandbyEntry e : release.order().arrange(candidates, release.seed())) {
            if (picked.size() == free) {
                break;
            }
            if (!e.covers(clinic.get()) || !e.availableAt(time) || bookings.active(e.personId()).isPresent()) {
                continue;
            }
            Optional<Person> person = registry.byId(e.personId());
            if (person.isEmpty() || refusal(person.get(), release.product(), now).isPresent()) {
                continue;
            }
            String token = token();
            picked.add(new NewOffer(e.personId(), token, now.plus(claimWindow), sms(clinic.get(), release, token)));
        }
        return picked;
    }

    private String token() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The offer's SMS, Korean first; it names the clinic and vaccine, never the person. */
    String sms(Clinic clinic, Release release, String token) {
        long minutes = Math.max(1, claimWindow.toMinutes());
        String link = linkBase + "/claim.html?offer=" + token;
        return "[Orderly] 잔여 백신 " + release.product() + ": " + clinic.name() + " 오늘. " + minutes + "분 안에 신청 " + link
                + " / Leftover " + release.product() + " dose today at " + clinic.name() + ": claim within " + minutes + " min";
    }

    // ------------------------------------------------------------------ offers and claims

    public Optional<OfferView> offer(String token) {
        return store.offer(token);
    }

    /** Claims the offer for {@code person}: books today at the clinic and dose 2 in the interval, in one step. */
    public ClaimOutcome claim(Person person, String token, String idempotencyKey) {
        Optional<OfferView> view = store.offer(token);
        if (view.isEmpty()) {
            return new ClaimOutcome.NoSuchOffer();
        }
        if (view.get().offer().personId() != person.id()) {
            return new ClaimOutcome.NotYours();
        }
        Release r = view.get().release();
        BookingRequest request = new BookingRequest(person.id(), r.clinicId(), r.day(), r.product(), booking.capacityGroup(person));
        for (int attempt = 1; ; attempt++) {
            try {
                return store.claim(token, request, idempotencyKey, references.next(), clock.instant());
            } catch (ReferenceInUseException e) {
                if (attempt >= REFERENCE_TRIES) {
                    throw e;
                }
            }
        }
    }
}
