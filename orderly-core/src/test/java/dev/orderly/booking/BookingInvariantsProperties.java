package dev.orderly.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of bookings, cancellations and retries by a handful of people at a few small
 * clinics, played against {@link InMemoryBookingStore} and against a reference model a few lines
 * long. Every answer must be the model's, and after every step: no day is booked beyond its
 * capacity, nobody holds two reservations, dose 2 lies in its product's interval, and a retry
 * with the same key gets the first reservation back.
 */
class BookingInvariantsProperties {

    private static final LocalDate FIRST_DAY = LocalDate.of(2021, 8, 16);
    private static final int DAYS = 10;
    private static final Instant NOW = Instant.parse("2021-08-01T01:00:00Z");
    private static final Map<String, Product> PRODUCTS = Map.of(
            "PFZ", new Product("PFZ", "Pfizer-BioNTech", 2, 4),
            "MOD", new Product("MOD", "Moderna", 1, 3));
    private static final List<String> PRODUCT_CODES = List.of("MOD", "PFZ");

    sealed interface Op {
        /** A booking by {@code person}; clinic {@code clinics + 1} does not exist; key may be null. */
        record Book(long person, long clinic, String product, int day, String key) implements Op {
        }

        record Cancel(long person) implements Op {
        }

        /** Sends again the n-th earlier booking that had a key (n modulo how many there were). */
        record Retry(int n) implements Op {
        }
    }

    /** A clinic-product-day and its capacity, or -1 when it has none (not offered that day). */
    record Scenario(int clinics, List<Integer> capacities, List<Op> ops) {
        int capacity(long clinic, String product, int day) {
            return capacities.get(slot(clinic, product, day));
        }

        static int slot(long clinic, String product, int day) {
            return (int) ((clinic - 1) * PRODUCT_CODES.size() * DAYS + PRODUCT_CODES.indexOf(product) * DAYS + day);
        }
    }

    @Property(tries = 200)
    void bookingsStayWithinCapacityOnePerPersonAndRetriesGetTheFirstAnswer(@ForAll("scenarios") Scenario scenario) {
        InMemoryBookingStore store = new InMemoryBookingStore();
        PRODUCTS.values().forEach(store::saveProduct);
        for (long c = 1; c <= scenario.clinics(); c++) {
            store.saveClinic(new Clinic(c, "Clinic " + c, "Seoul", "Jongno", c + " Jong-ro", Set.copyOf(PRODUCT_CODES)));
            for (String p : PRODUCT_CODES) {
                for (int d = 0; d < DAYS; d++) {
                    int capacity = scenario.capacity(c, p, d);
                    if (capacity >= 0) {
                        store.setCapacity(c, FIRST_DAY.plusDays(d), p, capacity);
                    }
                }
            }
        }
        Model model = new Model(scenario);
        List<Op.Book> keyed = new ArrayList<>();
        Map<Op.Book, Reservation> firstBooked = new HashMap<>();
        int references = 0;

        for (Op op : scenario.ops()) {
            Op.Book book = switch (op) {
                case Op.Book b -> b;
                case Op.Retry r -> keyed.isEmpty() ? null : keyed.get(r.n() % keyed.size());
                case Op.Cancel c -> {
                    CancelOutcome cancelled = store.cancel(c.person(), NOW);
                    Statistics.collect(cancelled.getClass().getSimpleName());
                    assertThat(cancelled).as("cancel by %d", c.person()).isEqualTo(model.cancel(c.person()));
                    yield null;
                }
            };
            if (book != null) {
                String reference = "OR-P" + (++references);
                BookingRequest request = new BookingRequest(book.person(), book.clinic(), FIRST_DAY.plusDays(book.day()), book.product());
                BookingOutcome expected = model.book(request, book.key(), reference);

                BookingOutcome actual = store.book(request, book.key(), reference, NOW);

                // Collected before asserting: jqwik cannot report on a property whose statistics are empty.
                Statistics.collect(actual.getClass().getSimpleName());
                assertThat(actual).as("%s", op).isEqualTo(expected);
                if (book.key() != null) {
                    Reservation first = firstBooked.get(book);
                    if (first != null) {
                        assertThat(actual).as("retry of %s", book).isEqualTo(new BookingOutcome.Booked(first));
                        Statistics.collect("RetryGotTheFirstReservation");
                    } else if (actual instanceof BookingOutcome.Booked b) {
                        firstBooked.put(book, b.reservation());
                    }
                    keyed.add(book);
                }
            }
            assertInvariants(scenario, store, model);
        }

        // The property proves little unless the sequences reach every kind of answer.
        Statistics.coverage(check -> {
            for (String outcome : List.of("Booked", "DayFull", "NoSecondDoseDay", "AlreadyBooked", "KeyReused", "Cancelled",
                    "RetryGotTheFirstReservation")) {
                check.check(outcome).count(n -> n > 0);
            }
            check.check("Booked").percentage(p -> p > 10);
        });
    }

    private static void assertInvariants(Scenario scenario, InMemoryBookingStore store, Model model) {
        Map<Integer, Integer> heldPerSlot = new HashMap<>();
        for (long person : model.persons()) {
            assertThat(store.active(person)).as("active reservation of %d", person).isEqualTo(model.active(person));
            store.active(person).ifPresent(r -> {
                Product product = PRODUCTS.get(r.product());
                long gap = ChronoUnit.DAYS.between(r.dose1Day(), r.dose2Day());
                assertThat(gap).as("dose-2 interval of %s", r).isBetween((long) product.dose2MinDays(), (long) product.dose2MaxDays());
                heldPerSlot.merge(Scenario.slot(r.clinicId(), r.product(), dayIndex(r.dose1Day())), 1, Integer::sum);
                heldPerSlot.merge(Scenario.slot(r.clinicId(), r.product(), dayIndex(r.dose2Day())), 1, Integer::sum);
            });
        }
        Map<String, DayAvailability> shown = new HashMap<>();
        for (ClinicAvailability a : store.search("Seoul", null, FIRST_DAY, DAYS)) {
            a.days().forEach(d -> shown.put(a.clinic().id() + "/" + d.product() + "/" + d.day(), d));
        }
        for (long c = 1; c <= scenario.clinics(); c++) {
            for (String p : PRODUCT_CODES) {
                for (int d = 0; d < DAYS; d++) {
                    int capacity = scenario.capacity(c, p, d);
                    LocalDate day = FIRST_DAY.plusDays(d);
                    int booked = store.booked(c, day, p);
                    int held = heldPerSlot.getOrDefault(Scenario.slot(c, p, d), 0);
                    assertThat(booked).as("places booked at %d %s on %s", c, p, day)
                            .isEqualTo(held)
                            .isLessThanOrEqualTo(Math.max(0, capacity));
                    if (capacity >= 0) {
                        assertThat(shown.get(c + "/" + p + "/" + day)).as("search for %d %s on %s", c, p, day)
                                .isEqualTo(new DayAvailability(day, p, capacity, capacity - booked));
                    }
                }
            }
        }
    }

    private static int dayIndex(LocalDate day) {
        return (int) ChronoUnit.DAYS.between(FIRST_DAY, day);
    }

    /** The reference: what a booking store must answer, written as plainly as possible. */
    private static final class Model {
        private final Scenario scenario;
        private final Map<Integer, Integer> booked = new HashMap<>();
        private final Map<Long, Reservation> active = new HashMap<>();
        private final Map<String, BookingRequest> requestByKey = new HashMap<>();
        private final Map<String, Reservation> reservationByKey = new HashMap<>();
        private final TreeSet<Long> persons = new TreeSet<>();

        Model(Scenario scenario) {
            this.scenario = scenario;
        }

        BookingOutcome book(BookingRequest request, String key, String reference) {
            persons.add(request.personId());
            String remembered = request.personId() + "/" + key;
            if (key != null && requestByKey.containsKey(remembered)) {
                return requestByKey.get(remembered).equals(request)
                        ? new BookingOutcome.Booked(reservationByKey.get(remembered))
                        : new BookingOutcome.KeyReused(key);
            }
            if (active.containsKey(request.personId())) {
                return new BookingOutcome.AlreadyBooked(active.get(request.personId()));
            }
            int day = dayIndex(request.day());
            if (request.clinicId() > scenario.clinics() || capacity(request.clinicId(), request.product(), day) < 0) {
                return new BookingOutcome.NotOffered(request.clinicId(), request.product());
            }
            if (!hasRoom(request.clinicId(), request.product(), day)) {
                return new BookingOutcome.DayFull(request.clinicId(), request.day(), request.product());
            }
            Product product = PRODUCTS.get(request.product());
            Integer dose2 = null;
            for (int d = day + product.dose2MinDays(); d <= day + product.dose2MaxDays() && dose2 == null; d++) {
                if (hasRoom(request.clinicId(), request.product(), d)) {
                    dose2 = d;
                }
            }
            if (dose2 == null) {
                return new BookingOutcome.NoSecondDoseDay(request.day().plusDays(product.dose2MinDays()),
                        request.day().plusDays(product.dose2MaxDays()));
            }
            booked.merge(Scenario.slot(request.clinicId(), request.product(), day), 1, Integer::sum);
            booked.merge(Scenario.slot(request.clinicId(), request.product(), dose2), 1, Integer::sum);
            Reservation r = new Reservation(reference, request.personId(), request.clinicId(), "Clinic " + request.clinicId(),
                    request.product(), request.day(), FIRST_DAY.plusDays(dose2), NOW);
            active.put(request.personId(), r);
            if (key != null) {
                requestByKey.put(remembered, request);
                reservationByKey.put(remembered, r);
            }
            return new BookingOutcome.Booked(r);
        }

        CancelOutcome cancel(long person) {
            persons.add(person);
            Reservation r = active.remove(person);
            if (r == null) {
                return new CancelOutcome.NothingToCancel();
            }
            booked.merge(Scenario.slot(r.clinicId(), r.product(), dayIndex(r.dose1Day())), -1, Integer::sum);
            booked.merge(Scenario.slot(r.clinicId(), r.product(), dayIndex(r.dose2Day())), -1, Integer::sum);
            return new CancelOutcome.Cancelled(r);
        }

        Optional<Reservation> active(long person) {
            return Optional.ofNullable(active.get(person));
        }

        Set<Long> persons() {
            return persons;
        }

        private int capacity(long clinic, String product, int day) {
            return day < DAYS ? scenario.capacity(clinic, product, day) : -1;
        }

        private boolean hasRoom(long clinic, String product, int day) {
            int capacity = capacity(clinic, product, day);
            return capacity >= 0 && booked.getOrDefault(Scenario.slot(clinic, product, day), 0) < capacity;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> persons = Arbitraries.integers().between(1, 20);
        Arbitrary<Integer> clinics = Arbitraries.integers().between(1, 3);
        return Combinators.combine(persons, clinics).flatAs((personCount, clinicCount) -> {
            Arbitrary<List<Integer>> capacities = Arbitraries.of(-1, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3)
                    .list().ofSize(clinicCount * PRODUCT_CODES.size() * DAYS);
            Arbitrary<Op> book = Combinators.combine(
                    Arbitraries.longs().between(1, personCount),
                    Arbitraries.longs().between(1, clinicCount + 1),
                    Arbitraries.of(PRODUCT_CODES),
                    Arbitraries.integers().between(0, 6),
                    Arbitraries.of("k1", "k2", "k3").injectNull(0.2))
                    .as(Op.Book::new);
            Arbitrary<Op> cancel = Arbitraries.longs().between(1, personCount).map(Op.Cancel::new);
            Arbitrary<Op> retry = Arbitraries.integers().between(0, 1_000).map(Op.Retry::new);
            Arbitrary<List<Op>> ops = Arbitraries.oneOf(List.of(book, book, book, cancel, retry)).list().ofMinSize(1).ofMaxSize(60)
                    .withSizeDistribution(RandomDistribution.uniform());
            return Combinators.combine(capacities, ops).as((caps, list) -> new Scenario(clinicCount, caps, list));
        });
    }
}
