package dev.orderly.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.InMemoryBookingStore;
import dev.orderly.booking.Product;
import dev.orderly.booking.Reservation;
import dev.orderly.registry.Person;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The desk's rules: the right clinic, the right day (Seoul), once, dose 1 before dose 2, no-shows after the day. */
class ClinicDeskTest {

    // 2021-08-16 09:00 in Seoul.
    private static final Instant MORNING = Instant.parse("2021-08-16T00:00:00Z");
    private static final LocalDate TODAY = LocalDate.of(2021, 8, 16);

    private final InMemoryBookingStore booking = new InMemoryBookingStore();
    private final Map<Long, Person> people = new HashMap<>();
    private final InMemoryClinicStore store = new InMemoryClinicStore(booking, id -> Optional.ofNullable(people.get(id)));
    private Reservation today;
    private Reservation yesterday;

    private ClinicDesk deskAt(Instant at) {
        return new ClinicDesk(store, Clock.fixed(at, ZoneOffset.UTC));
    }

    @BeforeEach
    void setUp() {
        booking.saveProduct(new Product("PFZ", "Pfizer", 3, 5));
        booking.saveClinic(new Clinic(1, "One", "Seoul", "Jongno", "1", Set.of("PFZ")));
        booking.saveClinic(new Clinic(2, "Two", "Seoul", "Jongno", "2", Set.of("PFZ")));
        for (int d = -1; d <= 10; d++) {
            booking.setCapacity(1, TODAY.plusDays(d), "PFZ", 5);
        }
        people.put(1L, new Person(1, "김철수", LocalDate.of(1962, 3, 4), "01011112222"));
        people.put(2L, new Person(2, "이영희", LocalDate.of(1963, 5, 6), "01033334444"));
        people.put(3L, new Person(3, "김철수", LocalDate.of(1962, 3, 4), "01055556666"));
        today = booked(1, TODAY);
        yesterday = booked(2, TODAY.minusDays(1));
    }

    private Reservation booked(long person, LocalDate day) {
        return ((BookingOutcome.Booked) booking.book(new BookingRequest(person, 1, day, "PFZ"), null, "OR-D" + person, MORNING.minusSeconds(86_400 * 3)))
                .reservation();
    }

    private static Refusal refusal(DeskOutcome o) {
        return o instanceof DeskOutcome.Refused r ? r.why() : null;
    }

    @Test
    void aPersonIsCheckedInByReferenceOrByNameAndBirthDateOnTheirDayAtTheirClinicOnly() {
        ClinicDesk desk = deskAt(MORNING);
        assertThat(refusal(desk.checkIn(2, new ClinicDesk.Lookup.ByReference(today.reference(), 0), "kim"))).isEqualTo(Refusal.WRONG_CLINIC);
        assertThat(refusal(desk.checkIn(1, new ClinicDesk.Lookup.ByReference(yesterday.reference(), 1), "kim"))).isEqualTo(Refusal.WRONG_DAY);
        assertThat(refusal(desk.checkIn(1, new ClinicDesk.Lookup.ByReference("OR-NOPE", 0), "kim"))).isEqualTo(Refusal.UNKNOWN_APPOINTMENT);
        assertThat(refusal(desk.checkIn(1, new ClinicDesk.Lookup.ByPerson("김철수", LocalDate.of(1962, 3, 5)), "kim")))
                .isEqualTo(Refusal.UNKNOWN_APPOINTMENT);

        DeskOutcome in = desk.checkIn(1, new ClinicDesk.Lookup.ByPerson("김 철수", LocalDate.of(1962, 3, 4)), "kim");

        assertThat(in).isInstanceOf(DeskOutcome.Done.class);
        assertThat(((DeskOutcome.Done) in).appointment().status()).isEqualTo(VisitStatus.CHECKED_IN);
        assertThat(refusal(desk.checkIn(1, new ClinicDesk.Lookup.ByReference(today.reference().toLowerCase(), 0), "lee")))
                .isEqualTo(Refusal.VISIT_RECORDED);
        booked(3, TODAY);
        assertThat(refusal(desk.checkIn(1, new ClinicDesk.Lookup.ByPerson("김철수", LocalDate.of(1962, 3, 4)), "kim")))
                .isEqualTo(Refusal.AMBIGUOUS_PERSON);
    }

    @Test
    void aDoseIsGivenOnceWithTheBookedVaccineAndItsNumberAndDose2CompletesThePerson() {
        ClinicDesk desk = deskAt(MORNING);
        assertThat(refusal(desk.give(1, today.reference(), 1, "AZ", "LOT1", 1, "nurse"))).isEqualTo(Refusal.WRONG_PRODUCT);
        assertThat(refusal(desk.give(1, today.reference(), 1, "PFZ", "LOT1", 2, "nurse"))).isEqualTo(Refusal.WRONG_DOSE);
        DeskOutcome d1 = desk.give(1, today.reference(), 1, "PFZ", "LOT1", 1, "nurse");
        assertThat(d1).isEqualTo(new DeskOutcome.Done(((DeskOutcome.Done) d1).appointment(), false));
        assertThat(((DeskOutcome.Done) d1).appointment().visit().checkedIn()).isPresent();
        assertThat(refusal(desk.give(1, today.reference(), 1, "PFZ", "LOT1", 1, "nurse"))).isEqualTo(Refusal.ALREADY_GIVEN);
        assertThat(refusal(desk.give(1, today.reference(), 2, "PFZ", "LOT2", 2, "nurse"))).isEqualTo(Refusal.WRONG_DAY);

        ClinicDesk later = deskAt(MORNING.plusSeconds(86_400L * (today.dose2Day().toEpochDay() - TODAY.toEpochDay())));
        DeskOutcome d2 = later.give(1, today.reference(), 2, "PFZ", "LOT2", 2, "nurse");

        assertThat(((DeskOutcome.Done) d2).completed()).isTrue();
    }

    @Test
    void dose2WithoutDose1IsRefused() {
        ClinicDesk then = deskAt(MORNING.plusSeconds(86_400L * (yesterday.dose2Day().toEpochDay() - TODAY.toEpochDay())));
        assertThat(refusal(then.give(1, yesterday.reference(), 2, "PFZ", "LOT2", 2, "nurse"))).isEqualTo(Refusal.DOSE1_NOT_GIVEN);
    }

    @Test
    void aNoShowIsRecordedOnlyAfterTheDayInSeoulAndNeverForWhoCameOrWasCancelled() {
        // 23:59 in Seoul on the day itself: not over yet.
        ClinicDesk lateEvening = deskAt(Instant.parse("2021-08-16T14:59:00Z"));
        assertThat(refusal(lateEvening.noShow(1, today.reference(), 1, "kim"))).isEqualTo(Refusal.DAY_NOT_OVER);
        ClinicDesk nextMorning = deskAt(Instant.parse("2021-08-16T15:01:00Z"));
        assertThat(refusal(nextMorning.noShow(2, today.reference(), 1, "kim"))).isEqualTo(Refusal.WRONG_CLINIC);

        DeskOutcome o = nextMorning.noShow(1, today.reference(), 1, "kim");

        assertThat(((DeskOutcome.Done) o).appointment().status()).isEqualTo(VisitStatus.NO_SHOW);
        assertThat(refusal(nextMorning.noShow(1, today.reference(), 1, "kim"))).isEqualTo(Refusal.VISIT_RECORDED);
        booking.cancel(2, MORNING);
        assertThat(refusal(nextMorning.noShow(1, yesterday.reference(), 1, "kim"))).isEqualTo(Refusal.CANCELLED);
    }

    @Test
    void onlyTodayOrALaterDayCanBeClosedAndOnlyOnce() {
        ClinicDesk desk = deskAt(MORNING);
        assertThat(desk.close(1, TODAY.minusDays(1), "휴진", "closed", "chief")).isInstanceOf(ClinicDesk.CloseOutcome.Refused.class);
        assertThat(desk.close(1, TODAY, "휴진", "closed", "chief")).isInstanceOf(ClinicDesk.CloseOutcome.Closed.class);
        ClinicDesk.CloseOutcome again = desk.close(1, TODAY, "휴진", "closed", "chief");
        assertThat(((ClinicDesk.CloseOutcome.Refused) again).why()).isEqualTo(Refusal.DAY_CLOSED);
        assertThat(booking.active(1)).map(Reservation::dose1Day).contains(TODAY.plusDays(1));
    }
}
