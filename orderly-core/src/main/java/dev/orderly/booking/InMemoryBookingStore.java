package dev.orderly.booking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The booking store in one node's memory, every operation under one lock: the reference model
 * that the other adapters are tested against, and a store for tests of the layers above.
 */
public final class InMemoryBookingStore implements BookingStore {

    private record DayKey(long clinicId, LocalDate day, String product) {
    }

    private static final class Day {
        int capacity;
        int booked;
    }

    private record Remembered(BookingRequest request, Reservation reservation) {
    }

    private final Map<String, Product> products = new TreeMap<>();
    private final Map<Long, Clinic> clinics = new TreeMap<>();
    private final Map<DayKey, Day> days = new HashMap<>();
    private final Map<Long, Reservation> activeByPerson = new HashMap<>();
    private final Map<String, Remembered> byKey = new HashMap<>();

    @Override
    public synchronized void saveProduct(Product product) {
        products.put(product.code(), product);
    }

    @Override
    public synchronized void saveClinic(Clinic clinic) {
        clinics.put(clinic.id(), clinic);
    }

    @Override
    public synchronized void setCapacity(long clinicId, LocalDate day, String product, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, was " + capacity);
        }
        Day d = days.computeIfAbsent(new DayKey(clinicId, day, product), k -> new Day());
        if (d.booked > capacity) {
            throw new IllegalStateException("clinic " + clinicId + " " + product + " on " + day
                    + " has more places booked than the new capacity " + capacity);
        }
        d.capacity = capacity;
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
        clinics.values().forEach(c -> byProvince.computeIfAbsent(c.province(), p -> new TreeSet<>()).add(c.district()));
        return byProvince.entrySet().stream().map(e -> new Region(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    @Override
    public synchronized List<ClinicAvailability> search(String province, String district, LocalDate from, int days) {
        List<ClinicAvailability> result = new ArrayList<>();
        clinics.values().stream()
                .filter(c -> c.province().equals(province) && (district == null || c.district().equals(district)))
                .sorted(Comparator.comparing(Clinic::name).thenComparing(Clinic::id))
                .forEach(c -> {
                    List<DayAvailability> list = new ArrayList<>();
                    for (int i = 0; i < days; i++) {
                        LocalDate d = from.plusDays(i);
                        for (String p : new TreeSet<>(c.products())) {
                            Day day = this.days.get(new DayKey(c.id(), d, p));
                            if (day != null) {
                                list.add(new DayAvailability(d, p, day.capacity, Math.max(0, day.capacity - day.booked)));
                            }
                        }
                    }
                    result.add(new ClinicAvailability(c, list));
                });
        return result;
    }

    @Override
    public synchronized BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant now) {
        if (idempotencyKey != null) {
            Remembered first = byKey.get(rememberKey(request.personId(), idempotencyKey));
            if (first != null) {
                return first.request().equals(request)
                        ? new BookingOutcome.Booked(first.reservation())
                        : new BookingOutcome.KeyReused(idempotencyKey);
            }
        }
        Reservation existing = activeByPerson.get(request.personId());
        if (existing != null) {
            return new BookingOutcome.AlreadyBooked(existing);
        }
        Clinic clinic = clinics.get(request.clinicId());
        Product product = products.get(request.product());
        Day dose1 = days.get(new DayKey(request.clinicId(), request.day(), request.product()));
        if (clinic == null || product == null || !clinic.products().contains(request.product()) || dose1 == null) {
            return new BookingOutcome.NotOffered(request.clinicId(), request.product());
        }
        if (dose1.booked >= dose1.capacity) {
            return new BookingOutcome.DayFull(request.clinicId(), request.day(), request.product());
        }
        LocalDate from = request.day().plusDays(product.dose2MinDays());
        LocalDate to = request.day().plusDays(product.dose2MaxDays());
        LocalDate dose2Day = null;
        Day dose2 = null;
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            Day candidate = days.get(new DayKey(request.clinicId(), d, request.product()));
            if (candidate != null && candidate.booked < candidate.capacity) {
                dose2Day = d;
                dose2 = candidate;
                break;
            }
        }
        if (dose2 == null) {
            return new BookingOutcome.NoSecondDoseDay(from, to);
        }
        dose1.booked++;
        dose2.booked++;
        Reservation reservation = new Reservation(reference, request.personId(), clinic.id(), clinic.name(),
                request.product(), request.day(), Objects.requireNonNull(dose2Day), now);
        activeByPerson.put(request.personId(), reservation);
        if (idempotencyKey != null) {
            byKey.put(rememberKey(request.personId(), idempotencyKey), new Remembered(request, reservation));
        }
        return new BookingOutcome.Booked(reservation);
    }

    @Override
    public synchronized Optional<Reservation> active(long personId) {
        return Optional.ofNullable(activeByPerson.get(personId));
    }

    @Override
    public synchronized CancelOutcome cancel(long personId, Instant now) {
        Reservation r = activeByPerson.remove(personId);
        if (r == null) {
            return new CancelOutcome.NothingToCancel();
        }
        days.get(new DayKey(r.clinicId(), r.dose1Day(), r.product())).booked--;
        days.get(new DayKey(r.clinicId(), r.dose2Day(), r.product())).booked--;
        return new CancelOutcome.Cancelled(r);
    }

    /** Places booked on one clinic-day-product (for tests and checks). */
    public synchronized int booked(long clinicId, LocalDate day, String product) {
        Day d = days.get(new DayKey(clinicId, day, product));
        return d == null ? 0 : d.booked;
    }

    private static String rememberKey(long personId, String key) {
        return personId + "\u0000" + key;
    }
}
