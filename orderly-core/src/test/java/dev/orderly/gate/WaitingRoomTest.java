package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class WaitingRoomTest {

    /** 20:00 KST on 26 July 2021. */
    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final Duration PASS_LIFETIME = Duration.ofMinutes(10);

    /** Answers every bounded draw with its middle, so that pollAfter shows its base without jitter. */
    private static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound / 2;
        }
    };

    private final MutableClock clock = MutableClock.at(OPENS.minus(Duration.ofMinutes(10)));
    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));
    private final InMemoryGateStore store = new InMemoryGateStore();

    // --- order ----------------------------------------------------------------------------------

    @Example
    void joinersGetNumbersInTheOrderTheyArrive() {
        WaitingRoom room = room(gate("identity", 10));

        assertThat(List.of(join(room, 0), join(room, 1), join(room, 2)))
                .extracting(t -> t.ticket().sequence()).containsExactly(1L, 2L, 3L);
        assertThat(join(room, 3).ticket()).isEqualTo(new Ticket("identity", 4, clock.instant(), browser(3)));
    }

    @Example
    void joiningAGateThatDoesNotExistGivesNoTicket() {
        WaitingRoom room = room(gate("identity", 10));

        assertThat(room.join("nowhere", browser(0))).isEmpty();
        assertThat(room.status("nowhere", join(room, 0).token(), browser(0)))
                .isEqualTo(new GateStatus.Refused(GateStatus.Reason.UNKNOWN_GATE));
    }

    @Example
    void nobodyIsAdmittedBeforeTheGateOpens() {
        WaitingRoom room = room(gate("identity", 10));
        List<WaitingRoom.JoinedTicket> line = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            line.add(join(room, i));
        }

        for (Duration left : List.of(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofNanos(1), Duration.ZERO)) {
            clock.set(OPENS.minus(left));
            room.tick();
            assertThat(room.figures("identity").orElseThrow().admitted()).as("%s before opening", left).isZero();
        }
        GateStatus first = status(room, line.get(0), 0);
        assertThat(first).isInstanceOfSatisfying(GateStatus.Waiting.class, w -> {
            assertThat(w.open()).isTrue();
            assertThat(w.ahead()).isZero();
        });

        clock.set(OPENS.plusMillis(500));
        room.tick();
        assertThat(room.figures("identity").orElseThrow().admitted()).isEqualTo(5);
    }

    @Example
    void aWaitingTicketBeforeOpeningIsToldTheGateIsClosedAndWhenItOpens() {
        WaitingRoom room = room(gate("identity", 10));
        WaitingRoom.JoinedTicket first = join(room, 0);

        GateStatus status = status(room, first, 0);

        assertThat(status).isInstanceOfSatisfying(GateStatus.Waiting.class, w -> {
            assertThat(w.open()).isFalse();
            assertThat(w.opensAt()).isEqualTo(OPENS);
            assertThat(w.eta()).isEqualTo(Duration.ofMinutes(10).plusMillis(100));
        });
    }

    @Example
    void aLaterJoinerIsNeverAdmittedBeforeAnEarlierOne() {
        WaitingRoom room = room(gate("identity", 10));
        List<WaitingRoom.JoinedTicket> line = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            line.add(join(room, i));
        }
        clock.set(OPENS.plusSeconds(1));

        room.tick();

        for (int i = 0; i < 10; i++) {
            assertThat(status(room, line.get(i), i)).as("#%d", i + 1).isInstanceOf(GateStatus.Admitted.class);
        }
        for (int i = 10; i < 30; i++) {
            int ahead = i - 10;
            assertThat(status(room, line.get(i), i)).as("#%d", i + 1).isInstanceOfSatisfying(GateStatus.Waiting.class,
                    w -> assertThat(w.ahead()).isEqualTo(ahead));
        }
    }

    @Example
    void advancingTSecondsAtRateRAdmitsAboutRTimesTPeople() {
        WaitingRoom room = room(gate("identity", 7));
        for (int i = 0; i < 1_000; i++) {
            join(room, i);
        }
        clock.set(OPENS);
        room.tick();

        clock.advance(Duration.ofSeconds(13));
        room.tick();

        assertThat(room.figures("identity").orElseThrow().admitted()).isCloseTo(91L, within(1L));
    }

    @Example
    void tickingOftenOrRarelyAdmitsTheSameNumber() {
        WaitingRoom often = room(gate("identity", 3.3));
        WaitingRoom rarely = new WaitingRoom(List.of(gate("booking", 3.3)), store, tokens, clock, NO_JITTER);
        for (int i = 0; i < 200; i++) {
            join(often, i);
            rarely.join("booking", browser(i));
        }

        for (int ms = 0; ms < 20_000; ms += 100) {
            clock.set(OPENS.plusMillis(ms));
            often.tick();
        }
        clock.set(OPENS.plusSeconds(20));
        often.tick();
        rarely.tick();

        assertThat(store.admittedUpTo("identity")).isCloseTo(66L, within(1L));
        assertThat(store.admittedUpTo("booking")).isEqualTo(66L);
    }

    @Example
    void aRoomStartedAfterOpeningDoesNotAdmitTheWholeLineOnItsFirstTick() {
        WaitingRoom before = room(gate("identity", 10));
        for (int i = 0; i < 5_000; i++) {
            join(before, i);
        }
        clock.set(OPENS.plus(Duration.ofHours(1)));

        // A node restarts an hour after opening, over the same shared counters.
        WaitingRoom restarted = room(gate("identity", 10));
        clock.advance(Duration.ofSeconds(1));
        restarted.tick();

        assertThat(store.admittedUpTo("identity")).isEqualTo(10);
    }

    // --- refusals -------------------------------------------------------------------------------

    @Example
    void aTicketOfAnotherGateIsRefusedAsSuch() {
        WaitingRoom room = room(gate("identity", 10), gate("booking", 10));
        WaitingRoom.JoinedTicket ticket = join(room, 0);

        assertThat(room.status("booking", ticket.token(), browser(0)))
                .isEqualTo(new GateStatus.Refused(GateStatus.Reason.OTHER_GATE));
    }

    @Example
    void aTicketShownByAnotherBrowserIsRefusedAsSuch() {
        WaitingRoom room = room(gate("identity", 10));
        WaitingRoom.JoinedTicket ticket = join(room, 0);

        assertThat(room.status("identity", ticket.token(), browser(1)))
                .isEqualTo(new GateStatus.Refused(GateStatus.Reason.OTHER_BROWSER));
    }

    @Example
    void aForgedTicketIsRefusedAsInvalid() {
        WaitingRoom room = room(gate("identity", 10));
        String genuine = join(room, 0).token();
        GateTokens otherServer = new GateTokens(TestKeys.fixed("k1", 2));
        String[] forgeries = {
                null, "", "not a ticket", genuine.substring(0, genuine.length() - 2),
                otherServer.encode(new Ticket("identity", 1, clock.instant(), browser(0))),
                tokens.encode(new Pass("identity", 1, browser(0), OPENS.plus(Duration.ofDays(1))))
        };

        for (String forged : forgeries) {
            assertThat(room.status("identity", forged, browser(0))).as("%s", forged)
                    .isEqualTo(new GateStatus.Refused(GateStatus.Reason.INVALID_TICKET));
        }
    }

    // --- passes ---------------------------------------------------------------------------------

    @Example
    void aPassExpiresItsLifetimeAfterAdmissionHoweverOftenItIsAskedFor() {
        WaitingRoom room = room(gate("identity", 10));
        WaitingRoom.JoinedTicket ticket = join(room, 0);
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        Instant admittedAt = clock.instant();

        GateStatus.Admitted first = admitted(status(room, ticket, 0));
        assertThat(first.pass()).isEqualTo(new Pass("identity", 1, browser(0), admittedAt.plus(PASS_LIFETIME)));

        for (Duration later : List.of(Duration.ofMinutes(3), Duration.ofMinutes(6), PASS_LIFETIME.minusMillis(1))) {
            clock.set(admittedAt.plus(later));
            room.tick();
            assertThat(admitted(status(room, ticket, 0)).pass().expiresAt()).as("asked %s after", later)
                    .isEqualTo(admittedAt.plus(PASS_LIFETIME));
        }

        clock.set(admittedAt.plus(PASS_LIFETIME));
        assertThat(status(room, ticket, 0)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
        clock.advance(Duration.ofHours(1));
        assertThat(status(room, ticket, 0)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
    }

    @Example
    void aPassFirstAskedForAfterItsLifetimeHasAlreadyExpired() {
        WaitingRoom room = room(gate("identity", 10));
        WaitingRoom.JoinedTicket ticket = join(room, 0);
        clock.set(OPENS.plusSeconds(1));
        room.tick();

        clock.advance(PASS_LIFETIME.plusSeconds(1));

        assertThat(status(room, ticket, 0)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
    }

    @Example
    void aPassIsAcceptedAtItsGateFromItsBrowserUntilItExpires() {
        WaitingRoom room = room(gate("identity", 10), gate("booking", 10));
        WaitingRoom.JoinedTicket ticket = join(room, 0);
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        GateStatus.Admitted admitted = admitted(status(room, ticket, 0));
        String pass = admitted.passToken();

        assertThat(room.acceptPass("identity", pass, browser(0))).contains(admitted.pass());
        assertThat(room.acceptPass("booking", pass, browser(0))).as("other gate").isEmpty();
        assertThat(room.acceptPass("identity", pass, browser(1))).as("other browser").isEmpty();
        assertThat(room.acceptPass("identity", ticket.token(), browser(0))).as("a ticket").isEmpty();
        assertThat(room.acceptPass("identity", pass + "x", browser(0))).as("tampered").isEmpty();

        clock.set(admitted.pass().expiresAt().minusNanos(1));
        assertThat(room.acceptPass("identity", pass, browser(0))).isPresent();
        clock.set(admitted.pass().expiresAt());
        assertThat(room.acceptPass("identity", pass, browser(0))).as("at expiry").isEmpty();
    }

    // --- polling --------------------------------------------------------------------------------

    @Example
    void peopleFurtherBackAreToldToPollLessOften() {
        WaitingRoom room = new WaitingRoom(List.of(gate("identity", 1)), store, tokens, clock, NO_JITTER);
        List<WaitingRoom.JoinedTicket> line = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            line.add(join(room, i));
        }
        clock.set(OPENS);

        List<Duration> polls = new ArrayList<>();
        for (int i : new int[] {0, 4, 10, 40, 100, 299}) {
            GateStatus status = status(room, line.get(i), i);
            assertThat(status).isInstanceOf(GateStatus.Waiting.class);
            polls.add(((GateStatus.Waiting) status).pollAfter());
        }

        assertThat(polls).isSorted();
        assertThat(polls.get(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(polls.get(2)).isGreaterThan(polls.get(0));
        assertThat(polls.get(polls.size() - 1)).isEqualTo(Duration.ofSeconds(30));
    }

    @Property(tries = 200)
    void pollAfterStaysBetweenHalfASecondAnd36Seconds(@ForAll @IntRange(min = 1, max = 400) int joiners,
                                                      @ForAll @DoubleRange(min = 0.01, max = 5_000) double perSecond,
                                                      @ForAll @LongRange(min = -86_400, max = 600) long secondsFromOpening,
                                                      @ForAll long seed) {
        MutableClock clock = MutableClock.at(OPENS.minusSeconds(1));
        WaitingRoom room = new WaitingRoom(List.of(gate("identity", perSecond)), new InMemoryGateStore(), tokens, clock,
                new SplittableRandom(seed));
        List<WaitingRoom.JoinedTicket> line = new ArrayList<>();
        for (int i = 0; i < joiners; i++) {
            line.add(join(room, i));
        }
        clock.set(OPENS.plusSeconds(secondsFromOpening));

        for (int i = 0; i < joiners; i++) {
            if (status(room, line.get(i), i) instanceof GateStatus.Waiting w) {
                assertThat(w.pollAfter()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(36));
            }
        }
    }

    // --- figures --------------------------------------------------------------------------------

    @Example
    void figuresCountIssuedAdmittedAndWaiting() {
        WaitingRoom room = room(gate("identity", 2));
        for (int i = 0; i < 7; i++) {
            join(room, i);
        }
        clock.set(OPENS.plusSeconds(2));
        room.tick();

        assertThat(room.figures("identity")).contains(new WaitingRoom.Figures("identity", 7, 4, 3, 2));
        assertThat(room.figures("nowhere")).isEmpty();
    }

    // --- fairness under any sequence ------------------------------------------------------------

    sealed interface Step {
        record Join() implements Step {
        }

        record Tick() implements Step {
        }

        record Advance(long millis) implements Step {
        }
    }

    @Property(tries = 200)
    void whoeverIsAdmittedIsAlwaysAPrefixOfTheJoinOrder(@ForAll("steps") List<Step> steps,
                                                        @ForAll @IntRange(min = -5_000, max = 5_000) int startMillisFromOpening,
                                                        @ForAll("rates") double perSecond) {
        // jqwik makes one instance per property, not per try: each try gets its own clock and counters.
        MutableClock clock = MutableClock.at(OPENS.plusMillis(startMillisFromOpening));
        GateConfig config = new GateConfig("identity", OPENS, perSecond, Duration.ofSeconds(5));
        WaitingRoom room = new WaitingRoom(List.of(config), new InMemoryGateStore(), tokens, clock, new SplittableRandom(7));
        Instant owedFrom = clock.instant().isAfter(OPENS) ? clock.instant() : OPENS;
        List<WaitingRoom.JoinedTicket> line = new ArrayList<>();

        for (Step step : steps) {
            switch (step) {
                case Step.Join j -> line.add(join(room, line.size()));
                case Step.Tick t -> room.tick();
                case Step.Advance a -> clock.advance(Duration.ofMillis(a.millis()));
            }
            int admitted = 0;
            for (int i = 0; i < line.size(); i++) {
                GateStatus status = status(room, line.get(i), i);
                boolean wasAdmitted = status instanceof GateStatus.Admitted
                        || status.equals(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
                if (wasAdmitted) {
                    assertThat(admitted).as("#%d admitted after someone ahead still waits", i + 1).isEqualTo(i);
                    admitted++;
                } else {
                    assertThat(status).isInstanceOf(GateStatus.Waiting.class);
                    assertThat(((GateStatus.Waiting) status).ahead()).as("#%d ahead", i + 1).isEqualTo(i - admitted);
                }
            }
            if (clock.instant().isBefore(OPENS)) {
                assertThat(admitted).as("admitted before opening").isZero();
            } else {
                double secondsOpen = Duration.between(owedFrom, clock.instant()).toNanos() / 1e9;
                assertThat((double) admitted).as("admitted faster than the rate").isLessThanOrEqualTo(Math.floor(secondsOpen * perSecond + 1e-6));
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> join = Arbitraries.just(new Step.Join());
        Arbitrary<Step> tick = Arbitraries.just(new Step.Tick());
        Arbitrary<Step> advance = Arbitraries.longs().between(0, 3_000).map(Step.Advance::new);
        return Arbitraries.oneOf(List.of(join, join, tick, tick, advance)).list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<Double> rates() {
        return Arbitraries.of(0.5, 1.0, 2.5, 10.0, 1_000.0);
    }

    // --- helpers --------------------------------------------------------------------------------

    private static GateConfig gate(String name, double perSecond) {
        return new GateConfig(name, OPENS, perSecond, PASS_LIFETIME);
    }

    private WaitingRoom room(GateConfig... gates) {
        return new WaitingRoom(List.of(gates), store, tokens, clock, new SplittableRandom(1));
    }

    private static String browser(int n) {
        return "browser-%016d".formatted(n);
    }

    private WaitingRoom.JoinedTicket join(WaitingRoom room, int browser) {
        return room.join("identity", browser(browser)).orElseThrow();
    }

    private static GateStatus status(WaitingRoom room, WaitingRoom.JoinedTicket ticket, int browser) {
        return room.status(ticket.ticket().gate(), ticket.token(), browser(browser));
    }

    private static GateStatus.Admitted admitted(GateStatus status) {
        assertThat(status).isInstanceOf(GateStatus.Admitted.class);
        return (GateStatus.Admitted) status;
    }
}
