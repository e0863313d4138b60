package dev.orderly.booking;

import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.eligibility.EligibilityRules;
import dev.orderly.eligibility.InMemorySpecialGroupStore;
import dev.orderly.eligibility.Rotation;
import dev.orderly.eligibility.SpecialGroupStore;
import dev.orderly.registry.Person;
import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Books, shows, changes and cancels a verified person's reservation, after checking that they may
 * (eligibility on the server's clock) and that the day is bookable: dose 1 from tomorrow (Seoul)
 * through {@code horizonDays} days ahead.
 *
 * <p>Refusals decided here (not eligible, day out of range, product not for the cohort, too late
 * to move) are not remembered under the idempotency key, but a keyed request refused here first
 * looks for a remembered answer: a retry of a booking that succeeded at 17:59:59 still gets its
 * reservation back at 18:00:01, after the window closed.
 */
public final class BookingService {

    /** How often a booking is tried again with a fresh reference when the random one is taken. */
    private static final int REFERENCE_TRIES = 5;

    private final BookingStore store;
    private final CohortStore cohorts;
    private final SpecialGroupStore specialGroups;
    private final Clock clock;
    private final BookingReferences references;
    private final int horizonDays;
    private final AvailabilityCache availability;

    /**
     * @param horizonDays dose 1 may be booked up to this many days ahead (Seoul calendar); at least 1
     * @param searchFreshFor how long a search answer may be reused (see {@link AvailabilityCache}); zero: never
     */
    public BookingService(BookingStore store, CohortStore cohorts, SpecialGroupStore specialGroups, Clock clock,
                          BookingReferences references, int horizonDays, java.time.Duration searchFreshFor) {
        if (horizonDays < 1) {
            throw new IllegalArgumentException("horizonDays must be at least 1, was " + horizonDays);
        }
        this.store = store;
        this.cohorts = cohorts;
        this.specialGroups = specialGroups;
        this.clock = clock;
        this.references = references;
        this.horizonDays = horizonDays;
        this.availability = new AvailabilityCache(store, clock, searchFreshFor, 10_000);
    }

    /** A service whose searches always read the store. */
    public BookingService(BookingStore store, CohortStore cohorts, SpecialGroupStore specialGroups, Clock clock,
                          BookingReferences references, int horizonDays) {
        this(store, cohorts, specialGroups, clock, references, horizonDays, java.time.Duration.ZERO);
    }

    /** A service for cohorts without special-group lists. */
    public BookingService(BookingStore store, CohortStore cohorts, Clock clock, BookingReferences references, int horizonDays) {
        this(store, cohorts, new InMemorySpecialGroupStore(), clock, references, horizonDays);
    }

    /** Whether the person may book now, and why: {@link Eligibility.AlreadyBooked} when they hold a reservation. */
    public Eligibility eligibility(Person person) {
        Optional<String> held = store.active(person.id()).map(Reservation::reference);
        return EligibilityRules.forBooking(person, cohorts.all(), groupsOf(person), held, clock.instant());
    }

    /** Whether the person, holding a reservation, may change it now. */
    public Eligibility changeEligibility(Person person) {
        return EligibilityRules.check(person, cohorts.all(), groupsOf(person), EligibilityRules.Standing.HOLDING_RESERVATION,
                clock.instant());
    }

    /** Today in Seoul, by this service's clock. */
    public LocalDate today() {
        return SeoulCalendar.today(clock);
    }

    /** Who may book now and who next (see {@link dev.orderly.eligibility.Schedule}). */
    public List<dev.orderly.eligibility.Schedule.Entry> schedule() {
        return dev.orderly.eligibility.Schedule.at(cohorts.all(), clock.instant());
    }

    /**
     * Whether someone born on {@code birthDate} could book now, asked before any identity: as for
     * a person on no special-group list who holds no reservation (a list's members learn theirs after verifying).
     */
    public Eligibility eligibilityByBirthDate(LocalDate birthDate) {
        return EligibilityRules.check(new Person(0, "-", birthDate, "-"), cohorts.all(), java.util.Set.of(),
                EligibilityRules.Standing.WITHOUT_RESERVATION, clock.instant());
    }

    /** First day that may be booked now: tomorrow in Seoul. */
    public LocalDate firstBookableDay() {
        return SeoulCalendar.today(clock).plusDays(1);
    }

    /** Last day that may be booked now. */
    public LocalDate lastBookableDay() {
        return SeoulCalendar.today(clock).plusDays(horizonDays);
    }

    /**
     * The person's capacity group: their rotation digit in the cohort they may book through (or the
     * first cohort they belong to; the default rotation's digit when it has none).
     */
    public int capacityGroup(Person person) {
        List<Cohort> all = cohorts.all();
        Eligibility e = EligibilityRules.check(person, all, groupsOf(person), EligibilityRules.Standing.WITHOUT_RESERVATION,
                clock.instant());
        if (e instanceof Eligibility.Eligible ok) {
            return EligibilityRules.capacityGroup(person, ok.cohort());
        }
        Set<String> groups = groupsOf(person);
        return all.stream().filter(c -> c.includes(person.birthDate(), groups)).findFirst()
                .map(c -> EligibilityRules.capacityGroup(person, c))
                .orElse(Rotation.DEFAULT.groupOf(person.birthDate()));
    }

    public BookingOutcome book(Person person, long clinicId, LocalDate day, String product, String idempotencyKey) {
        Instant now = clock.instant();
        String fingerprint = new BookingRequest(person.id(), clinicId, day, product).fingerprint();
        Eligibility eligibility = EligibilityRules.check(person, cohorts.all(), groupsOf(person),
                EligibilityRules.Standing.WITHOUT_RESERVATION, now);
        if (!(eligibility instanceof Eligibility.Eligible eligible)) {
            return refused(person, idempotencyKey, fingerprint, new BookingOutcome.NotEligible(eligibility), BookingOutcome.class);
        }
        if (!eligible.cohort().products().contains(product)) {
            return refused(person, idempotencyKey, fingerprint, new BookingOutcome.NotOffered(clinicId, product), BookingOutcome.class);
        }
        LocalDate first = firstBookableDay();
        LocalDate last = lastBookableDay();
        if (day.isBefore(first) || day.isAfter(last)) {
            return refused(person, idempotencyKey, fingerprint, new BookingOutcome.DayOutOfRange(day, first, last), BookingOutcome.class);
        }
        BookingRequest request = new BookingRequest(person.id(), clinicId, day, product,
                EligibilityRules.capacityGroup(person, eligible.cohort()));
        for (int attempt = 1; ; attempt++) {
            try {
                BookingOutcome outcome = store.book(request, idempotencyKey, references.next(), now);
                if (outcome instanceof BookingOutcome.Booked b) {
                    availability.booked(b.reservation(), request.group());
                }
                return outcome;
            } catch (ReferenceInUseException e) {
                if (attempt >= REFERENCE_TRIES) {
                    throw e;
                }
            }
        }
    }

    /**
     * Moves dose 1 to {@code day} at {@code clinicId} with {@code product}; dose 2 is planned again.
     * Needs a window the person may use while holding a reservation (not one for the unbooked only).
     */
    public ChangeOutcome moveDose1(Person person, long clinicId, LocalDate day, String product, String idempotencyKey) {
        String fingerprint = new ChangeRequest.MoveDose1(person.id(), clinicId, day, product, Bucket.SHARED).fingerprint();
        Optional<Reservation> held = store.active(person.id());
        if (held.isEmpty()) {
            return refused(person, idempotencyKey, fingerprint, new ChangeOutcome.NothingToChange(), ChangeOutcome.class);
        }
        if (!held.get().dose1Day().isAfter(SeoulCalendar.today(clock))) {
            return refused(person, idempotencyKey, fingerprint, new ChangeOutcome.TooLate(held.get().dose1Day()), ChangeOutcome.class);
        }
        Eligibility eligibility = changeEligibility(person);
        if (!(eligibility instanceof Eligibility.Eligible eligible)) {
            return refused(person, idempotencyKey, fingerprint, new BookingOutcome.NotEligible(eligibility), ChangeOutcome.class);
        }
        if (!eligible.cohort().products().contains(product)) {
            return refused(person, idempotencyKey, fingerprint, new BookingOutcome.NotOffered(clinicId, product), ChangeOutcome.class);
        }
        LocalDate first = firstBookableDay();
        LocalDate last = lastBookableDay();
        if (day.isBefore(first) || day.isAfter(last)) {
            return refused(person, idempotencyKey, fingerprint, new BookingOutcome.DayOutOfRange(day, first, last), ChangeOutcome.class);
        }
        return changed(held.get(), store.change(new ChangeRequest.MoveDose1(person.id(), clinicId, day, product,
                EligibilityRules.capacityGroup(person, eligible.cohort())), idempotencyKey, clock.instant()));
    }

    /**
     * Moves dose 2 to {@code day}, at the same clinic, within the product's interval after dose 1.
     * Unlike booking and moving dose 1, this needs no open window.
     */
    public ChangeOutcome moveDose2(Person person, LocalDate day, String idempotencyKey) {
        String fingerprint = new ChangeRequest.MoveDose2(person.id(), day, Bucket.SHARED).fingerprint();
        Optional<Reservation> held = store.active(person.id());
        if (held.isEmpty()) {
            return refused(person, idempotencyKey, fingerprint, new ChangeOutcome.NothingToChange(), ChangeOutcome.class);
        }
        // No window needed: dose 2 follows the dose 1 already booked, weeks after any window closed.
        LocalDate today = SeoulCalendar.today(clock);
        if (!held.get().dose2Day().isAfter(today)) {
            return refused(person, idempotencyKey, fingerprint, new ChangeOutcome.TooLate(held.get().dose2Day()), ChangeOutcome.class);
        }
        if (!day.isAfter(today)) {
            int maxDays = store.products().stream().filter(p -> p.code().equals(held.get().product()))
                    .mapToInt(Product::dose2MaxDays).findFirst().orElse(0);
            return refused(person, idempotencyKey, fingerprint,
                    new BookingOutcome.DayOutOfRange(day, today.plusDays(1), held.get().dose1Day().plusDays(maxDays)), ChangeOutcome.class);
        }
        return changed(held.get(), store.change(new ChangeRequest.MoveDose2(person.id(), day, capacityGroup(person)),
                idempotencyKey, clock.instant()));
    }

    public Optional<Reservation> reservationOf(Person person) {
        return store.active(person.id());
    }

    /** Cancels the person's reservation; always allowed. */
    public CancelOutcome cancel(Person person, String idempotencyKey) {
        CancelOutcome outcome = store.cancel(person.id(), idempotencyKey, clock.instant());
        if (outcome instanceof CancelOutcome.Cancelled c) {
            availability.forget(c.reservation().clinicId());
        }
        return outcome;
    }

    private ChangeOutcome changed(Reservation before, ChangeOutcome outcome) {
        if (outcome instanceof ChangeOutcome.Changed c) {
            availability.forget(before.clinicId());
            availability.forget(c.reservation().clinicId());
        }
        return outcome;
    }

    public CancelOutcome cancel(Person person) {
        return cancel(person, null);
    }

    /**
     * Clinics with what {@code viewer} (when known) may book; every bucket counted when no viewer.
     * Answers may be reused for a short while (see the constructor).
     */
    public List<ClinicAvailability> search(Optional<Person> viewer, String province, String district, LocalDate from, int days) {
        int group = viewer.map(this::capacityGroup).orElse(Bucket.EVERY_GROUP);
        return availability.search(province, district, from, days, group);
    }

    private <T extends StoreAnswer> T refused(Person person, String key, String fingerprint, T refusal, Class<T> kind) {
        if (key != null) {
            Optional<Remembered> first = store.remembered(person.id(), key);
            if (first.isPresent()) {
                if (first.get().fingerprint().equals(fingerprint) && kind.isInstance(first.get().answer())) {
                    return kind.cast(first.get().answer());
                }
                return kind.cast(new BookingOutcome.KeyReused(key));
            }
        }
        return refusal;
    }

    /** The special groups a person is listed in, looked up only when some cohort needs them. */
    private Set<String> groupsOf(Person person) {
        boolean needed = cohorts.all().stream().anyMatch(c -> c.specialGroup().isPresent() && c.includes(person.birthDate()));
        return needed ? specialGroups.groupsOf(person.id()) : Set.of();
    }
}
