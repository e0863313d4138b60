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
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of bookings, changes, cancellations and retries by a handful of people at two
 * small clinics whose days may be split between rotation groups, played against a
 * {@link BookingStore} and against a reference model written as plainly as possible. Every answer
 * must be the model's, and after every step, read back through the port alone: no bucket is booked
 * beyond its capacity and its count matches the active appointments in it, nobody holds two
 * reservations, dose 2 lies in its product's interval, and a retry gets the first answer.
 *
 * <p>Public so that every adapter's module can play the same scenarios ({@link #play}).
 */
public final class BookingScenarios {

    public static final LocalDate FIRST_DAY = LocalDate.of(2021, 8, 16);
    public static final int DAYS = 10;
    public static final Instant START = Instant.parse("2021-08-01T01:00:00Z");
    static final Map<String, Product> PRODUCTS = Map.of(
            "PFZ", new Product("PFZ", "Pfizer-BioNTech", 2, 4),
            "MOD", new Product("MOD", "Moderna", 1, 3));
    static final List<String> PRODUCT_CODES = List.of("MOD", "PFZ");
    /** Bucket columns per clinic-product-day: shared, then rotation groups 0, 1, 2. */
    static final int[] GROUPS = {Bucket.SHARED, 0, 1, 2};

    private BookingScenarios() {
    }

    public sealed interface Op {
        /** A booking by {@code person}; clinic {@code clinics + 1} does not exist; key may be null. */
        record Book(long person, long clinic, String product, int day, String key) implements Op {
        }

        record MoveDose1(long person, long clinic, String product, int day, String key) implements Op {
        }

        record MoveDose2(long person, int day, String key) implements Op {
        }

        record Cancel(long person, String key) implements Op {
        }

        /** Sends again the n-th earlier request that had a key (n modulo how many there were). */
        record Retry(int n) implements Op {
        }
    }

    /** Capacities per bucket (-1: no such bucket) and the operations. */
    public record Scenario(int clinics, List<Integer> capacities, List<Op> ops) {
        int capacity(long clinic, String product, int day, int group) {
            return day < 0 || day >= DAYS || clinic > clinics ? -1 : capacities.get(slot(clinic, product, day, group));
        }

        static int slot(long clinic, String product, int day, int group) {
            int column = group + 1;
            return (int) ((((clinic - 1) * PRODUCT_CODES.size() + PRODUCT_CODES.indexOf(product)) * DAYS + day) * GROUPS.length + column);
        }
    }

    /** A person's capacity group. */
    public static int groupOf(long person) {
        return (int) (person % 3);
    }

    /** Fills {@code store} with the scenario's products, clinics and capacity. */
    public static void setUp(Scenario scenario, BookingStore store) {
        PRODUCTS.values().forEach(store::saveProduct);
        List<CapacitySetting> settings = new ArrayList<>();
        for (long c = 1; c <= scenario.clinics(); c++) {
            store.saveClinic(new Clinic(c, "Clinic " + c, "Seoul", "Jongno", c + " Jong-ro", Set.copyOf(PRODUCT_CODES)));
            for (String p : PRODUCT_CODES) {
                for (int d = 0; d < DAYS; d++) {
                    for (int g : GROUPS) {
                        int capacity = scenario.capacity(c, p, d, g);
                        if (capacity >= 0) {
                            settings.add(new CapacitySetting(new Bucket(c, p, FIRST_DAY.plusDays(d), g), capacity));
                        }
                    }
                }
            }
        }
        store.setCapacity(settings);
    }

    /** Plays the scenario on an empty {@code store}, asserting every answer and the invariants after each step. */
    public static void play(Scenario scenario, BookingStore store) {
        setUp(scenario, store);
        Model model = new Model(scenario);
        List<Op> keyed = new ArrayList<>();
        Map<Op, StoreAnswer> firstAnswers = new HashMap<>();
        int step = 0;
        for (Op op : scenario.ops()) {
            step++;
            Instant now = START.plusSeconds(step);
            Op sent = op instanceof Op.Retry r ? (keyed.isEmpty() ? null : keyed.get(r.n() % keyed.size())) : op;
            if (sent == null) {
                continue;
            }
            String reference = "OR-P" + step;
            StoreAnswer expected = model.apply(sent, reference, now);
            StoreAnswer actual = switch (sent) {
                case Op.Book b -> store.book(new BookingRequest(b.person(), b.clinic(), FIRST_DAY.plusDays(b.day()), b.product(),
                        groupOf(b.person())), b.key(), reference, now);
                case Op.MoveDose1 m -> store.change(new ChangeRequest.MoveDose1(m.person(), m.clinic(), FIRST_DAY.plusDays(m.day()),
                        m.product(), groupOf(m.person())), m.key(), now);
                case Op.MoveDose2 m -> store.change(new ChangeRequest.MoveDose2(m.person(), FIRST_DAY.plusDays(m.day()),
                        groupOf(m.person())), m.key(), now);
                case Op.Cancel c -> store.cancel(c.person(), c.key(), now);
                case Op.Retry r -> throw new AssertionError("a retry is sent as the request it repeats");
            };
            // Collected before asserting: jqwik cannot report on a property whose statistics are empty.
            Statistics.collect(sent.getClass().getSimpleName() + "->" + actual.getClass().getSimpleName());
            assertThat(actual).as("step %d: %s", step, sent).isEqualTo(expected);
            if (key(sent) != null) {
                StoreAnswer first = firstAnswers.get(sent);
                if (first != null) {
                    assertThat(actual).as("retry of %s", sent).isEqualTo(first);
                    Statistics.collect("RetryGotTheFirstAnswer");
                } else {
                    firstAnswers.put(sent, actual);
                }
                keyed.add(sent);
            }
            assertInvariants(scenario, store, model);
        }
    }

    /** The property proves little unless the sequences reach every kind of answer. */
    public static void checkCoverage() {
        Statistics.coverage(check -> {
            for (String outcome : List.of("Book->Booked", "Book->DayFull", "Book->NoSecondDoseDay", "Book->AlreadyBooked",
                    "Book->KeyReused", "Book->NotOffered", "MoveDose1->Changed", "MoveDose1->DayFull", "MoveDose1->NothingToChange",
                    "MoveDose2->Changed", "MoveDose2->OutsideInterval", "MoveDose2->DayFull", "Cancel->Cancelled",
                    "Cancel->NothingToCancel", "RetryGotTheFirstAnswer")) {
                check.check(outcome).count(n -> n > 0);
            }
        });
    }

    private static String key(Op op) {
        return switch (op) {
            case Op.Book b -> b.key();
            case Op.MoveDose1 m -> m.key();
            case Op.MoveDose2 m -> m.key();
            case Op.Cancel c -> c.key();
            case Op.Retry r -> null;
        };
    }

    private static void assertInvariants(Scenario scenario, BookingStore store, Model model) {
        Map<Bucket, Integer> held = new HashMap<>();
        for (long person : model.persons) {
            Optional<Holding> h = Optional.ofNullable(model.active.get(person));
            assertThat(store.active(person)).as("active reservation of %d", person).isEqualTo(h.map(Holding::reservation));
            h.ifPresent(x -> {
                Reservation r = x.reservation();
                Product product = PRODUCTS.get(r.product());
                long gap = ChronoUnit.DAYS.between(r.dose1Day(), r.dose2Day());
                assertThat(gap).as("dose-2 interval of %s", r).isBetween((long) product.dose2MinDays(), (long) product.dose2MaxDays());
                held.merge(x.dose1Bucket(), 1, Integer::sum);
                held.merge(x.dose2Bucket(), 1, Integer::sum);
            });
        }
        Map<Bucket, BucketCapacity> buckets = new HashMap<>();
        for (long c = 1; c <= scenario.clinics(); c++) {
            store.capacity(c, FIRST_DAY, DAYS).forEach(b -> buckets.put(b.bucket(), b));
        }
        Map<String, int[]> perDay = new HashMap<>();
        for (long c = 1; c <= scenario.clinics(); c++) {
            for (String p : PRODUCT_CODES) {
                for (int d = 0; d < DAYS; d++) {
                    for (int g : GROUPS) {
                        int capacity = scenario.capacity(c, p, d, g);
                        Bucket bucket = new Bucket(c, p, FIRST_DAY.plusDays(d), g);
                        if (capacity < 0) {
                            assertThat(buckets).as("no bucket %s", bucket).doesNotContainKey(bucket);
                            continue;
                        }
                        int booked = held.getOrDefault(bucket, 0);
                        assertThat(buckets.get(bucket)).as("bucket %s", bucket).isEqualTo(new BucketCapacity(bucket, capacity, booked));
                        assertThat(booked).as("bucket %s within capacity", bucket).isLessThanOrEqualTo(capacity);
                        int[] day = perDay.computeIfAbsent(c + "/" + p + "/" + d, k -> new int[2]);
                        day[0] += capacity;
                        day[1] += capacity - booked;
                    }
                }
            }
        }
        Map<String, DayAvailability> shown = new HashMap<>();
        for (ClinicAvailability a : store.search("Seoul", null, FIRST_DAY, DAYS)) {
            a.days().forEach(d -> shown.put(a.clinic().id() + "/" + d.product() + "/" + ChronoUnit.DAYS.between(FIRST_DAY, d.day()), d));
        }
        assertThat(shown.keySet()).isEqualTo(perDay.keySet());
        perDay.forEach((k, v) -> assertThat(new int[] {shown.get(k).capacity(), shown.get(k).remaining()}).as("search %s", k).isEqualTo(v));
    }

    /** The reference: what a booking store must answer, written as plainly as possible. */
    private static final class Model {
        private final Scenario scenario;
        private final Map<Bucket, Integer> booked = new HashMap<>();
        private final Map<Long, Holding> active = new HashMap<>();
        private final Map<String, Remembered> remembered = new HashMap<>();
        private final TreeSet<Long> persons = new TreeSet<>();

        Model(Scenario scenario) {
            this.scenario = scenario;
        }

        StoreAnswer apply(Op op, String reference, Instant now) {
            long person = switch (op) {
                case Op.Book b -> b.person();
                case Op.MoveDose1 m -> m.person();
                case Op.MoveDose2 m -> m.person();
                case Op.Cancel c -> c.person();
                case Op.Retry r -> throw new AssertionError();
            };
            persons.add(person);
            String fingerprint = switch (op) {
                case Op.Book b -> "book:" + b.clinic() + ":" + FIRST_DAY.plusDays(b.day()) + ":" + b.product();
                case Op.MoveDose1 m -> "dose1:" + m.clinic() + ":" + FIRST_DAY.plusDays(m.day()) + ":" + m.product();
                case Op.MoveDose2 m -> "dose2:" + FIRST_DAY.plusDays(m.day());
                case Op.Cancel c -> "cancel";
                case Op.Retry r -> throw new AssertionError();
            };
            String key = key(op);
            if (key != null && remembered.containsKey(person + "/" + key)) {
                Remembered first = remembered.get(person + "/" + key);
                return first.fingerprint().equals(fingerprint) ? first.answer() : new BookingOutcome.KeyReused(key);
            }
            StoreAnswer answer = switch (op) {
                case Op.Book b -> book(b, reference, now);
                case Op.MoveDose1 m -> moveDose1(m, now);
                case Op.MoveDose2 m -> moveDose2(m, now);
                case Op.Cancel c -> cancel(c, now);
                case Op.Retry r -> throw new AssertionError();
            };
            if (key != null) {
                remembered.put(person + "/" + key, new Remembered(fingerprint, answer));
            }
            return answer;
        }

        private StoreAnswer book(Op.Book b, String reference, Instant now) {
            if (active.containsKey(b.person())) {
                return new BookingOutcome.AlreadyBooked(active.get(b.person()).reservation());
            }
            Object plan = plan(b.clinic(), b.product(), b.day(), groupOf(b.person()), List.of());
            if (!(plan instanceof Bucket[] doses)) {
                return (StoreAnswer) plan;
            }
            take(doses[0]);
            take(doses[1]);
            Reservation r = new Reservation(reference, b.person(), b.clinic(), "Clinic " + b.clinic(), b.product(),
                    doses[0].day(), doses[1].day(), now, now);
            active.put(b.person(), new Holding(r, doses[0].group(), doses[1].group()));
            return new BookingOutcome.Booked(r);
        }

        private StoreAnswer moveDose1(Op.MoveDose1 m, Instant now) {
            Holding h = active.get(m.person());
            if (h == null) {
                return new ChangeOutcome.NothingToChange();
            }
            Object plan = plan(m.clinic(), m.product(), m.day(), groupOf(m.person()), List.of(h.dose1Bucket(), h.dose2Bucket()));
            if (!(plan instanceof Bucket[] doses)) {
                return (StoreAnswer) plan;
            }
            give(h.dose1Bucket());
            give(h.dose2Bucket());
            take(doses[0]);
            take(doses[1]);
            Reservation before = h.reservation();
            Reservation r = new Reservation(before.reference(), m.person(), m.clinic(), "Clinic " + m.clinic(), m.product(),
                    doses[0].day(), doses[1].day(), before.bookedAt(), now);
            active.put(m.person(), new Holding(r, doses[0].group(), doses[1].group()));
            return new ChangeOutcome.Changed(r);
        }

        private StoreAnswer moveDose2(Op.MoveDose2 m, Instant now) {
            Holding h = active.get(m.person());
            if (h == null) {
                return new ChangeOutcome.NothingToChange();
            }
            Reservation before = h.reservation();
            Product product = PRODUCTS.get(before.product());
            LocalDate day = FIRST_DAY.plusDays(m.day());
            LocalDate from = before.dose1Day().plusDays(product.dose2MinDays());
            LocalDate to = before.dose1Day().plusDays(product.dose2MaxDays());
            if (day.isBefore(from) || day.isAfter(to)) {
                return new ChangeOutcome.OutsideInterval(from, to);
            }
            Bucket dose2 = withRoom(before.clinicId(), before.product(), m.day(), groupOf(m.person()), List.of(h.dose2Bucket()));
            if (dose2 == null) {
                return hasAnyBucket(before.clinicId(), before.product(), m.day())
                        ? new BookingOutcome.DayFull(before.clinicId(), day, before.product())
                        : new BookingOutcome.NotOffered(before.clinicId(), before.product());
            }
            give(h.dose2Bucket());
            take(dose2);
            Reservation r = new Reservation(before.reference(), before.personId(), before.clinicId(), before.clinicName(),
                    before.product(), before.dose1Day(), day, before.bookedAt(), now);
            active.put(m.person(), new Holding(r, h.dose1Group(), dose2.group()));
            return new ChangeOutcome.Changed(r);
        }

        private StoreAnswer cancel(Op.Cancel c, Instant now) {
            Holding h = active.remove(c.person());
            if (h == null) {
                return new CancelOutcome.NothingToCancel();
            }
            give(h.dose1Bucket());
            give(h.dose2Bucket());
            return new CancelOutcome.Cancelled(h.reservation());
        }

        /** Dose 1 and dose 2 buckets, or the refusal. */
        private Object plan(long clinic, String product, int day, int group, List<Bucket> giving) {
            if (clinic > scenario.clinics()) {
                return new BookingOutcome.NotOffered(clinic, product);
            }
            Bucket dose1 = withRoom(clinic, product, day, group, giving);
            if (dose1 == null) {
                return hasAnyBucket(clinic, product, day)
                        ? new BookingOutcome.DayFull(clinic, FIRST_DAY.plusDays(day), product)
                        : new BookingOutcome.NotOffered(clinic, product);
            }
            Product p = PRODUCTS.get(product);
            for (int d = day + p.dose2MinDays(); d <= day + p.dose2MaxDays(); d++) {
                Bucket dose2 = withRoom(clinic, product, d, group, giving);
                if (dose2 != null) {
                    return new Bucket[] {dose1, dose2};
                }
            }
            return new BookingOutcome.NoSecondDoseDay(FIRST_DAY.plusDays(day + p.dose2MinDays()),
                    FIRST_DAY.plusDays(day + p.dose2MaxDays()));
        }

        private Bucket withRoom(long clinic, String product, int day, int group, List<Bucket> giving) {
            for (int g : new int[] {group, Bucket.SHARED}) {
                int capacity = scenario.capacity(clinic, product, day, g);
                if (capacity < 0) {
                    continue;
                }
                Bucket b = new Bucket(clinic, product, FIRST_DAY.plusDays(day), g);
                long given = giving.stream().filter(b::equals).count();
                if (booked.getOrDefault(b, 0) - given < capacity) {
                    return b;
                }
            }
            return null;
        }

        private boolean hasAnyBucket(long clinic, String product, int day) {
            for (int g : GROUPS) {
                if (scenario.capacity(clinic, product, day, g) >= 0) {
                    return true;
                }
            }
            return false;
        }

        private void take(Bucket b) {
            booked.merge(b, 1, Integer::sum);
        }

        private void give(Bucket b) {
            booked.merge(b, -1, Integer::sum);
        }
    }

    /** Scenarios of up to {@code maxOps} operations by up to 12 people at one or two clinics. */
    public static Arbitrary<Scenario> scenarios(int maxOps) {
        Arbitrary<Integer> persons = Arbitraries.integers().between(1, 12);
        Arbitrary<Integer> clinics = Arbitraries.integers().between(1, 2);
        return Combinators.combine(persons, clinics).flatAs((personCount, clinicCount) -> {
            // Days with no place from the start make "day full" answers common enough to be seen in every run: with one
            // zero in ten, moving dose 2 to a full day came about once in 300 scenarios, and a run without it failed.
            Arbitrary<Integer> shared = Arbitraries.of(-1, 0, 0, 1, 1, 2, 2, 2, 3, 3);
            Arbitrary<Integer> split = Arbitraries.of(-1, -1, -1, -1, -1, 0, 1, 1);
            int cells = clinicCount * PRODUCT_CODES.size() * DAYS;
            Arbitrary<List<Integer>> capacities = Combinators.combine(shared, split, split, split)
                    .as((s, g0, g1, g2) -> List.of(s, g0, g1, g2)).list().ofSize(cells)
                    .map(list -> list.stream().flatMap(List::stream).toList());
            Arbitrary<Long> person = Arbitraries.longs().between(1, personCount);
            Arbitrary<Long> clinic = Arbitraries.longs().between(1, clinicCount + 1);
            Arbitrary<String> product = Arbitraries.of(PRODUCT_CODES);
            Arbitrary<Integer> day = Arbitraries.integers().between(0, 6);
            Arbitrary<String> key = Arbitraries.of("k1", "k2", "k3").injectNull(0.2);
            Arbitrary<Op> book = Combinators.combine(person, clinic, product, day, key).as(Op.Book::new);
            Arbitrary<Op> move1 = Combinators.combine(person, clinic, product, day, key).as(Op.MoveDose1::new);
            Arbitrary<Op> move2 = Combinators.combine(person, Arbitraries.integers().between(0, DAYS), key).as(Op.MoveDose2::new);
            Arbitrary<Op> cancel = Combinators.combine(person, key).as(Op.Cancel::new);
            Arbitrary<Op> retry = Arbitraries.integers().between(0, 1_000).map(Op.Retry::new);
            Arbitrary<List<Op>> ops = Arbitraries.frequencyOf(
                            net.jqwik.api.Tuple.of(5, book), net.jqwik.api.Tuple.of(2, move1), net.jqwik.api.Tuple.of(4, move2),
                            net.jqwik.api.Tuple.of(1, cancel), net.jqwik.api.Tuple.of(2, retry))
                    .list().ofMinSize(1).ofMaxSize(maxOps).withSizeDistribution(RandomDistribution.uniform());
            return Combinators.combine(capacities, ops).as((caps, list) -> new Scenario(clinicCount, caps, list));
        });
    }
}
