package dev.orderly.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BookingStore} promises, run against each adapter by a subclass that only says
 * how to make an empty store. Each test builds its own products, clinics and capacity through
 * the port, and reads capacity back through {@link BookingStore#search} alone, so the suite knows
 * nothing of any adapter's insides.
 *
 * <p>Data is chosen to behave the same on every backend: references are unique per store,
 * instants are whole seconds, and clinic names sort the same under any collation.
 *
 * <p>Test methods are public so that a binding in another package can override one with
 * {@code @Disabled("why")} when its adapter cannot pass that case.
 */
public abstract class BookingStoreContract {

    /** Dose 1 day of most tests; dose 2 of {@link #PFZ} falls 3 to 5 days later. */
    protected static final LocalDate DAY = LocalDate.of(2021, 8, 16);
    protected static final Instant NOW = Instant.parse("2021-08-01T01:00:00Z");
    protected static final String PFZ = "PFZ";
    protected static final String MOD = "MOD";

    private static final Duration RACE_TIMEOUT = Duration.ofSeconds(60);

    private final AtomicInteger references = new AtomicInteger();
    private BookingStore store;

    public BookingStoreContract() {
    }

    /** A new store holding nothing: no products, no clinics, no capacity, no reservations. */
    protected abstract BookingStore newStore();

    /** How many threads fight for the last place in the race tests. */
    protected int raceThreads() {
        return 200;
    }

    /** The store under test, for checks an adapter's binding adds of its own. */
    protected BookingStore store() {
        return store;
    }

    @BeforeEach
    protected void emptyStore() {
        store = newStore();
    }

    /** Checks an adapter adds after every test (e.g. its own consistency queries); none by default. */
    protected void afterEveryTest() {
    }

    @org.junit.jupiter.api.AfterEach
    protected void checkAfterEveryTest() {
        assertThat(store.checkIntegrity()).isEqualTo(new IntegrityReport(List.of(), List.of(), List.of()));
        afterEveryTest();
    }

    // --- booking both doses ---------------------------------------------------------------------

    @Test
    public void booksDoseOneOnTheDayAskedAndDoseTwoOnTheFirstDayWithRoomInTheInterval() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 2);
        store.setCapacity(1, DAY.plusDays(2), PFZ, 5); // room, but too early for dose 2
        store.setCapacity(1, DAY.plusDays(3), PFZ, 0);
        store.setCapacity(1, DAY.plusDays(4), PFZ, 1);
        store.setCapacity(1, DAY.plusDays(5), PFZ, 1);

        BookingOutcome outcome = store.book(request(7, 1, DAY, PFZ), "key-7", "OR-FIRST", NOW);

        Reservation expected = new Reservation("OR-FIRST", 7, 1, "Alpha Clinic", PFZ, DAY, DAY.plusDays(4), NOW);
        assertThat(outcome).isEqualTo(new BookingOutcome.Booked(expected));
        assertThat(store.active(7)).contains(expected);
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(1);
        assertThat(remaining(1, DAY.plusDays(2), PFZ)).isEqualTo(5);
        assertThat(remaining(1, DAY.plusDays(4), PFZ)).isZero();
        assertThat(remaining(1, DAY.plusDays(5), PFZ)).isEqualTo(1);
    }

    @Test
    public void doseTwoMovesToTheNextDayWithRoomAsTheIntervalFills() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 5);
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 1);

        assertThat(booked(book(1, 1, DAY)).dose2Day()).isEqualTo(DAY.plusDays(3));
        assertThat(booked(book(2, 1, DAY)).dose2Day()).isEqualTo(DAY.plusDays(4));
        assertThat(booked(book(3, 1, DAY)).dose2Day()).isEqualTo(DAY.plusDays(5));
        assertThat(book(4, 1, DAY)).isEqualTo(new BookingOutcome.NoSecondDoseDay(DAY.plusDays(3), DAY.plusDays(5)));
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(2);
    }

    @Test
    public void aDayWithNoRoomLeftIsFull() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 1);
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 10);
        booked(book(1, 1, DAY));

        assertThat(book(2, 1, DAY)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(store.active(2)).isEmpty();
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(9);
    }

    @Test
    public void aDayWithCapacityZeroIsFull() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 0);
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 10);

        assertThat(book(1, 1, DAY)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
    }

    @Test
    public void noRoomInTheDoseTwoIntervalRefusesTheBookingAndTakesNothing() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 5);
        store.setCapacity(1, DAY.plusDays(2), PFZ, 10); // before the interval
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 0);
        store.setCapacity(1, DAY.plusDays(6), PFZ, 10); // after it

        BookingOutcome outcome = book(1, 1, DAY);

        assertThat(outcome).isEqualTo(new BookingOutcome.NoSecondDoseDay(DAY.plusDays(3), DAY.plusDays(5)));
        assertThat(store.active(1)).isEmpty();
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(5);
        assertThat(remaining(1, DAY.plusDays(2), PFZ)).isEqualTo(10);
        assertThat(remaining(1, DAY.plusDays(6), PFZ)).isEqualTo(10);
    }

    @Test
    public void aDoseTwoIntervalWithoutAnyCapacityDaysRefusesTheBooking() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 5);

        assertThat(book(1, 1, DAY)).isEqualTo(new BookingOutcome.NoSecondDoseDay(DAY.plusDays(3), DAY.plusDays(5)));
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(5);
    }

    @Test
    public void aPersonRefusedForWantOfADoseTwoDayCanBookOnceOneOpens() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 1);
        store.setCapacity(1, DAY.plusDays(5), PFZ, 0);
        assertThat(book(1, 1, DAY)).isInstanceOf(BookingOutcome.NoSecondDoseDay.class);

        store.setCapacity(1, DAY.plusDays(5), PFZ, 1);

        assertThat(booked(book(1, 1, DAY)).dose2Day()).isEqualTo(DAY.plusDays(5));
        assertThat(remaining(1, DAY, PFZ)).isZero();
    }

    // --- not offered ----------------------------------------------------------------------------

    @Test
    public void anUnknownClinicIsNotOffered() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);

        assertThat(book(1, 99, DAY)).isEqualTo(new BookingOutcome.NotOffered(99, PFZ));
    }

    @Test
    public void anUnknownProductIsNotOffered() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);

        assertThat(store.book(request(1, 1, DAY, "XYZ"), null, reference(), NOW))
                .isEqualTo(new BookingOutcome.NotOffered(1, "XYZ"));
    }

    @Test
    public void aProductTheClinicDoesNotCarryIsNotOffered() {
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 3, 5));
        store.saveProduct(new Product(MOD, "Moderna", 3, 5));
        store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", PFZ));
        store.saveClinic(clinic(2, "Bravo Clinic", "Seoul", "Jongno", MOD));
        openDayAndInterval(1, PFZ, 5);
        openDayAndInterval(2, MOD, 5);

        assertThat(store.book(request(1, 1, DAY, MOD), null, reference(), NOW))
                .isEqualTo(new BookingOutcome.NotOffered(1, MOD));
        assertThat(remaining(2, DAY, MOD)).isEqualTo(5);
    }

    @Test
    public void aDayWithoutCapacityIsNotOffered() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);

        assertThat(book(1, 1, DAY.minusDays(1))).isEqualTo(new BookingOutcome.NotOffered(1, PFZ));
        assertThat(store.active(1)).isEmpty();
    }

    // --- one reservation per person -------------------------------------------------------------

    @Test
    public void aSecondBookingBySomeoneAlreadyBookedIsRefusedWithTheFirstReservation() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        store.setCapacity(1, DAY.plusDays(1), PFZ, 5);
        Reservation first = booked(store.book(request(1, 1, DAY, PFZ), "first", reference(), NOW));

        assertThat(store.book(request(1, 1, DAY.plusDays(1), PFZ), "second", reference(), NOW))
                .isEqualTo(new BookingOutcome.AlreadyBooked(first));
        assertThat(store.book(request(1, 1, DAY, PFZ), null, reference(), NOW))
                .isEqualTo(new BookingOutcome.AlreadyBooked(first));
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(4);
        assertThat(remaining(1, DAY.plusDays(1), PFZ)).isEqualTo(5);
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(4);
    }

    @Test
    public void manyReadsAtOnceEachGetTheirOwnPersonsReservation() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 10);
        Map<Long, Optional<Reservation>> expected = new HashMap<>();
        for (long person = 1; person <= 10; person++) {
            expected.put(person, person % 2 == 0 ? Optional.of(booked(store.book(request(person, 1, DAY, PFZ), null, reference(), NOW)))
                    : Optional.empty());
        }

        List<Long> wrong = Race.run(raceThreads(), RACE_TIMEOUT, i -> {
            long off = 0;
            for (int round = 0; round < 10; round++) {
                for (long person = 1; person <= 10; person++) {
                    off += store.active(person).equals(expected.get(person)) ? 0 : 1;
                }
            }
            return off;
        });

        assertThat(wrong).as("reads answered with someone else's reservation, per thread").containsOnly(0L);
    }

    // --- idempotency ----------------------------------------------------------------------------

    @Test
    public void aRetryWithTheSameKeyGetsTheFirstReservationBackAndTakesNoSecondPlace() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        BookingRequest request = request(1, 1, DAY, PFZ);
        Reservation first = booked(store.book(request, "retry-me", "OR-FIRST", NOW));

        BookingOutcome retry = store.book(request, "retry-me", "OR-OTHER", NOW.plusSeconds(30));

        assertThat(retry).isEqualTo(new BookingOutcome.Booked(first));
        assertThat(booked(retry).reference()).isEqualTo("OR-FIRST");
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(4);
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(4);
    }

    @Test
    public void aRetryWithTheSameKeyGetsTheFirstReservationBackEvenOnceTheDayHasFilled() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 2);
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 5);
        BookingRequest request = request(1, 1, DAY, PFZ);
        Reservation first = booked(store.book(request, "retry-me", reference(), NOW));
        booked(book(2, 1, DAY));

        assertThat(store.book(request, "retry-me", reference(), NOW)).isEqualTo(new BookingOutcome.Booked(first));
        assertThat(remaining(1, DAY, PFZ)).isZero();
    }

    @Test
    public void theSameKeyForADifferentRequestIsRefusedAsReused() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        store.setCapacity(1, DAY.plusDays(1), PFZ, 5);
        booked(store.book(request(1, 1, DAY, PFZ), "once", reference(), NOW));

        assertThat(store.book(request(1, 1, DAY.plusDays(1), PFZ), "once", reference(), NOW))
                .isEqualTo(new BookingOutcome.KeyReused("once"));
        assertThat(remaining(1, DAY.plusDays(1), PFZ)).isEqualTo(5);
    }

    @Test
    public void idempotencyKeysBelongToOnePerson() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        store.setCapacity(1, DAY.plusDays(1), PFZ, 5);
        Reservation mine = booked(store.book(request(1, 1, DAY, PFZ), "same-key", reference(), NOW));

        Reservation theirs = booked(store.book(request(2, 1, DAY.plusDays(1), PFZ), "same-key", reference(), NOW));

        assertThat(theirs.personId()).isEqualTo(2);
        assertThat(theirs.reference()).isNotEqualTo(mine.reference());
        assertThat(remaining(1, DAY.plusDays(1), PFZ)).isEqualTo(4);
    }

    @Test
    public void aFailedAttemptIsRememberedUnderItsKeyLikeAnyFirstAnswer() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 0);
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 5);
        BookingRequest request = request(1, 1, DAY, PFZ);
        assertThat(store.book(request, "k", reference(), NOW)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));

        store.setCapacity(1, DAY, PFZ, 1);

        assertThat(store.book(request, "k", reference(), NOW)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(store.remembered(1, "k")).contains(new Remembered(request.fingerprint(), new BookingOutcome.DayFull(1, DAY, PFZ)));
        assertThat(store.book(request, "k2", reference(), NOW)).isInstanceOf(BookingOutcome.Booked.class);
    }

    // --- cancelling -----------------------------------------------------------------------------

    @Test
    public void cancellingReturnsBothPlacesAndLeavesNothingToCancel() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 1);
        Reservation reservation = booked(book(1, 1, DAY));
        assertThat(remaining(1, DAY, PFZ)).isZero();
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isZero();

        assertThat(store.cancel(1, NOW.plusSeconds(60))).isEqualTo(new CancelOutcome.Cancelled(reservation));

        assertThat(store.active(1)).isEmpty();
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(1);
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(1);
        assertThat(store.cancel(1, NOW.plusSeconds(61))).isEqualTo(new CancelOutcome.NothingToCancel());
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(1);
    }

    @Test
    public void someoneWhoNeverBookedHasNothingToCancel() {
        givenPfizerAtClinicOne();

        assertThat(store.cancel(1, NOW)).isEqualTo(new CancelOutcome.NothingToCancel());
    }

    @Test
    public void aPlaceGivenBackByCancellingCanBeBookedBySomeoneElse() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 1);
        booked(book(1, 1, DAY));
        assertThat(book(2, 1, DAY)).isInstanceOf(BookingOutcome.DayFull.class);

        store.cancel(1, NOW);

        assertThat(booked(book(2, 1, DAY)).dose2Day()).isEqualTo(DAY.plusDays(3));
    }

    @Test
    public void aPersonCanBookAgainAfterCancelling() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        store.setCapacity(1, DAY.plusDays(1), PFZ, 5);
        booked(store.book(request(1, 1, DAY, PFZ), "first", "OR-FIRST", NOW));
        store.cancel(1, NOW);

        Reservation again = booked(store.book(request(1, 1, DAY.plusDays(1), PFZ), "second", "OR-AGAIN", NOW));

        assertThat(again.reference()).isEqualTo("OR-AGAIN");
        assertThat(again.dose1Day()).isEqualTo(DAY.plusDays(1));
        assertThat(store.active(1)).contains(again);
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(5);
        assertThat(remaining(1, DAY.plusDays(1), PFZ)).isEqualTo(4);
    }

    // --- capacity -------------------------------------------------------------------------------

    @Test
    public void capacityCannotBeSetBelowThePlacesAlreadyBooked() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 3);
        booked(book(1, 1, DAY));
        booked(book(2, 1, DAY));

        assertThatThrownBy(() -> store.setCapacity(1, DAY, PFZ, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clinic 1 PFZ on " + DAY)
                .hasMessageContaining("has more places booked than the new capacity 1");

        assertThat(dayAvailability(1, DAY, PFZ)).isEqualTo(new DayAvailability(DAY, PFZ, 3, 1));
    }

    @Test
    public void capacityCanBeLoweredToThePlacesAlreadyBooked() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 3);
        booked(book(1, 1, DAY));

        store.setCapacity(1, DAY, PFZ, 1);

        assertThat(dayAvailability(1, DAY, PFZ)).isEqualTo(new DayAvailability(DAY, PFZ, 1, 0));
        assertThat(book(2, 1, DAY)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
    }

    @Test
    public void raisingTheCapacityOfAFullDayKeepsItsBookingsAndLetsTheNextPersonIn() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 1);
        Reservation first = booked(book(1, 1, DAY));
        store.setCapacity(1, DAY.plusDays(3), PFZ, 2);

        store.setCapacity(1, DAY, PFZ, 2);

        assertThat(store.active(1)).contains(first);
        assertThat(booked(book(2, 1, DAY)).dose1Day()).isEqualTo(DAY);
        assertThat(remaining(1, DAY, PFZ)).isZero();
    }

    @Test
    public void negativeCapacityIsRejected() {
        givenPfizerAtClinicOne();

        assertThatThrownBy(() -> store.setCapacity(1, DAY, PFZ, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    // --- catalogue and search -------------------------------------------------------------------

    @Test
    public void productsAreListedByCodeAndCanBeReplaced() {
        store.saveProduct(new Product(PFZ, "Pfizer", 21, 42));
        store.saveProduct(new Product(MOD, "Moderna", 28, 42));
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 21, 35));

        assertThat(store.products()).containsExactly(
                new Product(MOD, "Moderna", 28, 42), new Product(PFZ, "Pfizer-BioNTech", 21, 35));
    }

    @Test
    public void clinicsCanBeReadBackAndReplaced() {
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 3, 5));
        store.saveProduct(new Product(MOD, "Moderna", 3, 5));
        store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", PFZ));
        store.saveClinic(clinic(1, "Alpha Health Centre", "Seoul", "Jung", PFZ, MOD));

        assertThat(store.clinic(1)).contains(clinic(1, "Alpha Health Centre", "Seoul", "Jung", PFZ, MOD));
        assertThat(store.clinic(2)).isEmpty();
    }

    @Test
    public void searchListsTheClinicsOfAProvinceInNameOrderWithWhatIsLeft() {
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 3, 5));
        store.saveProduct(new Product(MOD, "Moderna", 3, 5));
        store.saveClinic(clinic(1, "Charlie Clinic", "Seoul", "Jongno", PFZ, MOD));
        store.saveClinic(clinic(2, "Alpha Clinic", "Seoul", "Gangnam", PFZ));
        store.saveClinic(clinic(3, "Bravo Clinic", "Busan", "Haeundae", PFZ));
        store.saveClinic(clinic(4, "Bravo Clinic", "Seoul", "Gangnam", PFZ));
        store.setCapacity(1, DAY, PFZ, 4);
        store.setCapacity(1, DAY, MOD, 2);
        store.setCapacity(1, DAY.plusDays(1), PFZ, 3);
        store.setCapacity(1, DAY.plusDays(2), PFZ, 9); // outside the two days searched
        store.setCapacity(1, DAY.minusDays(1), PFZ, 9); // before them
        capacity(1, PFZ, DAY.plusDays(3), DAY.plusDays(5), 9);
        store.setCapacity(2, DAY.plusDays(1), PFZ, 1);
        store.setCapacity(3, DAY, PFZ, 7);
        booked(book(100, 1, DAY));

        List<ClinicAvailability> seoul = store.search("Seoul", null, DAY, 2);

        assertThat(seoul).extracting(a -> a.clinic().id()).containsExactly(2L, 4L, 1L);
        assertThat(seoul.get(0).days()).containsExactly(new DayAvailability(DAY.plusDays(1), PFZ, 1, 1));
        assertThat(seoul.get(1).days()).isEmpty();
        assertThat(seoul.get(2).clinic()).isEqualTo(clinic(1, "Charlie Clinic", "Seoul", "Jongno", PFZ, MOD));
        assertThat(seoul.get(2).days()).containsExactly(
                new DayAvailability(DAY, MOD, 2, 2),
                new DayAvailability(DAY, PFZ, 4, 3),
                new DayAvailability(DAY.plusDays(1), PFZ, 3, 3));
    }

    @Test
    public void searchNarrowsToADistrict() {
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 3, 5));
        store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", PFZ));
        store.saveClinic(clinic(2, "Bravo Clinic", "Seoul", "Gangnam", PFZ));
        store.saveClinic(clinic(3, "Charlie Clinic", "Busan", "Jongno", PFZ));

        assertThat(store.search("Seoul", "Gangnam", DAY, 7)).extracting(a -> a.clinic().id()).containsExactly(2L);
        assertThat(store.search("Seoul", "Jongno", DAY, 7)).extracting(a -> a.clinic().id()).containsExactly(1L);
        assertThat(store.search("Seoul", "Mapo", DAY, 7)).isEmpty();
        assertThat(store.search("Jeju", null, DAY, 7)).isEmpty();
    }

    @Test
    public void regionsListProvincesAndTheirDistrictsInNameOrder() {
        assertThat(store.regions()).isEmpty();
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 3, 5));
        store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", PFZ));
        store.saveClinic(clinic(2, "Bravo Clinic", "Seoul", "Gangnam", PFZ));
        store.saveClinic(clinic(3, "Charlie Clinic", "Busan", "Haeundae", PFZ));
        store.saveClinic(clinic(4, "Delta Clinic", "Seoul", "Gangnam", PFZ));

        assertThat(store.regions()).containsExactly(
                new Region("Busan", List.of("Haeundae")),
                new Region("Seoul", List.of("Gangnam", "Jongno")));
    }

    // --- races ----------------------------------------------------------------------------------

    @Test
    public void manyPeopleRacingForTheLastPlaceLeaveExactlyOneWinner() {
        int threads = raceThreads();
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 1);
        store.setCapacity(1, DAY.plusDays(3), PFZ, threads);

        List<BookingOutcome> outcomes = Race.run(threads, RACE_TIMEOUT,
                i -> store.book(request(10_000 + i, 1, DAY, PFZ), "race-" + i, "OR-RACE" + i, NOW));

        assertThat(outcomes).filteredOn(o -> o instanceof BookingOutcome.Booked).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !(o instanceof BookingOutcome.Booked))
                .hasSize(threads - 1)
                .containsOnly(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(remaining(1, DAY, PFZ)).isZero();
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(threads - 1);
    }

    @Test
    public void oneRequestRetriedManyTimesAtOnceBooksOnce() {
        int threads = raceThreads();
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        BookingRequest request = request(1, 1, DAY, PFZ);

        List<BookingOutcome> outcomes = Race.run(threads, RACE_TIMEOUT, i -> store.book(request, "one-key", "OR-RETRY" + i, NOW));

        Reservation reservation = store.active(1).orElseThrow();
        assertThat(outcomes).containsOnly(new BookingOutcome.Booked(reservation));
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(4);
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(4);
    }

    @Test
    public void onePersonBookingFromManyTabsAtOnceGetsOneReservation() {
        int threads = raceThreads();
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, threads);

        List<BookingOutcome> outcomes = Race.run(threads, RACE_TIMEOUT, i -> store.book(request(1, 1, DAY, PFZ), "tab-" + i, "OR-TAB" + i, NOW));

        Reservation reservation = store.active(1).orElseThrow();
        assertThat(outcomes).filteredOn(o -> o instanceof BookingOutcome.Booked).containsExactly(new BookingOutcome.Booked(reservation));
        assertThat(outcomes).filteredOn(o -> !(o instanceof BookingOutcome.Booked))
                .hasSize(threads - 1)
                .containsOnly(new BookingOutcome.AlreadyBooked(reservation));
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(threads - 1);
    }

    @Test
    public void aThousandClientsRacingForTheLastPlaceOfADayLeaveOneBookedAndTheDayAtZero() {
        int clients = 1_000;
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 1);
        store.setCapacity(1, DAY.plusDays(3), PFZ, clients);

        List<BookingOutcome> outcomes = Race.run(clients, RACE_TIMEOUT,
                i -> store.book(request(20_000 + i, 1, DAY, PFZ), "last-" + i, "OR-LAST" + i, NOW));

        assertThat(outcomes).filteredOn(o -> o instanceof BookingOutcome.Booked).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !(o instanceof BookingOutcome.Booked))
                .hasSize(clients - 1)
                .containsOnly(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(dayAvailability(1, DAY, PFZ)).isEqualTo(new DayAvailability(DAY, PFZ, 1, 0));
        assertThat(store.capacity(1, DAY, 1)).containsExactly(new BucketCapacity(new Bucket(1, PFZ, DAY, Bucket.SHARED), 1, 1));
    }

    // --- changing ---------------------------------------------------------------------------------

    @Test
    public void movingDoseOneReplansDoseTwoAndGivesTheOldPlacesBackAtOnce() {
        givenPfizerAtClinicOne();
        capacity(1, PFZ, DAY, DAY.plusDays(9), 1);
        Reservation before = booked(book(1, 1, DAY));
        assertThat(before.dose2Day()).isEqualTo(DAY.plusDays(3));

        ChangeOutcome moved = store.change(new ChangeRequest.MoveDose1(1, 1, DAY.plusDays(2), PFZ, Bucket.SHARED), "move-1", NOW.plusSeconds(60));

        Reservation after = new Reservation(before.reference(), 1, 1, "Alpha Clinic", PFZ, DAY.plusDays(2), DAY.plusDays(5),
                NOW, NOW.plusSeconds(60));
        assertThat(moved).isEqualTo(new ChangeOutcome.Changed(after));
        assertThat(store.active(1)).contains(after);
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(1);
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(1);
        assertThat(remaining(1, DAY.plusDays(2), PFZ)).isZero();
        assertThat(remaining(1, DAY.plusDays(5), PFZ)).isZero();
        assertThat(booked(book(2, 1, DAY)).dose2Day()).isEqualTo(DAY.plusDays(3));
    }

    @Test
    public void movingDoseOneCountsThePlacesItGivesUpAsFree() {
        givenPfizerAtClinicOne();
        capacity(1, PFZ, DAY, DAY.plusDays(9), 1);
        Reservation before = booked(book(1, 1, DAY));

        ChangeOutcome moved = store.change(new ChangeRequest.MoveDose1(1, 1, DAY.plusDays(1), PFZ, Bucket.SHARED), null, NOW);

        assertThat(moved).isInstanceOfSatisfying(ChangeOutcome.Changed.class, c -> {
            assertThat(c.reservation().dose1Day()).isEqualTo(DAY.plusDays(1));
            assertThat(c.reservation().dose2Day()).isEqualTo(DAY.plusDays(4));
            assertThat(c.reservation().reference()).isEqualTo(before.reference());
        });
    }

    @Test
    public void aMoveToAFullDayChangesNothing() {
        givenPfizerAtClinicOne();
        capacity(1, PFZ, DAY, DAY.plusDays(9), 1);
        Reservation mine = booked(book(1, 1, DAY));
        booked(book(2, 1, DAY.plusDays(1)));

        assertThat(store.change(new ChangeRequest.MoveDose1(1, 1, DAY.plusDays(1), PFZ, Bucket.SHARED), null, NOW))
                .isEqualTo(new BookingOutcome.DayFull(1, DAY.plusDays(1), PFZ));
        assertThat(store.change(new ChangeRequest.MoveDose1(1, 99, DAY.plusDays(1), PFZ, Bucket.SHARED), null, NOW))
                .isEqualTo(new BookingOutcome.NotOffered(99, PFZ));
        assertThat(store.active(1)).contains(mine);
        assertThat(remaining(1, DAY, PFZ)).isZero();
    }

    @Test
    public void doseTwoMovesWithinItsIntervalOnly() {
        givenPfizerAtClinicOne();
        capacity(1, PFZ, DAY, DAY.plusDays(9), 1);
        Reservation before = booked(book(1, 1, DAY));
        booked(book(2, 1, DAY.plusDays(1))); // takes DAY+4 for dose 2

        assertThat(store.change(new ChangeRequest.MoveDose2(1, DAY.plusDays(6), Bucket.SHARED), null, NOW))
                .isEqualTo(new ChangeOutcome.OutsideInterval(DAY.plusDays(3), DAY.plusDays(5)));
        assertThat(store.change(new ChangeRequest.MoveDose2(1, DAY.plusDays(4), Bucket.SHARED), null, NOW))
                .isEqualTo(new BookingOutcome.DayFull(1, DAY.plusDays(4), PFZ));
        ChangeOutcome moved = store.change(new ChangeRequest.MoveDose2(1, DAY.plusDays(5), Bucket.SHARED), "d2", NOW.plusSeconds(5));

        assertThat(moved).isEqualTo(new ChangeOutcome.Changed(new Reservation(before.reference(), 1, 1, "Alpha Clinic", PFZ, DAY,
                DAY.plusDays(5), NOW, NOW.plusSeconds(5))));
        assertThat(remaining(1, DAY.plusDays(3), PFZ)).isEqualTo(1);
        assertThat(remaining(1, DAY.plusDays(5), PFZ)).isZero();
        assertThat(store.change(new ChangeRequest.MoveDose2(1, DAY.plusDays(5), Bucket.SHARED), "d2", NOW.plusSeconds(9))).isEqualTo(moved);
        assertThat(store.change(new ChangeRequest.MoveDose2(1, DAY.plusDays(3), Bucket.SHARED), "d2", NOW))
                .isEqualTo(new BookingOutcome.KeyReused("d2"));
    }

    @Test
    public void someoneWithoutAReservationHasNothingToChange() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 1);

        assertThat(store.change(new ChangeRequest.MoveDose1(1, 1, DAY, PFZ, Bucket.SHARED), null, NOW))
                .isEqualTo(new ChangeOutcome.NothingToChange());
        assertThat(store.change(new ChangeRequest.MoveDose2(1, DAY.plusDays(3), Bucket.SHARED), null, NOW))
                .isEqualTo(new ChangeOutcome.NothingToChange());
    }

    @Test
    public void aRetriedCancellationGetsTheFirstAnswerAndTheKeyBelongsToIt() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 1);
        Reservation r = booked(book(1, 1, DAY));

        assertThat(store.cancel(1, "bye", NOW)).isEqualTo(new CancelOutcome.Cancelled(r));
        assertThat(store.cancel(1, "bye", NOW)).isEqualTo(new CancelOutcome.Cancelled(r));
        assertThat(store.cancel(1, "bye-2", NOW)).isEqualTo(new CancelOutcome.NothingToCancel());
        assertThat(store.book(request(1, 1, DAY, PFZ), "bye", reference(), NOW)).isEqualTo(new BookingOutcome.KeyReused("bye"));
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(1);
    }

    @Test
    public void theFirstAnswerIsRememberedUnderItsKey() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 1);
        BookingRequest request = request(1, 1, DAY, PFZ);
        Reservation r = booked(store.book(request, "k", "OR-KEPT", NOW));

        assertThat(store.remembered(1, "k")).contains(new Remembered(request.fingerprint(), new BookingOutcome.Booked(r)));
        assertThat(store.remembered(1, "other")).isEmpty();
        assertThat(store.remembered(2, "k")).isEmpty();
    }

    // --- rotation groups --------------------------------------------------------------------------

    @Test
    public void aSplitDayKeepsEachGroupsPlacesForThatGroup() {
        givenPfizerAtClinicOne();
        store.setCapacity(List.of(
                new CapacitySetting(new Bucket(1, PFZ, DAY, 3), 1),
                new CapacitySetting(new Bucket(1, PFZ, DAY, 5), 1),
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(3), Bucket.SHARED), 10)));

        assertThat(store.book(new BookingRequest(1, 1, DAY, PFZ, 7), null, reference(), NOW)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(store.book(new BookingRequest(2, 1, DAY, PFZ, Bucket.SHARED), null, reference(), NOW))
                .isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(store.book(new BookingRequest(3, 1, DAY, PFZ, 3), null, reference(), NOW)).isInstanceOf(BookingOutcome.Booked.class);
        assertThat(store.book(new BookingRequest(4, 1, DAY, PFZ, 3), null, reference(), NOW)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));
        assertThat(store.book(new BookingRequest(5, 1, DAY, PFZ, 5), null, reference(), NOW)).isInstanceOf(BookingOutcome.Booked.class);

        assertThat(store.capacity(1, DAY, 1)).containsExactly(
                new BucketCapacity(new Bucket(1, PFZ, DAY, 3), 1, 1), new BucketCapacity(new Bucket(1, PFZ, DAY, 5), 1, 1));
    }

    @Test
    public void aPersonTakesTheirGroupsPlaceFirstThenASharedOne() {
        givenPfizerAtClinicOne();
        store.setCapacity(List.of(
                new CapacitySetting(new Bucket(1, PFZ, DAY, Bucket.SHARED), 1),
                new CapacitySetting(new Bucket(1, PFZ, DAY, 4), 1),
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(3), Bucket.SHARED), 10)));

        booked(store.book(new BookingRequest(1, 1, DAY, PFZ, 4), null, reference(), NOW));
        assertThat(store.capacity(1, DAY, 1)).containsExactly(
                new BucketCapacity(new Bucket(1, PFZ, DAY, Bucket.SHARED), 1, 0), new BucketCapacity(new Bucket(1, PFZ, DAY, 4), 1, 1));
        booked(store.book(new BookingRequest(2, 1, DAY, PFZ, 4), null, reference(), NOW));
        assertThat(store.book(new BookingRequest(3, 1, DAY, PFZ, 4), null, reference(), NOW)).isEqualTo(new BookingOutcome.DayFull(1, DAY, PFZ));

        store.cancel(1, NOW);
        assertThat(store.capacity(1, DAY, 1)).containsExactly(
                new BucketCapacity(new Bucket(1, PFZ, DAY, Bucket.SHARED), 1, 1), new BucketCapacity(new Bucket(1, PFZ, DAY, 4), 1, 0));
    }

    @Test
    public void searchForAGroupCountsOnlyThePlacesItMayTake() {
        givenPfizerAtClinicOne();
        store.setCapacity(List.of(
                new CapacitySetting(new Bucket(1, PFZ, DAY, Bucket.SHARED), 2),
                new CapacitySetting(new Bucket(1, PFZ, DAY, 1), 3),
                new CapacitySetting(new Bucket(1, PFZ, DAY, 2), 4),
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(1), 2), 5)));

        assertThat(store.search("Seoul", null, DAY, 2, 1).getFirst().days()).containsExactly(new DayAvailability(DAY, PFZ, 5, 5));
        assertThat(store.search("Seoul", null, DAY, 2, 2).getFirst().days())
                .containsExactly(new DayAvailability(DAY, PFZ, 6, 6), new DayAvailability(DAY.plusDays(1), PFZ, 5, 5));
        assertThat(store.search("Seoul", null, DAY, 2).getFirst().days())
                .containsExactly(new DayAvailability(DAY, PFZ, 9, 9), new DayAvailability(DAY.plusDays(1), PFZ, 5, 5));
    }

    @Test
    public void searchBucketsListsEachBucketWithItsOwnCountsInDayProductGroupOrder() {
        givenPfizerAtClinicOne();
        store.saveProduct(new Product(MOD, "Moderna", 3, 5));
        store.saveClinic(clinic(2, "Beta Clinic", "Seoul", "Jongno", PFZ, MOD));
        store.setCapacity(List.of(
                new CapacitySetting(new Bucket(1, PFZ, DAY, 2), 4),
                new CapacitySetting(new Bucket(1, PFZ, DAY, Bucket.SHARED), 2),
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(1), 2), 5),
                new CapacitySetting(new Bucket(2, MOD, DAY, Bucket.SHARED), 3),
                new CapacitySetting(new Bucket(2, PFZ, DAY, 7), 1),
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(2), Bucket.SHARED), 9), // outside the two days
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(3), Bucket.SHARED), 1))); // dose 2
        assertThat(store.book(new BookingRequest(10, 1, DAY, PFZ, 2), null, reference(), NOW)).isInstanceOf(BookingOutcome.Booked.class);

        List<ClinicBuckets> found = store.searchBuckets("Seoul", "Jongno", DAY, 2);

        assertThat(found).extracting(c -> c.clinic().id()).containsExactly(1L, 2L);
        assertThat(found.get(0).buckets()).containsExactly(
                new BucketCapacity(new Bucket(1, PFZ, DAY, Bucket.SHARED), 2, 0),
                new BucketCapacity(new Bucket(1, PFZ, DAY, 2), 4, 1),
                new BucketCapacity(new Bucket(1, PFZ, DAY.plusDays(1), 2), 5, 0));
        assertThat(found.get(1).buckets()).containsExactly(
                new BucketCapacity(new Bucket(2, MOD, DAY, Bucket.SHARED), 3, 0),
                new BucketCapacity(new Bucket(2, PFZ, DAY, 7), 1, 0));
        for (int group = Bucket.EVERY_GROUP; group <= 9; group++) {
            assertThat(ClinicBuckets.availableTo(found, group)).as("group %d", group).isEqualTo(store.search("Seoul", "Jongno", DAY, 2, group));
        }
    }

    // --- capacity and catalogue rules ---------------------------------------------------------------

    @Test
    public void capacitySettingsApplyAllOrNone() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 2);
        booked(book(1, 1, DAY));
        booked(book(2, 1, DAY));

        assertThatThrownBy(() -> store.setCapacity(List.of(
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(1), Bucket.SHARED), 9),
                new CapacitySetting(new Bucket(1, PFZ, DAY, Bucket.SHARED), 1))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.setCapacity(List.of(
                new CapacitySetting(new Bucket(1, PFZ, DAY.plusDays(1), Bucket.SHARED), 9),
                new CapacitySetting(new Bucket(1, MOD, DAY, Bucket.SHARED), 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not offer " + MOD);

        assertThat(store.capacity(1, DAY.plusDays(1), 1)).isEmpty();
        assertThat(dayAvailability(1, DAY, PFZ)).isEqualTo(new DayAvailability(DAY, PFZ, 2, 0));
    }

    @Test
    public void aClinicCannotStopOfferingAProductItHasBookingsFor() {
        givenPfizerAtClinicOne();
        store.saveProduct(new Product(MOD, "Moderna", 3, 5));
        openDayAndInterval(1, PFZ, 2);
        booked(book(1, 1, DAY));

        assertThatThrownBy(() -> store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", MOD)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(PFZ);
        assertThat(store.clinic(1).orElseThrow().products()).containsExactly(PFZ);

        store.cancel(1, NOW);
        store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", MOD));
        assertThat(store.clinic(1).orElseThrow().products()).containsExactly(MOD);
    }

    @Test
    public void aTakenReferenceIsRefusedAndChangesNothing() {
        givenPfizerAtClinicOne();
        openDayAndInterval(1, PFZ, 5);
        booked(store.book(request(1, 1, DAY, PFZ), null, "OR-TWICE", NOW));

        assertThatThrownBy(() -> store.book(request(2, 1, DAY, PFZ), "k", "OR-TWICE", NOW)).isInstanceOf(ReferenceInUseException.class);

        assertThat(store.active(2)).isEmpty();
        assertThat(store.remembered(2, "k")).isEmpty();
        assertThat(remaining(1, DAY, PFZ)).isEqualTo(4);
        assertThat(booked(store.book(request(2, 1, DAY, PFZ), "k", "OR-OTHER", NOW)).reference()).isEqualTo("OR-OTHER");
    }

    // --- helpers --------------------------------------------------------------------------------

    /** Pfizer (dose 2 three to five days after dose 1) at clinic 1, "Alpha Clinic", Seoul Jongno. */
    protected void givenPfizerAtClinicOne() {
        store.saveProduct(new Product(PFZ, "Pfizer-BioNTech", 3, 5));
        store.saveClinic(clinic(1, "Alpha Clinic", "Seoul", "Jongno", PFZ));
    }

    /** {@code places} on {@link #DAY} and on each day of a 3-5 day dose-2 interval. */
    private void openDayAndInterval(long clinicId, String product, int places) {
        store.setCapacity(clinicId, DAY, product, places);
        capacity(clinicId, product, DAY.plusDays(3), DAY.plusDays(5), places);
    }

    private void capacity(long clinicId, String product, LocalDate from, LocalDate toInclusive, int places) {
        for (LocalDate d = from; !d.isAfter(toInclusive); d = d.plusDays(1)) {
            store.setCapacity(clinicId, d, product, places);
        }
    }

    protected static Clinic clinic(long id, String name, String province, String district, String... products) {
        return new Clinic(id, name, province, district, id + " " + name + " street", Set.of(products));
    }

    protected static BookingRequest request(long personId, long clinicId, LocalDate day, String product) {
        return new BookingRequest(personId, clinicId, day, product);
    }

    /** A new booking attempt (a fresh key each time). */
    private BookingOutcome book(long personId, long clinicId, LocalDate day) {
        return store.book(request(personId, clinicId, day, PFZ), "key-" + personId + "-" + day + "-" + references.incrementAndGet(),
                reference(), NOW);
    }

    /** A reference no other booking in this store has. */
    protected String reference() {
        return "OR-T" + references.incrementAndGet();
    }

    private static Reservation booked(BookingOutcome outcome) {
        assertThat(outcome).isInstanceOf(BookingOutcome.Booked.class);
        return ((BookingOutcome.Booked) outcome).reservation();
    }

    private int remaining(long clinicId, LocalDate day, String product) {
        return dayAvailability(clinicId, day, product).remaining();
    }

    /** What {@link BookingStore#search} says of one clinic-day-product; fails when it says nothing. */
    private DayAvailability dayAvailability(long clinicId, LocalDate day, String product) {
        Clinic clinic = store.clinic(clinicId).orElseThrow(() -> new AssertionError("no clinic " + clinicId));
        List<DayAvailability> found = store.search(clinic.province(), clinic.district(), day, 1).stream()
                .filter(a -> a.clinic().id() == clinicId)
                .flatMap(a -> a.days().stream())
                .filter(d -> d.day().equals(day) && d.product().equals(product))
                .toList();
        assertThat(found).as("availability of clinic %d %s on %s", clinicId, product, day).hasSize(1);
        return found.get(0);
    }
}
