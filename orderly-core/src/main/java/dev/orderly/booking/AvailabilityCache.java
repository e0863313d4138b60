package dev.orderly.booking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Search answers kept for a short while, so that a booking storm's searches cost the database one
 * query per distinct search and period instead of one each.
 *
 * <p>Design note. An answer is at most {@code freshFor} old (by the injected clock; a clock set
 * back counts as stale). It is kept per district and period with every bucket's count
 * ({@link BookingStore#searchBuckets}) and narrowed here to what the asker's capacity group may
 * take, so the ten rotation groups share one read: keyed per group as well, a district searched
 * about once a second was a miss nine times in ten (issue #17). Concurrent misses of one search
 * wait for a single load instead of all querying ("single flight"). Being stale costs nothing but
 * a refused choice: booking always decides on the current capacity. A booking made through this
 * node is {@linkplain #booked applied} to the answers showing its clinic, and a change or
 * cancellation {@linkplain #forget forgets} them, so a person sees their own change at once (other
 * nodes' changes within {@code freshFor}). Applying rather than forgetting a booking matters in a
 * storm: with a clinic booked every few seconds, a forgotten answer would be reloaded about as
 * often as it is read. At most {@code maxEntries} answers are kept; past that, stale ones are
 * dropped, then all.
 */
public final class AvailabilityCache {

    private record Key(String province, String district, LocalDate from, int days) {
    }

    /**
     * An answer read at {@code at}, with the references of the node's bookings applied to it since,
     * and its narrowing for each group asked so far.
     */
    private record Entry(Instant at, List<ClinicBuckets> answer, Set<String> applied, Map<Integer, List<ClinicAvailability>> byGroup) {
        Entry(Instant at, List<ClinicBuckets> answer, Set<String> applied) {
            this(at, answer, applied, new ConcurrentHashMap<>());
        }

        List<ClinicAvailability> availableTo(int group) {
            return byGroup.computeIfAbsent(group, g -> ClinicBuckets.availableTo(answer, g));
        }
    }

    private final BookingStore store;
    private final Clock clock;
    private final Duration freshFor;
    private final int maxEntries;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();
    private final Map<Long, Set<Key>> keysByClinic = new ConcurrentHashMap<>();

    /**
     * @param freshFor   how long an answer is used; zero or negative: no caching
     * @param maxEntries most answers kept; at least 1
     */
    public AvailabilityCache(BookingStore store, Clock clock, Duration freshFor, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.store = store;
        this.clock = clock;
        this.freshFor = freshFor;
        this.maxEntries = maxEntries;
    }

    /** As {@link BookingStore#search(String, String, LocalDate, int, int)}, possibly up to {@code freshFor} old. */
    public List<ClinicAvailability> search(String province, String district, LocalDate from, int days, int group) {
        if (freshFor.isZero() || freshFor.isNegative()) {
            return store.search(province, district, from, days, group);
        }
        Key key = new Key(province, district, from, days);
        Instant now = clock.instant();
        Entry cached = entries.get(key);
        if (cached != null && fresh(cached, now)) {
            return cached.availableTo(group);
        }
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> running = loading.putIfAbsent(key, mine);
        if (running != null) {
            return running.join().availableTo(group);
        }
        try {
            Entry loaded = new Entry(now, store.searchBuckets(province, district, from, days), Set.of());
            if (entries.size() >= maxEntries) {
                entries.values().removeIf(e -> !fresh(e, now));
                if (entries.size() >= maxEntries) {
                    entries.clear();
                    keysByClinic.clear();
                }
            }
            entries.put(key, loaded);
            loaded.answer().forEach(a -> keysByClinic.computeIfAbsent(a.clinic().id(), c -> ConcurrentHashMap.newKeySet()).add(key));
            mine.complete(loaded);
            return loaded.availableTo(group);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key, mine);
        }
    }

    /**
     * Takes a place off each day of {@code booked} in the kept answers that show its clinic, from
     * the bucket booking takes it from for someone of {@code group}: their group's own while it has
     * room, else the shared one. Another node may have taken it from the other bucket; the answer
     * is then a little off until it is reloaded, as after any other node's booking (booking decides
     * on the current capacity).
     */
    public void booked(Reservation booked, int group) {
        Set<Key> keys = keysByClinic.get(booked.clinicId());
        if (keys == null) {
            return;
        }
        for (Key key : keys) {
            entries.computeIfPresent(key, (k, e) -> appliedTo(e, booked, group));
        }
    }

    /**
     * An idempotent retry answers with the same booking again: it is applied once. An answer read
     * after the booking was made shows it already.
     */
    private static Entry appliedTo(Entry e, Reservation booked, int group) {
        if (e.applied().contains(booked.reference()) || e.at().isAfter(booked.bookedAt())) {
            return e;
        }
        Set<String> applied = new java.util.HashSet<>(e.applied());
        applied.add(booked.reference());
        List<ClinicBuckets> lowered = e.answer().stream().map(c -> c.clinic().id() != booked.clinicId() ? c
                : c.withOneTaken(booked.product(), booked.dose1Day(), group).withOneTaken(booked.product(), booked.dose2Day(), group))
                .toList();
        return new Entry(e.at(), lowered, Set.copyOf(applied));
    }

    /** Drops every kept answer that shows {@code clinicId}: its places changed. */
    public void forget(long clinicId) {
        Set<Key> keys = keysByClinic.remove(clinicId);
        if (keys != null) {
            keys.forEach(entries::remove);
        }
    }

    private boolean fresh(Entry e, Instant now) {
        return !now.isBefore(e.at()) && now.isBefore(e.at().plus(freshFor));
    }
}
