package dev.orderly.booking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.InMemoryCohortStore;
import dev.orderly.eligibility.InMemorySpecialGroupStore;
import dev.orderly.registry.Person;
import dev.orderly.time.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node's own bookings show in its kept search answers at once, without reading the store again. */
class AvailabilityCacheTest {

    private static final BookingWindow WINDOW = new BookingWindow(
            Instant.parse("2021-07-26T15:00:00Z"), Instant.parse("2021-07-27T09:00:00Z"));
    private static final Cohort FIFTIES = new Cohort("born-1962-1966", "Ages 55-59", LocalDate.of(1962, 1, 1),
            LocalDate.of(1966, 12, 31), Set.of("MOD"), List.of(WINDOW));
    private static final Person HONG = new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
    private static final LocalDate TODAY = LocalDate.of(2021, 7, 27);
    private static final LocalDate FROM = TODAY.plusDays(1);
    private static final int DAYS = 40;
    private static final Duration FRESH_FOR = Duration.ofSeconds(10);

    private final MutableClock clock = MutableClock.at(WINDOW.opensAt());
    private final InMemoryBookingStore store = new InMemoryBookingStore();
    private final BookingService service = new BookingService(store, new InMemoryCohortStore(FIFTIES), new InMemorySpecialGroupStore(),
            clock, new BookingReferences(new SplittableRandom(3)), 14, FRESH_FOR);

    @BeforeEach
    void twoClinicsInOneDistrict() {
        store.saveProduct(new Product("MOD", "Moderna", 28, 42));
        store.saveProduct(new Product("PFZ", "Pfizer-BioNTech", 21, 42));
        store.saveClinic(new Clinic(1, "Alpha Clinic", "Seoul", "Jongno", "1 Jong-ro", Set.of("MOD", "PFZ")));
        store.saveClinic(new Clinic(2, "Beta Clinic", "Seoul", "Jongno", "2 Jong-ro", Set.of("MOD")));
        for (LocalDate d = TODAY; d.isBefore(TODAY.plusDays(60)); d = d.plusDays(1)) {
            store.setCapacity(1, d, "MOD", 10);
            store.setCapacity(1, d, "PFZ", 10);
            store.setCapacity(2, d, "MOD", 10);
        }
    }

    @Test
    void ownBookingsAreAppliedToTheKeptAnswersForTheBookersGroupAndForEveryGroup() {
        service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS);
        service.search(Optional.empty(), "Seoul", "Jongno", FROM, DAYS);
        // Behind the cache's back: a kept answer does not show it until it is reloaded.
        store.setCapacity(2, FROM, "MOD", 12);

        Reservation booked = ((BookingOutcome.Booked) service.book(HONG, 1, FROM.plusDays(2), "MOD", "key-1")).reservation();

        for (Optional<Person> viewer : List.of(Optional.of(HONG), Optional.<Person>empty())) {
            List<ClinicAvailability> shown = service.search(viewer, "Seoul", "Jongno", FROM, DAYS);
            assertThat(remaining(shown, 1, booked.dose1Day(), "MOD")).as("dose 1 day").isEqualTo(9);
            assertThat(remaining(shown, 1, booked.dose2Day(), "MOD")).as("dose 2 day").isEqualTo(9);
            assertThat(remaining(shown, 1, booked.dose1Day(), "PFZ")).as("other product").isEqualTo(10);
            assertThat(remaining(shown, 1, booked.dose1Day().plusDays(1), "MOD")).as("other day").isEqualTo(10);
            assertThat(remaining(shown, 2, FROM, "MOD")).as("kept, not reloaded").isEqualTo(10);
        }

        clock.advance(FRESH_FOR);
        int group = service.capacityGroup(HONG);
        assertThat(service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS)).isEqualTo(store.search("Seoul", "Jongno", FROM, DAYS, group));
        assertThat(remaining(service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS), 2, FROM, "MOD")).isEqualTo(12);
    }

    @Test
    void theAppliedAnswerIsWhatTheStoreNowSays() {
        service.search(Optional.of(HONG), "Seoul", null, FROM, DAYS);

        service.book(HONG, 2, FROM, "MOD", "key-1");

        assertThat(service.search(Optional.of(HONG), "Seoul", null, FROM, DAYS))
                .isEqualTo(store.search("Seoul", null, FROM, DAYS, service.capacityGroup(HONG)));
    }

    @Test
    void aRetriedBookingIsAppliedOnce() {
        service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS);
        service.book(HONG, 1, FROM, "MOD", "key-1");
        clock.advance(Duration.ofSeconds(1));

        assertThat(service.book(HONG, 1, FROM, "MOD", "key-1")).isInstanceOf(BookingOutcome.Booked.class);

        assertThat(remaining(service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS), 1, FROM, "MOD")).isEqualTo(9);
    }

    @Test
    void anAnswerReadAfterTheBookingIsNotLoweredAgain() {
        Reservation booked = ((BookingOutcome.Booked) service.book(HONG, 1, FROM, "MOD", "key-1")).reservation();
        clock.advance(Duration.ofSeconds(1));
        service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS);

        assertThat(service.book(HONG, 1, FROM, "MOD", "key-1")).isEqualTo(new BookingOutcome.Booked(booked));

        assertThat(remaining(service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS), 1, FROM, "MOD")).isEqualTo(9);
    }

    @Test
    void aCancellationIsShownAtOnce() {
        service.book(HONG, 1, FROM, "MOD", "key-1");
        service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS);

        service.cancel(HONG);

        assertThat(remaining(service.search(Optional.of(HONG), "Seoul", "Jongno", FROM, DAYS), 1, FROM, "MOD")).isEqualTo(10);
    }

    @Test
    void oneReadOfADistrictServesEveryGroup() {
        AtomicInteger reads = new AtomicInteger();
        BookingStore counted = (BookingStore) Proxy.newProxyInstance(BookingStore.class.getClassLoader(), new Class<?>[] {BookingStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("searchBuckets")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        BookingService counting = new BookingService(counted, new InMemoryCohortStore(FIFTIES), new InMemorySpecialGroupStore(),
                clock, new BookingReferences(new SplittableRandom(5)), 14, FRESH_FOR);
        Person other = personOfAnotherGroupThan(HONG);

        for (Optional<Person> viewer : List.of(Optional.of(HONG), Optional.of(other), Optional.<Person>empty(), Optional.of(HONG))) {
            assertThat(counting.search(viewer, "Seoul", "Jongno", FROM, DAYS))
                    .isEqualTo(store.search("Seoul", "Jongno", FROM, DAYS, viewer.map(counting::capacityGroup).orElse(Bucket.EVERY_GROUP)));
        }
        assertThat(reads).hasValue(1);
        assertThat(counting.search(Optional.of(HONG), "Seoul", "Gangnam", FROM, DAYS)).isEmpty();
        assertThat(reads).as("another district is another read").hasValue(2);
    }

    @Test
    void aBookingComesOffTheBookersOwnGroupsPlacesFirstThenTheSharedOnesInEveryGroupsAnswer() {
        int hongs = service.capacityGroup(HONG);
        Person other = personOfAnotherGroupThan(HONG);
        LocalDate day = FROM.plusDays(1);
        store.setCapacity(List.of(new CapacitySetting(new Bucket(1, "MOD", day, hongs), 1),
                new CapacitySetting(new Bucket(1, "MOD", day, service.capacityGroup(other)), 2)));
        List<Optional<Person>> viewers = List.of(Optional.of(HONG), Optional.of(other), Optional.empty());
        viewers.forEach(v -> service.search(v, "Seoul", "Jongno", FROM, DAYS));

        Reservation booked = ((BookingOutcome.Booked) service.book(HONG, 1, day, "MOD", "key-1")).reservation();
        Reservation second = ((BookingOutcome.Booked) service.book(HONG, 1, day, "MOD", "key-1")).reservation();

        assertThat(second).isEqualTo(booked);
        for (Optional<Person> viewer : viewers) {
            int group = viewer.map(service::capacityGroup).orElse(Bucket.EVERY_GROUP);
            assertThat(service.search(viewer, "Seoul", "Jongno", FROM, DAYS)).as("group %d", group)
                    .isEqualTo(store.search("Seoul", "Jongno", FROM, DAYS, group));
        }
        assertThat(remaining(service.search(Optional.of(other), "Seoul", "Jongno", FROM, DAYS), 1, booked.dose2Day(), "MOD"))
                .as("dose 2 from the shared places, which every group sees").isEqualTo(9);
    }

    /** Someone in the same cohort whose capacity group is not {@code person}'s. */
    private Person personOfAnotherGroupThan(Person person) {
        int group = service.capacityGroup(person);
        for (int day = 1; day <= 28; day++) {
            Person candidate = new Person(900 + day, "김철수", LocalDate.of(1964, 5, day), "010" + (20_000_000 + day));
            if (service.capacityGroup(candidate) != group) {
                return candidate;
            }
        }
        throw new AssertionError("no one of another group in May 1964");
    }

    private static int remaining(List<ClinicAvailability> answer, long clinicId, LocalDate day, String product) {
        return answer.stream().filter(ca -> ca.clinic().id() == clinicId).flatMap(ca -> ca.days().stream())
                .filter(d -> d.day().equals(day) && d.product().equals(product)).findFirst().orElseThrow().remaining();
    }
}
