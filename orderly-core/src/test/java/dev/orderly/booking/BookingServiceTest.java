package dev.orderly.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.eligibility.InMemoryCohortStore;
import dev.orderly.registry.Person;
import dev.orderly.time.MutableClock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BookingServiceTest {

    /** Opens at 00:00 KST on 27 July (15:00 UTC on the 26th), closes at 18:00 KST. */
    private static final BookingWindow WINDOW = new BookingWindow(
            Instant.parse("2021-07-26T15:00:00Z"), Instant.parse("2021-07-27T09:00:00Z"));
    private static final Cohort FIFTIES = new Cohort("born-1962-1966", "Ages 55-59", LocalDate.of(1962, 1, 1),
            LocalDate.of(1966, 12, 31), Set.of("MOD"), List.of(WINDOW));
    private static final Person HONG = new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
    private static final int HORIZON_DAYS = 14;
    /** Today in Seoul once the window is open. */
    private static final LocalDate TODAY = LocalDate.of(2021, 7, 27);

    private final MutableClock clock = MutableClock.at(WINDOW.opensAt());
    private final InMemoryBookingStore store = new InMemoryBookingStore();
    private final BookingService service = new BookingService(store, new InMemoryCohortStore(FIFTIES), clock,
            new BookingReferences(new SplittableRandom(3)), HORIZON_DAYS);

    @BeforeEach
    void aClinicWithModernaAndPfizerEveryDayForTwoMonths() {
        store.saveProduct(new Product("MOD", "Moderna", 28, 42));
        store.saveProduct(new Product("PFZ", "Pfizer-BioNTech", 21, 42));
        store.saveClinic(new Clinic(1, "Alpha Clinic", "Seoul", "Jongno", "1 Jong-ro", Set.of("MOD", "PFZ")));
        for (LocalDate d = TODAY; d.isBefore(TODAY.plusDays(60)); d = d.plusDays(1)) {
            store.setCapacity(1, d, "MOD", 10);
            store.setCapacity(1, d, "PFZ", 10);
        }
    }

    @Test
    void anEligiblePersonBooksBothDosesFromTomorrow() {
        BookingOutcome outcome = service.book(HONG, 1, TODAY.plusDays(1), "MOD", "key-1");

        assertThat(outcome).isInstanceOfSatisfying(BookingOutcome.Booked.class, b -> {
            Reservation r = b.reservation();
            assertThat(r.reference()).matches("OR-[2-9A-HJKMNP-Z]{8}");
            assertThat(r.personId()).isEqualTo(17);
            assertThat(r.dose1Day()).isEqualTo(TODAY.plusDays(1));
            assertThat(r.dose2Day()).isEqualTo(TODAY.plusDays(1 + 28));
            assertThat(r.bookedAt()).isEqualTo(clock.instant());
            assertThat(service.reservationOf(HONG)).contains(r);
        });
    }

    @Test
    void nobodyMayBookBeforeTheirWindowOpens() {
        clock.set(WINDOW.opensAt().minusSeconds(1));

        assertThat(service.book(HONG, 1, TODAY.plusDays(1), "MOD", "key-1"))
                .isEqualTo(new BookingOutcome.NotEligible(new Eligibility.NotOpenYet(FIFTIES, WINDOW.opensAt())));
        assertThat(store.active(HONG.id())).isEmpty();
    }

    @Test
    void nobodyMayBookAfterTheirWindowCloses() {
        clock.set(WINDOW.closesAt());

        assertThat(service.book(HONG, 1, TODAY.plusDays(1), "MOD", "key-1"))
                .isEqualTo(new BookingOutcome.NotEligible(new Eligibility.Closed(FIFTIES, WINDOW.closesAt())));
    }

    @Test
    void someoneOutsideEveryCohortMayNotBook() {
        Person young = new Person(18, "김철수", LocalDate.of(1990, 1, 1), "01098765432");

        assertThat(service.book(young, 1, TODAY.plusDays(1), "MOD", "key-1"))
                .isEqualTo(new BookingOutcome.NotEligible(new Eligibility.NotInAnyCohort()));
    }

    @Test
    void aProductTheCohortMayNotHaveIsNotOffered() {
        assertThat(service.book(HONG, 1, TODAY.plusDays(1), "PFZ", "key-1")).isEqualTo(new BookingOutcome.NotOffered(1, "PFZ"));
        assertThat(store.booked(1, TODAY.plusDays(1), "PFZ")).isZero();
    }

    @Test
    void todayInSeoulCannotBeBooked() {
        assertThat(service.book(HONG, 1, TODAY, "MOD", "key-1"))
                .isEqualTo(new BookingOutcome.DayOutOfRange(TODAY, TODAY.plusDays(1), TODAY.plusDays(HORIZON_DAYS)));
    }

    @Test
    void theDayBeforeTodayCannotBeBooked() {
        assertThat(service.book(HONG, 1, TODAY.minusDays(1), "MOD", "key-1")).isInstanceOf(BookingOutcome.DayOutOfRange.class);
    }

    @Test
    void theLastDayOfTheHorizonCanBeBookedAndTheDayAfterCannot() {
        assertThat(service.book(HONG, 1, TODAY.plusDays(HORIZON_DAYS + 1), "MOD", "key-1"))
                .isEqualTo(new BookingOutcome.DayOutOfRange(TODAY.plusDays(HORIZON_DAYS + 1), TODAY.plusDays(1), TODAY.plusDays(HORIZON_DAYS)));
        assertThat(service.book(HONG, 1, TODAY.plusDays(HORIZON_DAYS), "MOD", "key-2")).isInstanceOf(BookingOutcome.Booked.class);
    }

    @Test
    void bookableDaysFollowTheSeoulCalendarNotUtc() {
        // 15:00 UTC on 26 July is already 27 July in Seoul: tomorrow is the 28th.
        clock.set(Instant.parse("2021-07-26T15:00:00Z"));
        assertThat(service.firstBookableDay()).isEqualTo(LocalDate.of(2021, 7, 28));
        assertThat(service.lastBookableDay()).isEqualTo(LocalDate.of(2021, 8, 10));

        clock.set(Instant.parse("2021-07-26T14:59:59Z"));
        assertThat(service.firstBookableDay()).isEqualTo(LocalDate.of(2021, 7, 27));
    }

    @Test
    void aRetriedBookingGetsTheSameReference() {
        Reservation first = ((BookingOutcome.Booked) service.book(HONG, 1, TODAY.plusDays(1), "MOD", "key-1")).reservation();

        assertThat(service.book(HONG, 1, TODAY.plusDays(1), "MOD", "key-1")).isEqualTo(new BookingOutcome.Booked(first));
        assertThat(store.booked(1, TODAY.plusDays(1), "MOD")).isEqualTo(1);
    }

    @Test
    void cancellingGivesBackBothPlaces() {
        Reservation r = ((BookingOutcome.Booked) service.book(HONG, 1, TODAY.plusDays(1), "MOD", "key-1")).reservation();

        assertThat(service.cancel(HONG)).isEqualTo(new CancelOutcome.Cancelled(r));

        assertThat(service.reservationOf(HONG)).isEmpty();
        assertThat(store.booked(1, r.dose1Day(), "MOD")).isZero();
        assertThat(store.booked(1, r.dose2Day(), "MOD")).isZero();
        assertThat(service.cancel(HONG)).isEqualTo(new CancelOutcome.NothingToCancel());
    }

    @Test
    void aHorizonOfLessThanOneDayIsRefused() {
        assertThatThrownBy(() -> new BookingService(store, new InMemoryCohortStore(), clock, new BookingReferences(new SplittableRandom()), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }

    @Test
    void aBookingRetriedJustAfterTheWindowClosedStillGetsItsReservation() {
        Reservation r = ((BookingOutcome.Booked) service.book(HONG, 1, TODAY.plusDays(1), "MOD", "late-retry")).reservation();
        clock.set(WINDOW.closesAt().plusSeconds(1));

        assertThat(service.book(HONG, 1, TODAY.plusDays(1), "MOD", "late-retry")).isEqualTo(new BookingOutcome.Booked(r));
        assertThat(service.book(HONG, 1, TODAY.plusDays(2), "MOD", "late-retry")).isEqualTo(new BookingOutcome.KeyReused("late-retry"));
        assertThat(service.book(HONG, 1, TODAY.plusDays(1), "MOD", "new-key")).isInstanceOf(BookingOutcome.NotEligible.class);
    }

    @Test
    void eligibilitySaysAlreadyBookedOnceTheyHoldAReservation() {
        Reservation r = ((BookingOutcome.Booked) service.book(HONG, 1, TODAY.plusDays(1), "MOD", "k")).reservation();

        assertThat(service.eligibility(HONG)).isEqualTo(new Eligibility.AlreadyBooked(r.reference()));
        service.cancel(HONG);
        assertThat(service.eligibility(HONG)).isInstanceOf(Eligibility.Eligible.class);
    }

    @Test
    void movingDoseOneReplansDoseTwoAndTheOldPlacesAreFreeAtOnce() {
        service.book(HONG, 1, TODAY.plusDays(1), "MOD", "k");

        ChangeOutcome moved = service.moveDose1(HONG, 1, TODAY.plusDays(3), "MOD", "m");

        assertThat(moved).isInstanceOfSatisfying(ChangeOutcome.Changed.class, c -> {
            assertThat(c.reservation().dose1Day()).isEqualTo(TODAY.plusDays(3));
            assertThat(c.reservation().dose2Day()).isEqualTo(TODAY.plusDays(3 + 28));
            assertThat(c.reservation().changedAt()).isEqualTo(clock.instant());
        });
        assertThat(store.booked(1, TODAY.plusDays(1), "MOD")).isZero();
        assertThat(store.booked(1, TODAY.plusDays(1 + 28), "MOD")).isZero();
        assertThat(service.moveDose1(HONG, 1, TODAY.plusDays(3), "PFZ", "p")).isEqualTo(new BookingOutcome.NotOffered(1, "PFZ"));
        assertThat(service.moveDose1(HONG, 1, TODAY, "MOD", "t")).isInstanceOf(BookingOutcome.DayOutOfRange.class);
    }

    @Test
    void aDoseDueTodayCanNoLongerBeMoved() {
        Reservation r = ((BookingOutcome.Booked) service.book(HONG, 1, TODAY.plusDays(1), "MOD", "k")).reservation();
        clock.set(SeoulStart.of(TODAY.plusDays(1)));

        assertThat(service.moveDose1(HONG, 1, TODAY.plusDays(4), "MOD", null)).isEqualTo(new ChangeOutcome.TooLate(r.dose1Day()));
        assertThat(service.moveDose2(HONG, r.dose2Day().plusDays(1), null)).isInstanceOf(ChangeOutcome.Changed.class);
    }

    @Test
    void changesNeedAWindowThatIsNotOnlyForTheUnbooked() {
        BookingWindow reopening = new BookingWindow(WINDOW.closesAt().plusSeconds(3600), WINDOW.closesAt().plusSeconds(7 * 86_400), true);
        Cohort withReopening = new Cohort("born-1962-1966", "Ages 55-59", LocalDate.of(1962, 1, 1), LocalDate.of(1966, 12, 31),
                Set.of("MOD"), List.of(WINDOW, reopening));
        BookingService reopened = new BookingService(store, new InMemoryCohortStore(withReopening), clock,
                new BookingReferences(new SplittableRandom(5)), HORIZON_DAYS);
        reopened.book(HONG, 1, TODAY.plusDays(3), "MOD", "k");
        clock.set(reopening.opensAt().plusSeconds(60));

        assertThat(reopened.moveDose1(HONG, 1, TODAY.plusDays(5), "MOD", null))
                .isEqualTo(new BookingOutcome.NotEligible(new Eligibility.Closed(withReopening, WINDOW.closesAt())));
        assertThat(reopened.cancel(HONG)).isInstanceOf(CancelOutcome.Cancelled.class);
        assertThat(reopened.book(HONG, 1, TODAY.plusDays(5), "MOD", "again")).isInstanceOf(BookingOutcome.Booked.class);
    }

    @Test
    void aTakenReferenceIsReplacedByAFreshOne() {
        BookingReferences same = new BookingReferences(new SplittableRandom(1));
        BookingReferences again = new BookingReferences(new SplittableRandom(1));
        BookingService first = new BookingService(store, new InMemoryCohortStore(FIFTIES), clock, same, HORIZON_DAYS);
        BookingService second = new BookingService(store, new InMemoryCohortStore(FIFTIES), clock, again, HORIZON_DAYS);
        Person kim = new Person(19, "김영희", LocalDate.of(1963, 3, 3), "01055556666");

        Reservation a = ((BookingOutcome.Booked) first.book(HONG, 1, TODAY.plusDays(1), "MOD", null)).reservation();
        Reservation b = ((BookingOutcome.Booked) second.book(kim, 1, TODAY.plusDays(1), "MOD", null)).reservation();

        assertThat(b.reference()).isNotEqualTo(a.reference());
    }

    private static final class SeoulStart {
        static Instant of(LocalDate day) {
            return dev.orderly.time.SeoulCalendar.startOf(day);
        }
    }

    @Test
    void referencesUseOnlyCharactersThatCannotBeMisread() {
        BookingReferences references = new BookingReferences(new SplittableRandom(11));
        for (int i = 0; i < 1_000; i++) {
            String reference = references.next();
            assertThat(reference).matches("OR-[2-9A-HJKMNP-Z]{8}");
            assertThat(reference.substring(3)).doesNotContain("0", "1", "O", "I", "L");
        }
    }
}
