package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The booking store in one node's memory, every operation under one lock: the reference adapter
 * that the others are tested against, and a store for tests of the layers above. Decisions are
 * {@link BookingRules} on one {@link WorkingSet} holding everything.
 */
public final class InMemoryBookingStore implements BookingStore {

    private final Map<String, Product> products = new TreeMap<>();
    private final Map<Long, Clinic> clinics = new TreeMap<>();
    private final WorkingSet state = WorkingSet.whole();
    private final Map<Bucket, Boolean> known = new TreeMap<>(Comparator.comparingLong(Bucket::clinicId)
            .thenComparing(Bucket::day).thenComparing(Bucket::product).thenComparingInt(Bucket::group));
    private final List<WorkingSet.Message> outbox = new ArrayList<>();

    @Override
    public synchronized IntegrityReport checkIntegrity() {
        return state.integrity();
    }

    @Override
    public synchronized void saveProduct(Product product) {
        products.put(product.code(), product);
        clinics.values().forEach(this::offers);
    }

    @Override
    public synchronized void saveClinic(Clinic clinic) {
        Clinic before = clinics.get(clinic.id());
        if (before != null) {
            for (String dropped : before.products()) {
                if (!clinic.products().contains(dropped) && booked(clinic.id(), dropped) > 0) {
                    throw new IllegalStateException("clinic " + clinic.id() + " has places booked for " + dropped
                            + "; it cannot stop offering it");
                }
            }
            before.products().stream().filter(p -> !clinic.products().contains(p)).forEach(p -> {
                known.keySet().removeIf(b -> b.clinicId() == clinic.id() && b.product().equals(p));
                state.putOffer(clinic.id(), p, null);
            });
        }
        clinics.put(clinic.id(), clinic);
        offers(clinic);
    }

    private void offers(Clinic clinic) {
        for (String p : clinic.products()) {
            Product product = products.get(p);
            state.putOffer(clinic.id(), p, product == null ? null : new Offer(clinic.name(), product.dose2MinDays(), product.dose2MaxDays()));
        }
    }

    private int booked(long clinicId, String product) {
        return known.keySet().stream().filter(b -> b.clinicId() == clinicId && b.product().equals(product))
                .mapToInt(b -> state.bucket(b).booked()).sum();
    }

    @Override
    public synchronized void setCapacity(List<CapacitySetting> settings) {
        for (CapacitySetting s : settings) {
            Bucket b = s.bucket();
            if (s.capacity() < 0) {
                throw new IllegalArgumentException("capacity must not be negative, was " + s.capacity());
            }
            Clinic clinic = clinics.get(b.clinicId());
            if (clinic == null || !clinic.products().contains(b.product())) {
                throw new IllegalArgumentException("clinic " + b.clinicId() + " does not offer " + b.product());
            }
            BucketCapacity now = state.bucket(b);
            if (now != null && now.booked() > s.capacity()) {
                throw new IllegalStateException("clinic " + b.clinicId() + " " + b.product() + " on " + b.day()
                        + groupLabel(b) + " has more places booked than the new capacity " + s.capacity());
            }
        }
        for (CapacitySetting s : settings) {
            state.setCapacity(s.bucket(), s.capacity());
            known.put(s.bucket(), true);
        }
    }

    static String groupLabel(Bucket b) {
        return b.group() == Bucket.SHARED ? "" : " (group " + b.group() + ")";
    }

    @Override
    public synchronized List<BucketCapacity> capacity(long clinicId, LocalDate from, int days) {
        LocalDate to = from.plusDays(days);
        List<BucketCapacity> result = new ArrayList<>();
        known.keySet().stream()
                .filter(b -> b.clinicId() == clinicId && !b.day().isBefore(from) && b.day().isBefore(to))
                .forEach(b -> result.add(state.bucket(b)));
        return result;
    }

    @Override
    public synchronized List<Product> products() {
        return List.copyOf(products.values());
    }

    @Override
    public synchronized Optional<Clinic> clinic(long clinicId) {
        return Optional.ofNullable(clinics.get(clinicId));
    }

    @Override
    public synchronized List<Region> regions() {
        Map<String, TreeSet<String>> byProvince = new TreeMap<>();
        Map<String, String> provinceEn = new java.util.HashMap<>();
        Map<String, Map<String, String>> districtEn = new java.util.HashMap<>();
        clinics.values().forEach(c -> {
            byProvince.computeIfAbsent(c.province(), p -> new TreeSet<>()).add(c.district());
            if (!c.provinceEn().isEmpty()) {
                provinceEn.putIfAbsent(c.province(), c.provinceEn());
            }
            if (!c.districtEn().isEmpty()) {
                districtEn.computeIfAbsent(c.province(), p -> new TreeMap<>()).putIfAbsent(c.district(), c.districtEn());
            }
        });
        return byProvince.entrySet().stream().map(e -> new Region(e.getKey(), List.copyOf(e.getValue()),
                provinceEn.getOrDefault(e.getKey(), ""), districtEn.getOrDefault(e.getKey(), Map.of()))).toList();
    }

    @Override
    public synchronized List<ClinicBuckets> searchBuckets(String province, String district, LocalDate from, int days) {
        List<ClinicBuckets> result = new ArrayList<>();
        clinics.values().stream()
                .filter(c -> c.province().equals(province) && (district == null || c.district().equals(district)))
                .sorted(Comparator.comparing(Clinic::name).thenComparing(Clinic::id))
                .forEach(c -> {
                    List<BucketCapacity> buckets = new ArrayList<>();
                    for (int i = 0; i < days; i++) {
                        LocalDate d = from.plusDays(i);
                        for (String p : new TreeSet<>(c.products())) {
                            state.buckets(c.id(), p, d).stream()
                                    .sorted(Comparator.comparingInt(b -> b.bucket().group()))
                                    .forEach(buckets::add);
                        }
                    }
                    result.add(new ClinicBuckets(c, buckets));
                });
        return result;
    }

    @Override
    public synchronized BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant now) {
        try {
            return BookingRules.book(state, request, idempotencyKey, reference, now);
        } finally {
            commit();
        }
    }

    @Override
    public synchronized ChangeOutcome change(ChangeRequest request, String idempotencyKey, Instant now) {
        try {
            return BookingRules.change(state, request, idempotencyKey, now);
        } finally {
            commit();
        }
    }

    @Override
    public synchronized CancelOutcome cancel(long personId, String idempotencyKey, Instant now) {
        try {
            return BookingRules.cancel(state, personId, idempotencyKey, now);
        } finally {
            commit();
        }
    }

    private void commit() {
        outbox.addAll(state.changes().messages());
        state.clearChanges();
    }

    @Override
    public synchronized Optional<Reservation> active(long personId) {
        return state.holding(personId).map(Holding::reservation);
    }

    @Override
    public synchronized Optional<Remembered> remembered(long personId, String idempotencyKey) {
        return state.remembered(personId, idempotencyKey);
    }

    /**
     * Runs a decision of another part of the core (a clinic closing a day) on the whole state under
     * the store's lock, as one step, and queues the messages it sent.
     */
    public synchronized <T> T decide(java.util.function.Function<WorkingSet, T> decision) {
        try {
            return decision.apply(state);
        } finally {
            commit();
        }
    }

    /** Places booked on one clinic-day-product, every bucket counted (for tests and checks). */
    public synchronized int booked(long clinicId, LocalDate day, String product) {
        return state.buckets(clinicId, product, day).stream().mapToInt(BucketCapacity::booked).sum();
    }

    /** Messages queued so far, oldest first (for tests). */
    public synchronized List<WorkingSet.Message> outbox() {
        return List.copyOf(outbox);
    }

    /** Active reservations per person (for tests and checks). */
    public synchronized Map<Long, Holding> holdings() {
        Map<Long, Holding> all = new HashMap<>();
        state.holdings().forEach(h -> all.put(h.reservation().personId(), h));
        return all;
    }
}
