package dev.orderly.clinic;

import dev.orderly.booking.BookingRules;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.Holding;
import dev.orderly.booking.InMemoryBookingStore;
import dev.orderly.booking.Reservation;
import dev.orderly.booking.WorkingSet;
import dev.orderly.registry.Person;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The clinic store over the memory booking store: appointments are its reservations (the active
 * ones, and the cancelled ones as its outbox last told them), visits and closed days live here.
 * Every write happens under the booking store's lock, so a check for "still active on that day"
 * and the write it guards are one step.
 */
public final class InMemoryClinicStore implements ClinicStore {

    private record VisitKey(String reference, int dose, LocalDate day) {
    }

    private record DayKey(long clinicId, LocalDate day) {
    }

    private final InMemoryBookingStore booking;
    private final LongFunction<Optional<Person>> people;
    private final Map<VisitKey, Visit> visits = new HashMap<>();
    private final Map<DayKey, ClosedDay> closed = new HashMap<>();

    /** @param people the registry's residents by id (name and birth date) */
    public InMemoryClinicStore(InMemoryBookingStore booking, LongFunction<Optional<Person>> people) {
        this.booking = booking;
        this.people = people;
    }

    /** Every reservation the booking store has held, as it is now, active ones first in its answer. */
    private Map<String, Map.Entry<Reservation, Boolean>> reservations() {
        Map<String, Map.Entry<Reservation, Boolean>> all = new LinkedHashMap<>();
        for (WorkingSet.Message m : booking.outbox()) {
            boolean cancelled = m.kind().equals(BookingRules.CANCELLED) || m.kind().equals(DayClosing.CANCELLED);
            all.put(m.reservation().reference(), Map.entry(m.reservation(), !cancelled));
        }
        for (Holding h : booking.holdings().values()) {
            all.put(h.reservation().reference(), Map.entry(h.reservation(), true));
        }
        return all;
    }

    private Appointment appointment(Reservation r, boolean active, int dose) {
        LocalDate day = dose == 1 ? r.dose1Day() : r.dose2Day();
        Person p = people.apply(r.personId()).orElseThrow(() -> new IllegalStateException("no resident " + r.personId()));
        return new Appointment(r.reference(), dose, r.personId(), r.clinicId(), r.product(), day, active, r.bookedAt(), p.name(),
                p.birthDate(), visits.getOrDefault(new VisitKey(r.reference(), dose, day), Visit.NONE));
    }

    @Override
    public List<Appointment> day(long clinicId, LocalDate day) {
        synchronized (booking) {
            List<Appointment> list = new ArrayList<>();
            for (Map.Entry<Reservation, Boolean> e : reservations().values()) {
                Reservation r = e.getKey();
                if (r.clinicId() != clinicId) {
                    continue;
                }
                for (int dose = 1; dose <= 2; dose++) {
                    if ((dose == 1 ? r.dose1Day() : r.dose2Day()).equals(day)) {
                        list.add(appointment(r, e.getValue(), dose));
                    }
                }
            }
            list.sort(Comparator.comparing(Appointment::bookedAt).thenComparing(Appointment::reference));
            return list;
        }
    }

    @Override
    public List<Unattended> unattended(LocalDate day) {
        synchronized (booking) {
            java.util.TreeMap<Long, java.util.TreeMap<String, Integer>> counts = new java.util.TreeMap<>();
            for (Map.Entry<Reservation, Boolean> e : reservations().values()) {
                Reservation r = e.getKey();
                for (int dose = 1; dose <= 2; dose++) {
                    if ((dose == 1 ? r.dose1Day() : r.dose2Day()).equals(day) && appointment(r, e.getValue(), dose).status() == VisitStatus.BOOKED) {
                        counts.computeIfAbsent(r.clinicId(), c -> new java.util.TreeMap<>()).merge(r.product(), 1, Integer::sum);
                    }
                }
            }
            List<Unattended> list = new ArrayList<>();
            counts.forEach((clinic, products) -> products.forEach((product, n) -> list.add(new Unattended(clinic, product, n))));
            return list;
        }
    }

    @Override
    public Optional<Appointment> appointment(String reference, int dose) {
        synchronized (booking) {
            Map.Entry<Reservation, Boolean> e = reservations().get(reference);
            return e == null || (dose != 1 && dose != 2) ? Optional.empty() : Optional.of(appointment(e.getKey(), e.getValue(), dose));
        }
    }

    private Optional<Appointment> write(Appointment a, boolean allowCheckedIn, UnaryOperator<Visit> change) {
        synchronized (booking) {
            Optional<Appointment> now = appointment(a.reference(), a.dose());
            if (now.isEmpty() || !now.get().active() || !now.get().day().equals(a.day()) || now.get().clinicId() != a.clinicId()) {
                return Optional.empty();
            }
            Visit v = now.get().visit();
            if (v.given().isPresent() || v.noShow().isPresent() || (!allowCheckedIn && v.checkedIn().isPresent())) {
                return Optional.empty();
            }
            Visit after = change.apply(v);
            visits.put(new VisitKey(a.reference(), a.dose(), a.day()), after);
            return Optional.of(now.get().with(after));
        }
    }

    @Override
    public Optional<Appointment> checkIn(Appointment a, Stamp stamp) {
        return write(a, false, v -> v.withCheckIn(stamp));
    }

    @Override
    public Optional<Appointment> give(Appointment a, DoseGiven given) {
        return write(a, true, v -> v.withGiven(given));
    }

    @Override
    public Optional<Appointment> noShow(Appointment a, Stamp stamp) {
        return write(a, false, v -> v.withNoShow(stamp));
    }

    @Override
    public Optional<ClosedDay> closed(long clinicId, LocalDate day) {
        synchronized (booking) {
            return Optional.ofNullable(closed.get(new DayKey(clinicId, day)));
        }
    }

    @Override
    public Closing close(long clinicId, LocalDate day, String reasonKo, String reasonEn, Stamp stamp, LocalDate today) {
        synchronized (booking) {
            ClosedDay before = closed.get(new DayKey(clinicId, day));
            if (before != null) {
                return new Closing.AlreadyClosed(before);
            }
            Set<String> keep = visits.entrySet().stream()
                    .filter(e -> e.getKey().day().equals(day) && e.getValue().given().isPresent())
                    .map(e -> e.getKey().reference()).collect(Collectors.toSet());
            Optional<Clinic> clinic = booking.clinic(clinicId);
            DayClosing.Result result = booking.decide(state -> {
                DayClosing.Result r = DayClosing.close(state, clinicId, day, state.holdings(), keep, today, stamp.at());
                clinic.ifPresent(c -> c.products().forEach(p -> {
                    for (BucketCapacity b : state.buckets(clinicId, p, day)) {
                        state.setCapacity(b.bucket(), b.booked());
                    }
                }));
                return r;
            });
            ClosedDay done = new ClosedDay(clinicId, day, reasonKo, reasonEn, stamp, result.moved().size(), result.cancelled().size(),
                    result.kept());
            closed.put(new DayKey(clinicId, day), done);
            return new Closing.Closed(done, result);
        }
    }
}
