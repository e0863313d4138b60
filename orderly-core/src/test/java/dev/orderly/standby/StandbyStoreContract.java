package dev.orderly.standby;

import static dev.orderly.standby.StandbyFixture.JONGNO;
import static dev.orderly.standby.StandbyFixture.PFZ;
import static dev.orderly.standby.StandbyFixture.TODAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.IntegrityReport;
import dev.orderly.booking.Reservation;
import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StandbyStore} promises (with the booking store it sits beside), through the
 * {@link StandbyService}: run against each adapter by a subclass that says how to make empty
 * stores and how to read the SMS queued.
 */
public abstract class StandbyStoreContract {

    private static final Duration RACE_TIMEOUT = Duration.ofSeconds(60);

    /** Empty stores: a booking store and the standby store beside it. */
    protected abstract Stores newStores();

    /** The bodies of the offer SMS queued for {@code personId}, oldest first. */
    protected abstract List<String> offerSms(long personId);

    /** A booking store and its standby store. */
    public record Stores(BookingStore bookings, StandbyStore standby) {
    }

    private StandbyFixture f;

    protected StandbyFixture fixture(int people) {
        Stores s = newStores();
        f = new StandbyFixture(s.bookings(), s.standby(), people, 42);
        return f;
    }

    @AfterEach
    void bookingInvariantsHold() {
        if (f != null) {
            assertThat(f.bookings.checkIntegrity()).isEqualTo(new IntegrityReport(List.of(), List.of(), List.of()));
        }
    }

    @Test
    public void joiningAgainChangesAreasAndHoursButKeepsThePlace() {
        fixture(3);
        StandbyEntry first = f.join(1);
        f.join(2);
        StandbyEntry again = f.join(1, Set.of(), Set.of(1L), LocalTime.of(12, 0), LocalTime.of(13, 0));

        assertThat(again.joinedAt()).isEqualTo(first.joinedAt());
        assertThat(f.standby.entry(1)).contains(again);
        assertThat(f.standby.leave(1)).isTrue();
        assertThat(f.standby.leave(1)).isFalse();
        assertThat(f.standby.entry(1)).isEmpty();
    }

    @Test
    public void aReleaseAddsItsDosesToTodaysCapacityAndOffersThemInJoinOrder() {
        fixture(6);
        IntStream.rangeClosed(1, 6).forEach(f::join);
        int before = f.capacityToday();

        Release r = f.release(3, FairOrder.JOINED);

        assertThat(f.capacityToday()).isEqualTo(before + 3);
        assertThat(f.offered(r)).containsExactly(1L, 2L, 3L);
        assertThat(f.standby.releases(1, TODAY)).singleElement().satisfies(s -> {
            assertThat(s.open()).isEqualTo(3);
            assertThat(s.claimed()).isZero();
        });
        assertThat(offerSms(1)).singleElement().asString().contains("/claim.html?offer=" + f.offerTo(r, 1).token())
                .contains("Alpha Clinic").contains(PFZ).doesNotContain("Person 1");
    }

    @Test
    public void aReleaseOfAProductTheClinicDoesNotOfferIsRefused() {
        fixture(1);
        assertThat(f.service.release(1, StandbyFixture.AZ, 1, FairOrder.JOINED, "x"))
                .isEqualTo(new StandbyService.ReleaseOutcome.NotOffered(1, StandbyFixture.AZ));
        assertThatThrownBy(() -> f.standby.release(1, StandbyFixture.AZ, TODAY, 1, FairOrder.JOINED, 1, "x", StandbyFixture.NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void offersSkipPeopleBookedElsewhereOutOfAreaOrHoursAndNotEligible() {
        fixture(8);
        f.join(1);
        f.join(2);
        f.join(3, Set.of(new StandbyEntry.District("부산광역시", "해운대구")), Set.of(), LocalTime.of(9, 0), LocalTime.of(18, 0));
        f.join(4, Set.of(JONGNO), Set.of(), LocalTime.of(14, 0), LocalTime.of(18, 0));
        f.join(5, Set.of(), Set.of(1L), LocalTime.of(9, 0), LocalTime.of(18, 0));
        f.join(6);
        f.booksElsewhere(2);

        Release r = f.release(3, FairOrder.JOINED);

        assertThat(f.offered(r)).containsExactly(1L, 5L, 6L);
    }

    @Test
    public void aCohortOpenedToLeftoversMayJoinAndBeOffered() {
        fixture(0);
        f.registry.add(new dev.orderly.registry.Person(100, "Later", java.time.LocalDate.of(1975, 5, 5), "01099998888"));
        var refused = f.service.join(f.person(100), Set.of(JONGNO), Set.of(), LocalTime.of(9, 0), LocalTime.of(18, 0), true);
        assertThat(refused).isInstanceOf(StandbyService.JoinOutcome.NotEligible.class);

        f.service.setLeftoverCohorts(Set.of(StandbyFixture.LATER.id()));
        assertThat(f.service.leftoverCohorts()).containsExactly(StandbyFixture.LATER.id());
        f.join(100);
        Release r = f.release(1, FairOrder.JOINED);
        assertThat(f.offered(r)).containsExactly(100L);
    }

    @Test
    public void joiningNeedsConsent() {
        fixture(1);
        assertThat(f.service.join(f.person(1), Set.of(JONGNO), Set.of(), LocalTime.of(9, 0), LocalTime.of(18, 0), false))
                .isInstanceOf(StandbyService.JoinOutcome.NoConsent.class);
        assertThat(f.standby.entry(1)).isEmpty();
    }

    @Test
    public void aClaimBooksTodayAndDoseTwoAndCannotBeRepeated() {
        fixture(2);
        f.join(1);
        f.join(2);
        Release r = f.release(1, FairOrder.JOINED);
        String token = f.offerTo(r, 1).token();

        ClaimOutcome first = f.service.claim(f.person(1), token, "claim-1");

        assertThat(first).isInstanceOf(ClaimOutcome.Claimed.class);
        Reservation booked = ((ClaimOutcome.Claimed) first).reservation();
        assertThat(booked.dose1Day()).isEqualTo(TODAY);
        assertThat(booked.dose2Day()).isEqualTo(TODAY.plusDays(21));
        assertThat(booked.clinicId()).isEqualTo(1);
        assertThat(f.bookings.active(1)).contains(booked);
        assertThat(f.offerTo(r, 1).status()).isEqualTo(StandbyOffer.Status.CLAIMED);
        assertThat(f.offerTo(r, 1).reference()).contains(booked.reference());
        // The same request again (same key) gets the same answer; any other claim is refused.
        assertThat(f.service.claim(f.person(1), token, "claim-1")).isEqualTo(first);
        assertThat(f.service.claim(f.person(1), token, "claim-other")).isInstanceOf(ClaimOutcome.AlreadyClaimed.class);
        assertThat(f.service.claim(f.person(1), token, null)).isInstanceOf(ClaimOutcome.AlreadyClaimed.class);
        assertThat(f.service.claim(f.person(2), token, null)).isInstanceOf(ClaimOutcome.NotYours.class);
        assertThat(f.service.claim(f.person(2), "no-such-token", null)).isInstanceOf(ClaimOutcome.NoSuchOffer.class);
        assertThat(f.bookedToday()).isEqualTo(1);
        // Cancelling does not reopen a claimed offer.
        f.bookings.cancel(1, StandbyFixture.NOW);
        assertThat(f.service.claim(f.person(1), token, null)).isInstanceOf(ClaimOutcome.AlreadyClaimed.class);
    }

    @Test
    public void anExpiredOfferCannotBeClaimedAndPassesToTheNextPerson() {
        fixture(3);
        f.join(1);
        f.join(2);
        f.join(3);
        Release r = f.release(1, FairOrder.JOINED);
        String token = f.offerTo(r, 1).token();

        f.clock.advance(Duration.ofMinutes(10));
        assertThat(f.service.claim(f.person(1), token, null)).isInstanceOf(ClaimOutcome.Expired.class);
        RoundResult round = f.service.round(r.id());

        assertThat(round.expired()).isEqualTo(1);
        assertThat(f.offered(r)).containsExactly(1L, 2L);
        assertThat(f.offerTo(r, 1).status()).isEqualTo(StandbyOffer.Status.EXPIRED);
        assertThat(f.service.claim(f.person(1), token, null)).isInstanceOf(ClaimOutcome.Expired.class);
        assertThat(f.service.claim(f.person(2), f.offerTo(r, 2).token(), null)).isInstanceOf(ClaimOutcome.Claimed.class);
        assertThat(f.service.step()).isEmpty();
        assertThat(f.standby.unfinishedReleases(TODAY)).isEmpty();
    }

    @Test
    public void aClaimByAPersonHoldingAReservationIsRefusedAndTheOfferStaysOpen() {
        fixture(1);
        f.join(1);
        Release r = f.release(1, FairOrder.JOINED);
        f.booksElsewhere(1);

        ClaimOutcome outcome = f.service.claim(f.person(1), f.offerTo(r, 1).token(), null);

        assertThat(outcome).isInstanceOf(ClaimOutcome.BookingRefused.class);
        assertThat(((ClaimOutcome.BookingRefused) outcome).outcome()).isInstanceOf(BookingOutcome.AlreadyBooked.class);
        assertThat(f.offerTo(r, 1).status()).isEqualTo(StandbyOffer.Status.OPEN);
        assertThat(f.bookedToday()).isZero();
    }

    @Test
    public void aDrawOffersInTheOrderOfTheReleasesSeed() {
        fixture(30);
        IntStream.rangeClosed(1, 30).forEach(f::join);
        Release r = f.release(5, FairOrder.DRAW);

        List<StandbyEntry> inJoinOrder = IntStream.rangeClosed(1, 30).mapToObj(i -> f.standby.entry(i).orElseThrow()).toList();
        List<Long> expected = FairOrder.DRAW.arrange(inJoinOrder, r.seed()).stream().limit(5).map(StandbyEntry::personId).toList();
        assertThat(f.offered(r)).containsExactlyElementsOf(expected).isNotEqualTo(List.of(1L, 2L, 3L, 4L, 5L));
    }

    /**
     * The test: 3 doses released to 50 standby people; claims race on threads, windows
     * expire on a driven clock: exactly 3 bookings, the right people offered in order, none twice.
     */
    @Test
    public void threeDosesFiftyPeopleRacingClaimsAndExpiringWindows() {
        fixture(50);
        IntStream.rangeClosed(1, 50).forEach(f::join);
        f.booksElsewhere(2);
        f.booksElsewhere(5);

        Release r = f.release(3, FairOrder.JOINED);
        assertThat(f.offered(r)).containsExactly(1L, 3L, 4L);

        // Person 1 and person 3 each claim from 8 threads at once; person 4 never claims.
        List<ClaimOutcome> raced = Race.run(16, RACE_TIMEOUT, i -> {
            long who = i % 2 == 0 ? 1 : 3;
            return f.service.claim(f.person(who), f.offerTo(r, who).token(), null);
        });
        assertThat(raced.stream().filter(o -> o instanceof ClaimOutcome.Claimed)).hasSize(2);
        assertThat(raced.stream().filter(o -> !(o instanceof ClaimOutcome.Claimed)))
                .allMatch(o -> o instanceof ClaimOutcome.AlreadyClaimed);

        // Rounds on many threads within the window change nothing.
        f.clock.advance(Duration.ofMinutes(9));
        Race.run(8, RACE_TIMEOUT, i -> f.service.round(r.id()));
        assertThat(f.offered(r)).containsExactly(1L, 3L, 4L);

        // Person 4's window passes: rounds race, the dose goes to person 6 (2 and 5 hold reservations), once.
        f.clock.advance(Duration.ofMinutes(1));
        Race.run(8, RACE_TIMEOUT, i -> f.service.round(r.id()));
        assertThat(f.offered(r)).containsExactly(1L, 3L, 4L, 6L);
        assertThat(f.service.claim(f.person(4), f.offerTo(r, 4).token(), null)).isInstanceOf(ClaimOutcome.Expired.class);

        // Person 6 lets it pass too; person 7 claims it, racing 8 threads, while rounds run.
        f.clock.advance(Duration.ofMinutes(10));
        f.service.step();
        assertThat(f.offered(r)).containsExactly(1L, 3L, 4L, 6L, 7L);
        List<Object> last = Race.run(16, RACE_TIMEOUT, i -> i % 2 == 0
                ? f.service.claim(f.person(7), f.offerTo(r, 7).token(), null)
                : f.service.round(r.id()));
        assertThat(last.stream().filter(o -> o instanceof ClaimOutcome.Claimed)).hasSize(1);

        assertThat(f.bookedToday()).isEqualTo(3);
        Set<Long> claimed = new HashSet<>();
        for (StandbyOffer o : f.standby.offersOf(r.id())) {
            if (o.status() == StandbyOffer.Status.CLAIMED) {
                claimed.add(o.personId());
            }
        }
        assertThat(claimed).containsExactlyInAnyOrder(1L, 3L, 7L);
        claimed.forEach(p -> assertThat(f.bookings.active(p)).get().extracting(Reservation::dose1Day).isEqualTo(TODAY));
        List<Long> offered = f.offered(r);
        assertThat(new HashSet<>(offered)).hasSameSizeAs(offered);
        f.clock.advance(Duration.ofMinutes(30));
        assertThat(f.service.step()).isEmpty();
        assertThat(f.offered(r)).hasSize(5);
        assertThat(f.standby.releases(1, TODAY)).singleElement()
                .satisfies(s -> assertThat(List.of(s.open(), s.claimed(), s.expired())).containsExactly(0, 3, 2));
    }

    @Test
    public void roundsRacingNeverOfferMoreThanTheDoses() {
        fixture(40);
        IntStream.rangeClosed(1, 40).forEach(f::join);
        List<Release> releases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            releases.add(f.standby.release(1, PFZ, TODAY, 2, FairOrder.JOINED, i, "x", f.clock.instant()));
        }
        Race.run(16, RACE_TIMEOUT, i -> f.service.round(releases.get(i % 4).id()));
        Set<Long> everyone = new HashSet<>();
        for (Release r : releases) {
            assertThat(f.offered(r)).hasSize(2);
            everyone.addAll(f.offered(r));
        }
        // Several releases of one clinic-day may offer to the same person; one release never twice.
        assertThat(everyone).hasSizeBetween(2, 8);
    }

    @Test
    public void theSystemReleasesAClinicsDayAndProductOnceAndAClinicAsOftenAsItLikes() {
        fixture(2);
        int capacity = f.capacityToday();
        f.standby.release(1, PFZ, TODAY, 2, FairOrder.JOINED, 1, Release.SYSTEM, StandbyFixture.NOW);

        assertThatThrownBy(() -> f.standby.release(1, PFZ, TODAY, 3, FairOrder.JOINED, 2, Release.SYSTEM, StandbyFixture.NOW))
                .isInstanceOf(AlreadyReleasedException.class);

        assertThat(f.capacityToday()).as("the refused release added nothing").isEqualTo(capacity + 2);
        f.standby.release(1, PFZ, TODAY, 1, FairOrder.JOINED, 3, "clinic-alpha", StandbyFixture.NOW);
        f.standby.release(1, PFZ, TODAY, 1, FairOrder.JOINED, 4, "clinic-alpha", StandbyFixture.NOW);
        f.standby.release(1, PFZ, TODAY.plusDays(1), 1, FairOrder.JOINED, 5, Release.SYSTEM, StandbyFixture.NOW);
        f.standby.release(2, PFZ, TODAY, 1, FairOrder.JOINED, 6, Release.SYSTEM, StandbyFixture.NOW);
        assertThat(f.capacityToday()).isEqualTo(capacity + 4);
        assertThat(f.standby.releases(1, TODAY)).extracting(s -> s.release().releasedBy())
                .containsExactly(Release.SYSTEM, "clinic-alpha", "clinic-alpha");
    }
}
