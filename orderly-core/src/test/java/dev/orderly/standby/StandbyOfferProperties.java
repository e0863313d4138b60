package dev.orderly.standby;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.InMemoryBookingStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random days of releases, claims (by the offered person, by someone else, twice, late), people
 * booking elsewhere and minutes passing, against the memory stores: a dose is never claimed
 * twice, a clinic never books more leftovers than it released, and nobody holding a reservation
 * (or offered before for that release) is offered a dose.
 */
class StandbyOfferProperties {

    sealed interface Step {
    }

    record ReleaseDoses(int doses, boolean draw) implements Step {
    }

    record Claim(int offerPick, int claimant, boolean withKey) implements Step {
    }

    record BookElsewhere(int person) implements Step {
    }

    record Pass(int minutes) implements Step {
    }

    record Round() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> days() {
        Arbitrary<Step> step = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 4).flatMap(d -> Arbitraries.of(true, false).map(draw -> new ReleaseDoses(d, draw))),
                Arbitraries.integers().between(0, 30).flatMap(o -> Arbitraries.integers().between(0, 3)
                        .flatMap(c -> Arbitraries.of(true, false).map(k -> new Claim(o, c, k)))),
                Arbitraries.integers().between(1, 20).map(BookElsewhere::new),
                Arbitraries.integers().between(1, 12).map(Pass::new),
                Arbitraries.just(new Round()));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 200)
    void offersNeverDoubleClaimNeverOverbookAndSkipBookedPeople(@ForAll("days") List<Step> day,
                                                                 @ForAll @IntRange(min = 1, max = 20) int people) {
        InMemoryBookingStore bookings = new InMemoryBookingStore();
        InMemoryStandbyStore standby = new InMemoryStandbyStore(bookings);
        StandbyFixture f = new StandbyFixture(bookings, standby, 20, people);
        IntStream.rangeClosed(1, people).forEach(f::join);
        Map<Long, Integer> released = new HashMap<>();
        Set<String> keysUsed = new HashSet<>();
        int claims = 0;
        for (Step s : day) {
            switch (s) {
                case ReleaseDoses r -> {
                    Release made = f.release(r.doses(), r.draw() ? FairOrder.DRAW : FairOrder.JOINED);
                    released.put(made.id(), r.doses());
                    offeredNowHoldNothing(f, made.id(), List.of());
                }
                case Claim c -> {
                    List<StandbyOffer> all = released.keySet().stream().flatMap(id -> standby.offersOf(id).stream()).toList();
                    if (all.isEmpty()) {
                        continue;
                    }
                    StandbyOffer o = all.get(c.offerPick() % all.size());
                    long claimant = c.claimant() == 0 ? o.personId() + 1 : o.personId();
                    if (claimant > 20) {
                        claimant = 1;
                    }
                    String key = c.withKey() ? "k-" + (claims++) : null;
                    if (key != null) {
                        keysUsed.add(key);
                    }
                    boolean wasClaimable = o.claimableAt(f.clock.instant()) && claimant == o.personId()
                            && bookings.active(claimant).isEmpty();
                    ClaimOutcome outcome = f.service.claim(f.person(claimant), o.token(), key);
                    if (outcome instanceof ClaimOutcome.Claimed) {
                        assertThat(wasClaimable).as("claimed %s although it was not claimable", o).isTrue();
                    }
                    if (claimant != o.personId()) {
                        assertThat(outcome).isInstanceOf(ClaimOutcome.NotYours.class);
                    }
                }
                case BookElsewhere b -> {
                    if (bookings.active(b.person()).isEmpty()) {
                        f.booksElsewhere(b.person());
                    }
                }
                case Pass p -> f.clock.advance(Duration.ofMinutes(p.minutes()));
                case Round r -> {
                    for (StandbyOffer made : f.service.step()) {
                        assertThat(bookings.active(made.personId())).as("offered to person %s holding a reservation", made.personId())
                                .isEmpty();
                    }
                }
            }
            check(f, standby, released);
        }
    }

    private static void offeredNowHoldNothing(StandbyFixture f, long releaseId, List<Long> before) {
        for (StandbyOffer o : f.standby.offersOf(releaseId)) {
            if (!before.contains(o.personId()) && o.status() == StandbyOffer.Status.OPEN) {
                assertThat(f.bookings.active(o.personId())).isEmpty();
            }
        }
    }

    private static void check(StandbyFixture f, InMemoryStandbyStore standby, Map<Long, Integer> released) {
        int claimedEverywhere = 0;
        Set<String> references = new HashSet<>();
        for (Map.Entry<Long, Integer> e : released.entrySet()) {
            List<StandbyOffer> offers = standby.offersOf(e.getKey());
            Set<Long> people = new HashSet<>();
            int live = 0;
            for (StandbyOffer o : offers) {
                assertThat(people.add(o.personId())).as("person %s offered twice for release %s", o.personId(), e.getKey()).isTrue();
                if (o.status() != StandbyOffer.Status.EXPIRED) {
                    live++;
                }
                if (o.status() == StandbyOffer.Status.CLAIMED) {
                    claimedEverywhere++;
                    assertThat(references.add(o.reference().orElseThrow())).as("one booking claimed twice").isTrue();
                }
            }
            assertThat(live).as("open + claimed offers of release %s", e.getKey()).isLessThanOrEqualTo(e.getValue());
        }
        int releasedDoses = released.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(f.bookedToday()).isLessThanOrEqualTo(releasedDoses).isLessThanOrEqualTo(f.capacityToday());
        assertThat(claimedEverywhere).isLessThanOrEqualTo(releasedDoses);
        assertThat(f.bookings.checkIntegrity().overbooked()).isEmpty();
    }
}
