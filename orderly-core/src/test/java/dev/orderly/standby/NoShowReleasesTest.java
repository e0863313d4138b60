package dev.orderly.standby;

import static dev.orderly.standby.StandbyFixture.PFZ;
import static dev.orderly.standby.StandbyFixture.TODAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.InMemoryBookingStore;
import dev.orderly.clinic.Appointment;
import dev.orderly.clinic.InMemoryClinicStore;
import dev.orderly.clinic.Stamp;
import dev.orderly.time.SeoulCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Releases from no-shows on a driven clock: nothing before the set time; at it, the doses of the
 * day's appointments with nothing recorded go to the standby list as one release by
 * {@code system} per clinic and vaccine, offered in join order; never a second time that day, on
 * this node or another; again the next day.
 */
class NoShowReleasesTest {

    private static final LocalTime AFTER = LocalTime.of(16, 0);
    private static final LocalDate DAY = TODAY.plusDays(1);

    private final InMemoryBookingStore bookings = new InMemoryBookingStore();
    private final StandbyFixture f = new StandbyFixture(bookings, new InMemoryStandbyStore(bookings), 6, 7);
    private final InMemoryClinicStore clinics = new InMemoryClinicStore(bookings, id -> f.registry.byId(id));
    private final List<StandbyService.ReleaseOutcome.Released> audited = new ArrayList<>();

    private NoShowReleases node() {
        return new NoShowReleases(clinics, f.service, f.clock, AFTER, audited::add);
    }

    private static Instant at(LocalDate day, int hour, int minute) {
        return SeoulCalendar.startOf(day).plus(Duration.ofHours(hour).plusMinutes(minute));
    }

    private int capacityOn(LocalDate day) {
        return bookings.capacity(1, day, 1).stream().filter(b -> b.bucket().product().equals(PFZ)).mapToInt(b -> b.capacity()).sum();
    }

    @Test
    void atTheSetTimeTheDayUnattendedDosesGoToTheStandbyListOnceInJoinOrder() {
        // People 1-3 booked for tomorrow at clinic 1; people 4-6 wait on the standby list.
        f.booksElsewhere(1);
        f.booksElsewhere(2);
        f.booksElsewhere(3);
        f.join(5);
        f.join(4);
        f.join(6);
        NoShowReleases node = node();
        f.clock.set(at(DAY, 15, 59));
        Appointment first = clinics.day(1, DAY).getFirst();
        assertThat(clinics.checkIn(first, new Stamp(f.clock.instant(), "desk"))).isPresent();
        int capacity = capacityOn(DAY);

        assertThat(node.step()).as("before the set time").isEmpty();

        f.clock.set(at(DAY, 16, 0));
        List<Release> made = node.step();

        assertThat(made).hasSize(1);
        Release r = made.getFirst();
        assertThat(r.releasedBy()).isEqualTo(Release.SYSTEM);
        assertThat(r.clinicId()).isEqualTo(1);
        assertThat(r.product()).isEqualTo(PFZ);
        assertThat(r.day()).isEqualTo(DAY);
        assertThat(r.doses()).as("two came for nothing yet, one is checked in").isEqualTo(2);
        assertThat(r.order()).isEqualTo(FairOrder.JOINED);
        assertThat(f.offered(r)).as("join order").containsExactly(5L, 4L);
        assertThat(audited).extracting(a -> a.release().id()).containsExactly(r.id());
        assertThat(capacityOn(DAY)).isEqualTo(capacity + 2);

        f.clock.set(at(DAY, 17, 30));
        assertThat(node.step()).as("once a day on this node").isEmpty();
        assertThat(node().step()).as("nor on another node").isEmpty();
        assertThat(audited).hasSize(1);
        assertThat(capacityOn(DAY)).isEqualTo(capacity + 2);
        assertThat(f.standby.releases(1, DAY)).hasSize(1);
    }

    @Test
    void aDayWithNobodyUnattendedReleasesNothingAndTheNextDayIsItsOwn() {
        f.booksElsewhere(1);
        NoShowReleases node = node();
        f.clock.set(at(TODAY, 16, 30));
        assertThat(node.step()).as("nothing booked today").isEmpty();

        f.clock.set(at(DAY, 16, 30));
        assertThat(node.step()).extracting(Release::doses).containsExactly(1);
        assertThat(audited).hasSize(1);
    }
}
