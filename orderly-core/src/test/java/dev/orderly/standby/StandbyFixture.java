package dev.orderly.standby;

import dev.orderly.booking.BookingReferences;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.Product;
import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.InMemoryCohortStore;
import dev.orderly.eligibility.InMemorySpecialGroupStore;
import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.Person;
import dev.orderly.time.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One clinic day for standby tests: clinic 1 (Alpha, Seoul Jongno-gu) offering PFZ (dose 2 after
 * 21 to 28 days, room on every one of them), clinic 2 (Beta, Busan) too, people 1..n born in
 * 1965 in a cohort whose window is open, a clock at 10:00 in Seoul.
 */
final class StandbyFixture {

    static final Instant NOW = Instant.parse("2021-08-16T01:00:00Z"); // 10:00 in Seoul
    static final LocalDate TODAY = LocalDate.of(2021, 8, 16);
    static final String PFZ = "PFZ";
    static final String AZ = "AZ";
    static final StandbyEntry.District JONGNO = new StandbyEntry.District("서울특별시", "종로구");
    static final Cohort COHORT = new Cohort("born-1960-1969", "1960s", LocalDate.of(1960, 1, 1), LocalDate.of(1969, 12, 31),
            Set.of(PFZ), List.of(new BookingWindow(Instant.parse("2021-08-01T00:00:00Z"), Instant.parse("2021-09-30T00:00:00Z"))));
    /** Born 1975: in no open cohort, but in this one, which has no window now (for leftovers only when opened). */
    static final Cohort LATER = new Cohort("born-1970-1979", "1970s", LocalDate.of(1970, 1, 1), LocalDate.of(1979, 12, 31),
            Set.of(PFZ), List.of(new BookingWindow(Instant.parse("2021-10-01T00:00:00Z"), Instant.parse("2021-10-30T00:00:00Z"))));

    final MutableClock clock = MutableClock.at(NOW);
    final BookingStore bookings;
    final StandbyStore standby;
    final InMemoryResidentRegistry registry = new InMemoryResidentRegistry();
    final InMemoryCohortStore cohorts = new InMemoryCohortStore(COHORT, LATER);
    final BookingService booking;
    final StandbyService service;

    StandbyFixture(BookingStore bookings, StandbyStore standby, int people, long seed) {
        this.bookings = bookings;
        this.standby = standby;
        bookings.saveProduct(new Product(PFZ, "Pfizer", 21, 28));
        bookings.saveProduct(new Product(AZ, "AstraZeneca", 56, 84));
        bookings.saveClinic(new Clinic(1, "Alpha Clinic", JONGNO.province(), JONGNO.district(), "1 Alpha-ro", Set.of(PFZ)));
        bookings.saveClinic(new Clinic(2, "Beta Clinic", "부산광역시", "해운대구", "2 Beta-ro", Set.of(PFZ)));
        for (int d = 21; d <= 28; d++) {
            bookings.setCapacity(1, TODAY.plusDays(d), PFZ, 100);
            bookings.setCapacity(2, TODAY.plusDays(d), PFZ, 100);
        }
        for (int d = 1; d <= 3; d++) {
            bookings.setCapacity(1, TODAY.plusDays(d), PFZ, 100);
        }
        for (long i = 1; i <= people; i++) {
            registry.add(new Person(i, "Person " + i, LocalDate.of(1965, 1, 1).plusDays(i), "0101234" + String.format("%04d", i)));
        }
        SplittableRandom random = new SplittableRandom(seed);
        booking = new BookingService(bookings, cohorts, new InMemorySpecialGroupStore(), clock, new BookingReferences(new SecureRandom()), 30);
        service = new StandbyService(standby, bookings, booking, cohorts, new InMemorySpecialGroupStore(), registry, clock,
                new SeededRandom(random), StandbyService.DEFAULT_CLAIM_WINDOW, "https://orderly.example");
    }

    Person person(long id) {
        return registry.byId(id).orElseThrow();
    }

    /** Person {@code id} joins for Jongno-gu, 09:00 to 18:00, with consent. */
    StandbyEntry join(long id) {
        return join(id, Set.of(JONGNO), Set.of(), LocalTime.of(9, 0), LocalTime.of(18, 0));
    }

    StandbyEntry join(long id, Set<StandbyEntry.District> districts, Set<Long> clinics, LocalTime from, LocalTime to) {
        StandbyService.JoinOutcome outcome = service.join(person(id), districts, clinics, from, to, true);
        if (!(outcome instanceof StandbyService.JoinOutcome.Joined joined)) {
            throw new AssertionError("person " + id + " could not join: " + outcome);
        }
        clock.advance(Duration.ofSeconds(1)); // join order is also join time
        return joined.entry();
    }

    Release release(int doses, FairOrder order) {
        StandbyService.ReleaseOutcome outcome = service.release(1, PFZ, doses, order, "clinic-alpha");
        if (!(outcome instanceof StandbyService.ReleaseOutcome.Released released)) {
            throw new AssertionError("not released: " + outcome);
        }
        return released.release();
    }

    /** Person {@code id} books an ordinary appointment tomorrow at clinic 1. */
    void booksElsewhere(long id) {
        var outcome = booking.book(person(id), 1, TODAY.plusDays(1), PFZ, null);
        if (!(outcome instanceof dev.orderly.booking.BookingOutcome.Booked)) {
            throw new AssertionError("person " + id + " could not book: " + outcome);
        }
    }

    /** The people offered a dose of {@code release}, in the order offered. */
    List<Long> offered(Release release) {
        return standby.offersOf(release.id()).stream().map(StandbyOffer::personId).toList();
    }

    StandbyOffer offerTo(Release release, long personId) {
        return standby.offersOf(release.id()).stream().filter(o -> o.personId() == personId).findFirst()
                .orElseThrow(() -> new AssertionError("no offer to person " + personId));
    }

    /** Places booked today at clinic 1, every bucket counted. */
    int bookedToday() {
        return bookings.capacity(1, TODAY, 1).stream().filter(b -> b.bucket().product().equals(PFZ)).mapToInt(b -> b.booked()).sum();
    }

    int capacityToday() {
        return bookings.capacity(1, TODAY, 1).stream().filter(b -> b.bucket().product().equals(PFZ)).mapToInt(b -> b.capacity()).sum();
    }

    /** A RandomGenerator over a seeded SplittableRandom, so a test's tokens and draws repeat. */
    static final class SeededRandom implements java.util.random.RandomGenerator {
        private final SplittableRandom random;

        SeededRandom(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public synchronized long nextLong() {
            return random.nextLong();
        }
    }
}
