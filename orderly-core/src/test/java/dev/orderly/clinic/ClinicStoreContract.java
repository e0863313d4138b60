package dev.orderly.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.Product;
import dev.orderly.booking.Reservation;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ClinicStore} promises, run against each adapter by a subclass that says how
 * to make an empty booking store with its clinic store, how to add a resident and how to read the
 * messages queued for a reference.
 */
public abstract class ClinicStoreContract {

    protected static final LocalDate TODAY = LocalDate.of(2021, 8, 16);
    protected static final Instant NOW = Instant.parse("2021-08-16T01:00:00Z");
    protected static final String PFZ = "PFZ";

    /** A booking store and the clinic store over it, both empty. */
    public record Stores(BookingStore booking, ClinicStore clinic) {
    }

    protected abstract Stores newStores();

    protected abstract void addResident(long id, String name, LocalDate birthDate);

    /** The kinds of the messages queued for {@code reference}, oldest first. */
    protected abstract List<String> messageKinds(String reference);

    private BookingStore booking;
    private ClinicStore clinic;

    @BeforeEach
    void empty() {
        Stores s = newStores();
        booking = s.booking();
        clinic = s.clinic();
        booking.saveProduct(new Product(PFZ, "Pfizer", 3, 5));
        booking.saveClinic(new Clinic(1, "One", "Seoul", "Jongno", "1 Road", Set.of(PFZ)));
        booking.saveClinic(new Clinic(2, "Two", "Seoul", "Jongno", "2 Road", Set.of(PFZ)));
        for (int i = 1; i <= 12; i++) {
            addResident(i, "김민수" + (char) ('가' + i), LocalDate.of(1960, 1, i));
        }
    }

    private void capacity(long clinicId, int fromDay, int toDay, int places) {
        for (int d = fromDay; d <= toDay; d++) {
            booking.setCapacity(clinicId, TODAY.plusDays(d), PFZ, places);
        }
    }

    private Reservation book(long person, long clinicId, int day) {
        BookingOutcome o = booking.book(new BookingRequest(person, clinicId, TODAY.plusDays(day), PFZ), null, "OR-T" + person + "C" + clinicId,
                NOW.plusSeconds(person));
        assertThat(o).isInstanceOf(BookingOutcome.Booked.class);
        return ((BookingOutcome.Booked) o).reservation();
    }

    private Stamp stamp(String by) {
        return new Stamp(NOW.plusSeconds(3600), by);
    }

    @Test
    public void theDayListsEveryAppointmentActiveOrCancelledWithNameAndBirthDate() {
        capacity(1, 0, 10, 5);
        Reservation a = book(1, 1, 0);
        Reservation b = book(2, 1, 0);
        booking.cancel(2, NOW.plusSeconds(100));

        List<Appointment> day = clinic.day(1, TODAY);

        assertThat(day).extracting(Appointment::reference).containsExactly(a.reference(), b.reference());
        assertThat(day.get(0).name()).isEqualTo("김민수각");
        assertThat(day.get(0).maskedName()).isEqualTo("김**각");
        assertThat(day.get(0).birthDate()).isEqualTo(LocalDate.of(1960, 1, 1));
        assertThat(day.get(0).status()).isEqualTo(VisitStatus.BOOKED);
        assertThat(day.get(1).status()).isEqualTo(VisitStatus.CANCELLED);
        assertThat(clinic.day(1, a.dose2Day())).extracting(Appointment::dose).contains(2);
        assertThat(clinic.day(2, TODAY)).isEmpty();
        assertThat(clinic.appointment(a.reference(), 2)).map(Appointment::day).contains(a.dose2Day());
        assertThat(clinic.appointment("OR-NOBODY", 1)).isEmpty();
    }

    @Test
    public void aVisitIsRecordedOnceAndTheSecondOfTwoDesksLoses() {
        capacity(1, 0, 10, 5);
        Reservation a = book(1, 1, 0);
        Appointment ap = clinic.appointment(a.reference(), 1).orElseThrow();

        Optional<Appointment> in = clinic.checkIn(ap, stamp("desk-1"));
        assertThat(in).map(Appointment::status).contains(VisitStatus.CHECKED_IN);
        assertThat(clinic.checkIn(ap, stamp("desk-2"))).isEmpty();

        DoseGiven given = new DoseGiven(stamp("nurse"), PFZ, "FK1234", 1);
        Optional<Appointment> done = clinic.give(ap, given);
        assertThat(done).map(Appointment::status).contains(VisitStatus.GIVEN);
        assertThat(clinic.give(ap, given)).isEmpty();
        assertThat(clinic.noShow(ap, stamp("desk-1"))).isEmpty();
        Appointment stored = clinic.appointment(a.reference(), 1).orElseThrow();
        assertThat(stored.visit().given()).contains(given);
        assertThat(stored.visit().checkedIn().map(Stamp::by)).contains("desk-1");
    }

    @Test
    public void nothingIsRecordedForAnAppointmentThatMovedOrWasCancelled() {
        capacity(1, 0, 10, 5);
        Reservation a = book(1, 1, 0);
        Reservation b = book(2, 1, 0);
        Appointment apA = clinic.appointment(a.reference(), 1).orElseThrow();
        Appointment apB = clinic.appointment(b.reference(), 1).orElseThrow();
        booking.change(new dev.orderly.booking.ChangeRequest.MoveDose1(1, 1, TODAY.plusDays(1), PFZ, Bucket.SHARED), null, NOW.plusSeconds(50));
        booking.cancel(2, NOW.plusSeconds(60));

        assertThat(clinic.checkIn(apA, stamp("desk"))).isEmpty();
        assertThat(clinic.noShow(apB, stamp("desk"))).isEmpty();
        assertThat(clinic.day(1, TODAY.plusDays(1))).extracting(Appointment::reference).containsExactly(a.reference());
    }

    @Test
    public void closingADayMovesEveryoneToTheNearestLaterDayWithRoomAndKeepsTheCountsExact() {
        capacity(1, 0, 0, 3);
        capacity(1, 1, 1, 1);
        capacity(1, 2, 10, 2);
        Reservation a = book(1, 1, 0);
        Reservation b = book(2, 1, 0);
        Reservation c = book(3, 1, 0);

        ClinicStore.Closing closing = clinic.close(1, TODAY, "직원 병가", "staff ill", stamp("chief"), TODAY);

        assertThat(closing).isInstanceOf(ClinicStore.Closing.Closed.class);
        ClosedDay day = ((ClinicStore.Closing.Closed) closing).day();
        assertThat(day.moved()).isEqualTo(3);
        assertThat(day.cancelled()).isZero();
        // Earliest booked first: the one place of day 1 goes to the first booked, the next two to day 2.
        assertThat(booking.active(1)).map(Reservation::dose1Day).contains(TODAY.plusDays(1));
        assertThat(booking.active(2)).map(Reservation::dose1Day).contains(TODAY.plusDays(2));
        assertThat(booking.active(3)).map(Reservation::dose1Day).contains(TODAY.plusDays(2));
        for (long p = 1; p <= 3; p++) {
            Reservation r = booking.active(p).orElseThrow();
            assertThat(r.dose2Day()).isBetween(r.dose1Day().plusDays(3), r.dose1Day().plusDays(5));
        }
        assertThat(booking.checkIntegrity().isClean()).as(booking.checkIntegrity().toString()).isTrue();
        assertThat(booking.capacity(1, TODAY, 1)).extracting(BucketCapacity::capacity, BucketCapacity::booked).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, 0));
        assertThat(messageKinds(a.reference())).endsWith(DayClosing.MOVED);
        assertThat(messageKinds(b.reference())).endsWith(DayClosing.MOVED);
        assertThat(messageKinds(c.reference())).endsWith(DayClosing.MOVED);
        assertThat(clinic.closed(1, TODAY)).contains(day);
        assertThat(clinic.day(1, TODAY)).isEmpty();
    }

    @Test
    public void aClosedDayTakesNoBookingAndClosesOnce() {
        capacity(1, 0, 10, 3);
        clinic.close(1, TODAY.plusDays(1), "휴진", "closed", stamp("chief"), TODAY);

        assertThat(booking.book(new BookingRequest(5, 1, TODAY.plusDays(1), PFZ), null, "OR-LATE5", NOW))
                .isInstanceOf(BookingOutcome.DayFull.class);
        assertThat(clinic.close(1, TODAY.plusDays(1), "휴진", "closed", stamp("other"), TODAY))
                .isInstanceOf(ClinicStore.Closing.AlreadyClosed.class);
    }

    @Test
    public void whoFindsNoDayWithRoomIsCancelledAndTold() {
        capacity(1, 0, 0, 2);
        capacity(1, 3, 5, 1);
        Reservation a = book(1, 1, 0);
        Reservation b = book(2, 1, 0);

        ClinicStore.Closing closing = clinic.close(1, TODAY, "백신 미도착", "no delivery", stamp("chief"), TODAY);

        ClosedDay day = ((ClinicStore.Closing.Closed) closing).day();
        // Day 3 has one place and its dose 2 would need days 6-8, which have none: nobody can move.
        assertThat(day.moved()).isZero();
        assertThat(day.cancelled()).isEqualTo(2);
        assertThat(booking.active(1)).isEmpty();
        assertThat(booking.active(2)).isEmpty();
        assertThat(messageKinds(a.reference())).endsWith(DayClosing.CANCELLED);
        assertThat(messageKinds(b.reference())).endsWith(DayClosing.CANCELLED);
        assertThat(booking.checkIntegrity().isClean()).isTrue();
        assertThat(clinic.day(1, TODAY)).extracting(Appointment::status).containsOnly(VisitStatus.CANCELLED);
    }

    @Test
    public void aDose2OnTheClosedDayMovesWithinTheIntervalAndAGivenDoseStays() {
        capacity(1, 0, 10, 2);
        Reservation a = book(1, 1, 0);
        Reservation b = book(2, 1, 0);
        clinic.give(clinic.appointment(b.reference(), 1).orElseThrow(), new DoseGiven(stamp("nurse"), PFZ, "LOT-1", 1));
        LocalDate dose2 = a.dose2Day();

        clinic.close(1, dose2, "휴진", "closed", stamp("chief"), TODAY);
        ClinicStore.Closing today = clinic.close(1, TODAY, "오후 휴진", "closed at noon", stamp("chief"), TODAY);

        Reservation moved = booking.active(1).orElseThrow();
        assertThat(moved.dose2Day()).isNotEqualTo(dose2).isBetween(moved.dose1Day().plusDays(3), moved.dose1Day().plusDays(5));
        ClosedDay closedToday = ((ClinicStore.Closing.Closed) today).day();
        assertThat(closedToday.kept()).isEqualTo(1);
        assertThat(booking.active(2)).map(Reservation::dose1Day).contains(TODAY);
        assertThat(booking.capacity(1, TODAY, 1)).extracting(BucketCapacity::capacity).containsExactly(1);
        assertThat(booking.checkIntegrity().isClean()).isTrue();
    }

    @Test
    public void theUnattendedAreTheActiveAppointmentsOfTheDayWithNothingRecordedPerClinicAndProduct() {
        capacity(1, 0, 10, 5);
        capacity(2, 0, 10, 5);
        Reservation waiting = book(1, 1, 0);
        Reservation checkedIn = book(2, 1, 0);
        Reservation given = book(3, 1, 0);
        book(4, 1, 0);
        booking.cancel(4, NOW.plusSeconds(100));
        book(5, 2, 0);
        book(6, 2, 1);
        assertThat(clinic.checkIn(clinic.appointment(checkedIn.reference(), 1).orElseThrow(), stamp("desk"))).isPresent();
        assertThat(clinic.give(clinic.appointment(given.reference(), 1).orElseThrow(), new DoseGiven(stamp("nurse"), PFZ, "FK1", 1)))
                .isPresent();

        assertThat(clinic.unattended(TODAY)).containsExactly(new Unattended(1, PFZ, 1), new Unattended(2, PFZ, 1));
        assertThat(clinic.unattended(waiting.dose2Day())).as("dose 2 appointments count too").extracting(Unattended::clinicId).contains(1L);
        assertThat(clinic.unattended(TODAY.minusDays(1))).isEmpty();
    }
}
