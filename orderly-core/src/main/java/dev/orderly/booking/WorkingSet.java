package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link Ledger} held in maps, that records what the decisions on it changed.
 *
 * <p>The memory store keeps all its state in one working set. A database store loads into a fresh,
 * <em>bounded</em> working set just the rows one transaction has locked, lets {@link BookingRules}
 * decide on it, and writes back {@link #changes()}. A bounded set refuses to answer about anything
 * it was not loaded with ({@link IllegalStateException}): a decision that strays outside the
 * locked rows is a bug, and must not pass for "no such row".
 *
 * <p>Not thread-safe: one decision at a time.
 */
public final class WorkingSet implements Ledger {

    private record ClinicProduct(long clinicId, String product) {
    }

    private record DayKey(long clinicId, String product, LocalDate day) {
    }

    private record PersonKey(long personId, String key) {
    }

    /** A reservation's state to persist: its latest holding, and whether it is still active. */
    public record ReservationWrite(Holding holding, boolean active, Instant changedAt, boolean isNew) {
    }

    /** A remembered answer to persist. */
    public record KeyWrite(long personId, String key, Remembered remembered, Instant at) {
    }

    /** An outbox message to persist. */
    public record Message(String kind, Reservation reservation, Instant at) {
    }

    /** Everything the decisions changed, to persist in one transaction. */
    public record Changes(Map<Bucket, Integer> capacityDeltas, List<ReservationWrite> reservations, List<KeyWrite> keys,
                          List<Message> messages) {
        public boolean isEmpty() {
            return reservations.isEmpty() && keys.isEmpty() && messages.isEmpty()
                    && capacityDeltas.values().stream().allMatch(d -> d == 0);
        }
    }

    private final boolean bounded;
    private final Map<ClinicProduct, Offer> offers = new HashMap<>();
    private final Set<ClinicProduct> offersLoaded = new HashSet<>();
    private final Map<ClinicProduct, List<LocalDate[]>> daysLoaded = new HashMap<>();
    private final Map<DayKey, TreeMap<Integer, int[]>> buckets = new HashMap<>();
    private final Map<Long, Holding> holdings = new HashMap<>();
    private final Set<Long> personsLoaded = new HashSet<>();
    private final Map<PersonKey, Remembered> remembered = new HashMap<>();
    private final Set<PersonKey> keysLoaded = new HashSet<>();
    private final Set<String> references = new HashSet<>();
    private final Set<String> referencesLoaded = new HashSet<>();
    private final Set<String> persisted = new HashSet<>();

    private final Map<Bucket, Integer> deltas = new LinkedHashMap<>();
    private final Map<String, ReservationWrite> writes = new LinkedHashMap<>();
    private final List<KeyWrite> keyWrites = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();

    private WorkingSet(boolean bounded) {
        this.bounded = bounded;
    }

    /** A working set that is all there is: whatever was not put in does not exist. */
    public static WorkingSet whole() {
        return new WorkingSet(false);
    }

    /** A working set over some loaded rows: asking about anything else is an error. */
    public static WorkingSet bounded() {
        return new WorkingSet(true);
    }

    // ------------------------------------------------------------------ loading

    /** Records whether a clinic offers a product ({@code offer} null: it does not). */
    public WorkingSet putOffer(long clinicId, String product, Offer offer) {
        ClinicProduct cp = new ClinicProduct(clinicId, product);
        offersLoaded.add(cp);
        if (offer == null) {
            offers.remove(cp);
        } else {
            offers.put(cp, offer);
        }
        return this;
    }

    /** Records that every bucket of the clinic and product from {@code from} to {@code to} has been put in. */
    public WorkingSet coverDays(long clinicId, String product, LocalDate from, LocalDate to) {
        daysLoaded.computeIfAbsent(new ClinicProduct(clinicId, product), k -> new ArrayList<>()).add(new LocalDate[] {from, to});
        return this;
    }

    public WorkingSet putBucket(Bucket bucket, int capacity, int booked) {
        buckets.computeIfAbsent(new DayKey(bucket.clinicId(), bucket.product(), bucket.day()), k -> new TreeMap<>())
                .put(bucket.group(), new int[] {capacity, booked});
        return this;
    }

    /** Records that {@code personId}'s active reservation is {@code holding} (null: none). */
    public WorkingSet putHolding(long personId, Holding holding) {
        personsLoaded.add(personId);
        if (holding == null) {
            holdings.remove(personId);
        } else {
            holdings.put(personId, holding);
            references.add(holding.reservation().reference());
            referencesLoaded.add(holding.reservation().reference());
            persisted.add(holding.reservation().reference());
        }
        return this;
    }

    /** Records the answer remembered under a person's key (null: none). */
    public WorkingSet putRemembered(long personId, String key, Remembered answer) {
        PersonKey pk = new PersonKey(personId, key);
        keysLoaded.add(pk);
        if (answer == null) {
            remembered.remove(pk);
        } else {
            remembered.put(pk, answer);
        }
        return this;
    }

    /** Records whether a reference is taken. */
    public WorkingSet putReference(String reference, boolean taken) {
        referencesLoaded.add(reference);
        if (taken) {
            references.add(reference);
            persisted.add(reference);
        }
        return this;
    }

    // ------------------------------------------------------------------ the ledger

    @Override
    public Optional<Remembered> remembered(long personId, String key) {
        PersonKey pk = new PersonKey(personId, key);
        if (bounded && !keysLoaded.contains(pk)) {
            throw new IllegalStateException("key " + key + " of person " + personId + " was not loaded");
        }
        return Optional.ofNullable(remembered.get(pk));
    }

    @Override
    public void remember(long personId, String key, Remembered answer, Instant now) {
        PersonKey pk = new PersonKey(personId, key);
        keysLoaded.add(pk);
        remembered.put(pk, answer);
        keyWrites.add(new KeyWrite(personId, key, answer, now));
    }

    @Override
    public Optional<Holding> holding(long personId) {
        if (bounded && !personsLoaded.contains(personId)) {
            throw new IllegalStateException("person " + personId + " was not loaded");
        }
        return Optional.ofNullable(holdings.get(personId));
    }

    @Override
    public boolean referenceTaken(String reference) {
        if (bounded && !referencesLoaded.contains(reference)) {
            throw new IllegalStateException("reference " + reference + " was not loaded");
        }
        return references.contains(reference);
    }

    @Override
    public Optional<Offer> offer(long clinicId, String product) {
        ClinicProduct cp = new ClinicProduct(clinicId, product);
        if (bounded && !offersLoaded.contains(cp)) {
            throw new IllegalStateException("offer of " + product + " at clinic " + clinicId + " was not loaded");
        }
        return Optional.ofNullable(offers.get(cp));
    }

    @Override
    public List<BucketCapacity> buckets(long clinicId, String product, LocalDate day) {
        if (bounded && daysLoaded.getOrDefault(new ClinicProduct(clinicId, product), List.of()).stream()
                .noneMatch(r -> !day.isBefore(r[0]) && !day.isAfter(r[1]))) {
            throw new IllegalStateException("capacity of clinic " + clinicId + " " + product + " on " + day + " was not loaded");
        }
        TreeMap<Integer, int[]> groups = buckets.get(new DayKey(clinicId, product, day));
        if (groups == null) {
            return List.of();
        }
        List<BucketCapacity> result = new ArrayList<>(groups.size());
        groups.forEach((g, state) -> result.add(new BucketCapacity(new Bucket(clinicId, product, day, g), state[0], state[1])));
        return result;
    }

    @Override
    public void take(Bucket bucket) {
        int[] state = state(bucket);
        if (state[1] >= state[0]) {
            throw new IllegalStateException("no room left in " + bucket + ": " + state[1] + " of " + state[0] + " booked");
        }
        state[1]++;
        deltas.merge(bucket, 1, Integer::sum);
    }

    @Override
    public void release(Bucket bucket) {
        int[] state = state(bucket);
        if (state[1] <= 0) {
            throw new IllegalStateException("nothing booked in " + bucket + " to give back");
        }
        state[1]--;
        deltas.merge(bucket, -1, Integer::sum);
    }

    @Override
    public void hold(Holding holding) {
        Reservation r = holding.reservation();
        personsLoaded.add(r.personId());
        holdings.put(r.personId(), holding);
        references.add(r.reference());
        referencesLoaded.add(r.reference());
        writes.put(r.reference(), new ReservationWrite(holding, true, r.changedAt(), !persisted.contains(r.reference())));
    }

    @Override
    public void drop(Holding holding, Instant now) {
        Reservation r = holding.reservation();
        holdings.remove(r.personId());
        writes.put(r.reference(), new ReservationWrite(holding, false, now, !persisted.contains(r.reference())));
    }

    @Override
    public void send(String kind, Reservation reservation, Instant now) {
        messages.add(new Message(kind, reservation, now));
    }

    // ------------------------------------------------------------------ for stores

    /** What the decisions since loading (or the last {@link #clearChanges}) changed. */
    public Changes changes() {
        return new Changes(Map.copyOf(deltas), List.copyOf(writes.values()), List.copyOf(keyWrites), List.copyOf(messages));
    }

    /** Forgets the recorded changes, keeping the state they led to (as after a commit). */
    public void clearChanges() {
        writes.keySet().forEach(persisted::add);
        deltas.clear();
        writes.clear();
        keyWrites.clear();
        messages.clear();
    }

    /** The state of one bucket, or null when it has none. */
    public BucketCapacity bucket(Bucket bucket) {
        TreeMap<Integer, int[]> groups = buckets.get(new DayKey(bucket.clinicId(), bucket.product(), bucket.day()));
        int[] state = groups == null ? null : groups.get(bucket.group());
        return state == null ? null : new BucketCapacity(bucket, state[0], state[1]);
    }

    /** Sets a bucket's capacity, creating it if needed; bookings stay as they are. */
    public void setCapacity(Bucket bucket, int capacity) {
        BucketCapacity now = bucket(bucket);
        putBucket(bucket, capacity, now == null ? 0 : now.booked());
    }

    /** Every active reservation. */
    public List<Holding> holdings() {
        return List.copyOf(holdings.values());
    }

    /**
     * The invariants checked on what this set holds. One holding per person is kept by
     * construction here, so only bucket counts can disagree.
     */
    public IntegrityReport integrity() {
        Map<Bucket, Integer> held = new HashMap<>();
        for (Holding h : holdings.values()) {
            held.merge(h.dose1Bucket(), 1, Integer::sum);
            held.merge(h.dose2Bucket(), 1, Integer::sum);
        }
        List<String> overbooked = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        buckets.forEach((day, groups) -> groups.forEach((group, state) -> {
            Bucket b = new Bucket(day.clinicId(), day.product(), day.day(), group);
            if (state[1] > state[0]) {
                overbooked.add(IntegrityReport.overbookedBucket(b, state[1], state[0]));
            }
            int appointments = held.getOrDefault(b, 0);
            if (appointments != state[1]) {
                mismatches.add(IntegrityReport.countMismatch(b, state[1], appointments));
            }
        }));
        held.keySet().stream().filter(b -> bucket(b) == null)
                .forEach(b -> mismatches.add(IntegrityReport.name(b) + " holds appointments but does not exist"));
        return new IntegrityReport(overbooked, List.of(), mismatches);
    }

    private int[] state(Bucket bucket) {
        TreeMap<Integer, int[]> groups = buckets.get(new DayKey(bucket.clinicId(), bucket.product(), bucket.day()));
        int[] state = groups == null ? null : groups.get(bucket.group());
        if (state == null) {
            throw new IllegalStateException("no bucket " + bucket);
        }
        return state;
    }
}
