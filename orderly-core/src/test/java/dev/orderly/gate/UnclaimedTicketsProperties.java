package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Against random crowds of people who poll as told (late by up to 90 % of the interval they were
 * given and up to half the grace on top, as network jitter and slow phones are) and bots that
 * join and never ask again: nobody polling as told is ever passed over, people are admitted in the
 * order of their ranks, and the line reaches every person.
 */
class UnclaimedTicketsProperties {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final String GATE = "identity";
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofMillis(100);

    private static final class Waiter {
        final WaitingRoom.Joined joined;
        final String browser;
        final boolean polls;
        Instant nextPoll;
        Instant admittedAt;
        long rank;

        Waiter(WaitingRoom.Joined joined, String browser, boolean polls) {
            this.joined = joined;
            this.browser = browser;
            this.polls = polls;
        }
    }

    @Property(tries = 40)
    void peoplePollingAsToldAreNeverPassedOverAndGoInRankOrder(@ForAll @IntRange(min = 1, max = 25) int people,
                                                              @ForAll @IntRange(min = 0, max = 60) int bots,
                                                              @ForAll @DoubleRange(min = 0.5, max = 4) double perSecond,
                                                              @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MutableClock clock = MutableClock.at(OPENS.minusSeconds(30));
        InMemoryGateStore store = new InMemoryGateStore();
        WaitingRoom room = new WaitingRoom(store, new GateTokens(TestKeys.fixed("k1", 1)),
                new HmacTestPassSigner(TestKeys.fixed("p1", 2)), clock, new SplittableRandom(seed ^ 1), g -> DownstreamHealth.UNKNOWN, GRACE);
        room.configure(new GateConfig(GATE, OPENS.minus(Duration.ofHours(1)), OPENS, new AdmissionPolicy.FixedRate(perSecond),
                Duration.ofMinutes(10), false, GateMode.ACTIVE, "", Duration.ofSeconds(20)));
        // Everyone joins at a random moment in the minute around the opening (before it: the pre-queue).
        List<Boolean> kinds = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            kinds.add(true);
        }
        for (int i = 0; i < bots; i++) {
            kinds.add(false);
        }
        List<Instant> joinAt = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            joinAt.add(clock.instant().plusMillis(random.nextLong(60_000)));
        }
        List<Integer> byTime = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            byTime.add(i);
        }
        byTime.sort(Comparator.comparing(joinAt::get));
        List<Waiter> waiters = new ArrayList<>();
        int nextJoin = 0;
        Instant end = OPENS.plus(Duration.ofSeconds(30 + (long) Math.ceil((people + bots) / perSecond) * 3));
        while (clock.instant().isBefore(end)) {
            while (nextJoin < byTime.size() && !joinAt.get(byTime.get(nextJoin)).isAfter(clock.instant())) {
                int who = byTime.get(nextJoin++);
                String browser = (kinds.get(who) ? "browser-person-" : "browser-of-bot-") + who;
                WaitingRoom.Joined joined = (WaitingRoom.Joined) room.join(GATE, browser, null);
                Waiter w = new Waiter(joined, browser, kinds.get(who));
                w.nextPoll = next(clock.instant(), joined.status(), random);
                waiters.add(w);
            }
            for (Waiter w : waiters) {
                if (w.polls && w.admittedAt == null && !clock.instant().isBefore(w.nextPoll)) {
                    GateStatus status = room.status(GATE, w.joined.token(), w.browser);
                    assertThat(status).as("a person polling as told").isInstanceOfAny(GateStatus.Waiting.class, GateStatus.Admitted.class);
                    if (status instanceof GateStatus.Admitted a) {
                        w.admittedAt = clock.instant();
                        w.rank = a.rank();
                    } else {
                        w.nextPoll = next(clock.instant(), status, random);
                    }
                }
            }
            clock.advance(TICK);
            room.tick();
        }
        List<Waiter> persons = waiters.stream().filter(w -> w.polls).toList();
        assertThat(persons).as("the line reached every person").allMatch(w -> w.admittedAt != null);
        // FIFO among claimed tickets: by rank, each person was admitted no earlier than those before.
        List<Instant> admittedInRankOrder = persons.stream().sorted(Comparator.comparingLong(w -> w.rank))
                .map(w -> store.admittedAt(GATE, w.rank).orElseThrow()).toList();
        assertThat(admittedInRankOrder).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(persons.stream().map(w -> w.rank).distinct().count()).isEqualTo(people);
        long passed = room.passedOver(GATE);
        assertThat(passed).as("only bots are passed over").isLessThanOrEqualTo(bots);
    }

    /** When a person polls next: as told, late by up to 90 % of it plus up to half the grace. */
    private static Instant next(Instant now, GateStatus status, SplittableRandom random) {
        if (!(status instanceof GateStatus.Waiting w)) {
            return now;
        }
        long told = w.pollAfter().toMillis();
        return now.plusMillis(told + random.nextLong(told * 9 / 10 + 1) + random.nextLong(GRACE.toMillis() / 2));
    }
}
