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
        Duration returnAfter;

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
        Instant end = horizon(clock.instant(), people + bots, perSecond, Duration.ZERO);
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

    private static final Duration PASS_LIFETIME = Duration.ofMinutes(10);

    /**
     * An overloaded server answers each of a person's polls {@code lateBy} after it was sent (so the
     * claim it makes is dated that late, and the page sends its next poll only after the answer):
     * the line may pass such a person over, but whatever answer comes back within the pass's
     * lifetime admits them. Nobody polling as told is ever refused. The delay goes up to the pass
     * lifetime less twice the longest poll interval and the grace (550 s of 600): a poll sent up to
     * that long after the line reached someone (passed over or not) must still be answered within
     * the lifetime, which no rule about claims can change.
     */
    @Property(tries = 30)
    void aPersonWhosePollsAreAnsweredLateIsNeverRefused(@ForAll @IntRange(min = 1, max = 12) int people,
                                                       @ForAll @IntRange(min = 0, max = 30) int bots,
                                                       @ForAll @DoubleRange(min = 0.5, max = 4) double perSecond,
                                                       @ForAll @LongRange(min = 0, max = 549_999) long lateByMillis,
                                                       @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
        Crowd crowd = new Crowd(people, bots, perSecond, seed, Duration.ofMillis(lateByMillis), false, OPENS.minusSeconds(30));

        crowd.run();

        assertThat(crowd.refused).as("answers refusing a person polling as told").isEmpty();
        assertThat(crowd.persons()).as("the line reached every person").allMatch(w -> w.admittedAt != null);
        assertThat(crowd.persons().stream().map(w -> w.rank).distinct().count()).isEqualTo(people);
    }

    /**
     * Bots that come back after the line passed them over get the pass they would have had, and
     * nothing more: the people behind them are admitted at exactly the same moments as when the
     * bots never come back (the passed-over places never counted toward the rate, and coming back
     * does not move anyone).
     */
    @Property(tries = 30)
    void botsComingBackAfterBeingPassedOverDelayNobody(@ForAll @IntRange(min = 1, max = 15) int people,
                                                       @ForAll @IntRange(min = 1, max = 40) int bots,
                                                       @ForAll @DoubleRange(min = 0.5, max = 4) double perSecond,
                                                       @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
        // Everyone joins after the opening: a pre-queue's order is drawn from a secure random, so two runs would differ by it.
        Crowd away = new Crowd(people, bots, perSecond, seed, Duration.ZERO, false, OPENS);
        Crowd back = new Crowd(people, bots, perSecond, seed, Duration.ZERO, true, OPENS);

        away.run();
        back.run();

        assertThat(back.persons().stream().map(w -> w.admittedAt).toList())
                .isEqualTo(away.persons().stream().map(w -> w.admittedAt).toList());
        assertThat(back.refused).isEmpty();
        assertThat(back.room.passedOver(GATE)).isEqualTo(away.room.passedOver(GATE)).isLessThanOrEqualTo((long) bots);
    }

    /** One night: people polling as told (their answers {@code lateBy} late), bots joining once. */
    private static final class Crowd {
        final int people;
        final int bots;
        final Duration lateBy;
        final boolean botsComeBack;
        final SplittableRandom random;
        final MutableClock clock;
        final InMemoryGateStore store = new InMemoryGateStore();
        final WaitingRoom room;
        final double perSecond;
        final List<Waiter> waiters = new ArrayList<>();
        final List<GateStatus> refused = new ArrayList<>();

        /** @param from when the first may join; they join over the following minute */
        Crowd(int people, int bots, double perSecond, long seed, Duration lateBy, boolean botsComeBack, Instant from) {
            this.clock = MutableClock.at(from);
            this.people = people;
            this.bots = bots;
            this.perSecond = perSecond;
            this.lateBy = lateBy;
            this.botsComeBack = botsComeBack;
            this.random = new SplittableRandom(seed);
            room = new WaitingRoom(store, new GateTokens(TestKeys.fixed("k1", 1)), new HmacTestPassSigner(TestKeys.fixed("p1", 2)), clock,
                    new SplittableRandom(seed ^ 1), g -> DownstreamHealth.UNKNOWN, GRACE);
            room.configure(new GateConfig(GATE, OPENS.minus(Duration.ofHours(1)), OPENS, new AdmissionPolicy.FixedRate(perSecond),
                    PASS_LIFETIME, false, GateMode.ACTIVE, "", Duration.ofSeconds(20)));
        }

        List<Waiter> persons() {
            return waiters.stream().filter(w -> w.polls).toList();
        }

        void run() {
            List<Instant> joinAt = new ArrayList<>();
            for (int i = 0; i < people + bots; i++) {
                joinAt.add(clock.instant().plusMillis(random.nextLong(60_000)));
            }
            // Each bot's return moment is drawn now, so both runs of a comparison draw the same poll jitter.
            List<Long> returnAfter = new ArrayList<>();
            for (int i = 0; i < people + bots; i++) {
                returnAfter.add(random.nextLong(PASS_LIFETIME.toMillis() + 60_000));
            }
            List<Integer> byTime = new ArrayList<>();
            for (int i = 0; i < people + bots; i++) {
                byTime.add(i);
            }
            byTime.sort(Comparator.comparing(joinAt::get));
            int nextJoin = 0;
            Instant end = horizon(clock.instant(), people + bots, perSecond, lateBy);
            List<Instant> botReturns = new ArrayList<>();
            while (clock.instant().isBefore(end)) {
                while (nextJoin < byTime.size() && !joinAt.get(byTime.get(nextJoin)).isAfter(clock.instant())) {
                    int who = byTime.get(nextJoin++);
                    boolean person = who < people;
                    String browser = (person ? "browser-person-" : "browser-of-bot-") + who;
                    WaitingRoom.Joined joined = (WaitingRoom.Joined) room.join(GATE, browser, null);
                    Waiter w = new Waiter(joined, browser, person);
                    w.returnAfter = Duration.ofMillis(returnAfter.get(who));
                    w.nextPoll = person ? next(clock.instant(), joined.status(), random).plus(lateBy) : null;
                    waiters.add(w);
                }
                for (Waiter w : waiters) {
                    if (w.polls && w.admittedAt == null && !clock.instant().isBefore(w.nextPoll)) {
                        // Answered now, lateBy after the page sent it; the page asks again only after the answer.
                        GateStatus status = room.status(GATE, w.joined.token(), w.browser);
                        if (status instanceof GateStatus.Admitted a) {
                            w.admittedAt = clock.instant();
                            w.rank = a.rank();
                        } else if (status instanceof GateStatus.Waiting) {
                            w.nextPoll = next(clock.instant(), status, random).plus(lateBy);
                        } else {
                            refused.add(status);
                            w.admittedAt = Instant.MAX;
                        }
                    }
                    if (!w.polls && botsComeBack && w.nextPoll == null && reached(w)) {
                        // First seen reached: comes back once, some time later (up to past the pass lifetime).
                        w.nextPoll = clock.instant().plus(w.returnAfter);
                    }
                    if (!w.polls && w.nextPoll != null && w.admittedAt == null && !clock.instant().isBefore(w.nextPoll)) {
                        GateStatus status = room.status(GATE, w.joined.token(), w.browser);
                        w.admittedAt = clock.instant();
                        if (status instanceof GateStatus.Admitted a) {
                            assertThat(a.pass().expiresAt()).as("the pass it would have had, no later")
                                    .isEqualTo(store.admittedAt(GATE, a.rank()).orElseThrow().plus(PASS_LIFETIME));
                        } else {
                            assertThat(status).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
                        }
                    }
                }
                clock.advance(TICK);
                room.tick();
            }
        }

        private boolean reached(Waiter bot) {
            return room.placeOf(GATE, bot.joined.token()).map(p -> p.rank() > 0 && p.rank() <= room.figures(GATE).orElseThrow().admitted())
                    .orElse(false);
        }
    }

    /**
     * When a crowd joining over the minute from {@code from} has surely been reached: long enough for
     * the last joiner's last poll (up to twice the longest interval plus the grace) and each late
     * answer. (Ending 3 s after the last join, as this class once did, left a person who joined late
     * and was told to poll in 1.2 s still unasked at the end: a failure of the test, not the line.)
     */
    private static Instant horizon(Instant from, int joiners, double perSecond, Duration lateBy) {
        return from.plus(Duration.ofSeconds(120 + (long) Math.ceil(joiners / perSecond) * 3)).plus(lateBy.multipliedBy(3));
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
