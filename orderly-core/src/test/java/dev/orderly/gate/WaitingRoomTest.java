package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The waiting room over the memory store, a signed-token pass double and a clock that moves only
 * when told. Ticks are driven by hand, as the server's timer would every 100 ms.
 */
class WaitingRoomTest {

    /** 20:00 KST on 26 July 2021. */
    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final String GATE = "identity";
    private static final Duration PASS_LIFETIME = Duration.ofMinutes(10);
    private static final Duration TICK = Duration.ofMillis(100);

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
    private final PassSigner passes = new HmacTestPassSigner(TestKeys.fixed("p1", 2));
    private final InMemoryGateStore store = new InMemoryGateStore();
    private final Map<String, DownstreamHealth> health = new HashMap<>();

    // --- configuration --------------------------------------------------------------------------

    @Test
    void configuredGatesAreListedAndFound() {
        WaitingRoom room = room(gate(10), gate(10).withMode(GateMode.PAUSED, "").withAdmission(new AdmissionPolicy.FixedRate(3)));

        assertThat(room.gates()).hasSize(1);
        assertThat(room.gate(GATE).map(GateConfig::mode)).contains(GateMode.PAUSED);
        assertThat(room.gate("nowhere")).isEmpty();
    }

    @Test
    void aGateConfiguredOnAnotherNodeIsKnownHere() {
        WaitingRoom here = room();
        WaitingRoom there = room();
        there.configure(gate(10));

        assertThat(here.gate(GATE)).contains(gate(10));
        assertThat(here.join(GATE, browser(0), null)).isInstanceOf(WaitingRoom.Joined.class);
    }

    @Test
    void theOpeningTimeCanMoveUntilThePreQueueIsDrawnButNotAfter() {
        WaitingRoom room = room(gate(10));
        GateConfig later = withOpening(gate(10), OPENS.plusSeconds(60));
        room.configure(later);
        assertThat(room.gate(GATE)).contains(later);

        clock.set(OPENS.plusSeconds(60));
        room.tick();

        assertThat(room.configure(withOpening(gate(10), OPENS.plusSeconds(120))))
                .isEqualTo(new WaitingRoom.OpeningFixed(OPENS.plusSeconds(60)));
        assertThat(room.gate(GATE).map(GateConfig::opensAt)).contains(OPENS.plusSeconds(60));
        assertThat(room.configure(later.withAdmission(new AdmissionPolicy.FixedRate(20)))).isInstanceOf(WaitingRoom.Configured.class);
        assertThat(room.gate(GATE).map(GateConfig::admitPerSecond)).contains(20.0);
    }

    // --- joining --------------------------------------------------------------------------------

    @Test
    void joinersGetNumbersInTheOrderTheyArrive() {
        WaitingRoom room = room(gate(10));

        assertThat(List.of(join(room, 0), join(room, 1), join(room, 2))).extracting(j -> j.ticket().sequence())
                .containsExactly(1L, 2L, 3L);
        assertThat(join(room, 3).ticket()).isEqualTo(new Ticket(GATE, 4, clock.instant(), browser(3), ""));
    }

    @Test
    void aJoinAnsweredLaterIsTheSameJoinInTheSameLine() {
        WaitingRoom room = room(gate(10), keyed(named("booking", gate(10))));
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        WaitingRoom.Joined first = join(room, 0);

        WaitingRoom.Joined later = joined(room.joinLater(GATE, browser(1), Runnable::run).orElseThrow().toCompletableFuture().join());

        assertThat(later.ticket()).isEqualTo(new Ticket(GATE, 2, clock.instant(), browser(1), ""));
        assertThat(later.token()).isEqualTo(tokens.encode(later.ticket()));
        assertThat(waiting(later.status()).rank()).isEqualTo(waiting(first.status()).rank() + 1);
        assertThat(join(room, 2).ticket().sequence()).isEqualTo(3);
        assertThat(room.joinLater("booking", browser(3), Runnable::run)).as("a keyed gate needs its holder's place: join it").isEmpty();
        assertThat(room.joinLater("nowhere", browser(3), Runnable::run)).as("a gate this node has not seen: join it").isEmpty();
    }

    @Test
    void aJoinAnsweredLaterIsRefusedAsAJoinIsAndLeavesTheFirstJoinAfterOpeningToFixThePreQueue() {
        Instant joinFrom = OPENS.minus(Duration.ofMinutes(30));
        WaitingRoom room = room(withJoinFrom(gate(10), joinFrom));
        clock.set(joinFrom.minusMillis(1));
        assertThat(room.joinLater(GATE, browser(0), Runnable::run).orElseThrow().toCompletableFuture().join())
                .isInstanceOfSatisfying(WaitingRoom.JoinRefused.class,
                        r -> assertThat(r.refusal().reason()).isEqualTo(GateStatus.Reason.NOT_YET_JOINABLE));
        assertThat(store.issued(GATE)).isZero();

        clock.set(joinFrom);
        assertThat(joined(room.joinLater(GATE, browser(0), Runnable::run).orElseThrow().toCompletableFuture().join()).status())
                .isInstanceOfSatisfying(GateStatus.Waiting.class, w -> assertThat(w.inPreQueue()).isTrue());
        clock.set(OPENS.plusMillis(50));
        assertThat(room.joinLater(GATE, browser(1), Runnable::run)).as("no tick has fixed the pre-queue yet").isEmpty();
    }

    @Test
    void joiningAGateThatDoesNotExistIsRefused() {
        WaitingRoom room = room(gate(10));

        assertThat(room.join("nowhere", browser(0), null)).isEqualTo(refusedJoin(GateStatus.Reason.UNKNOWN_GATE));
        assertThat(store.issued("nowhere")).isZero();
    }

    @Test
    void aScheduledGateTakesNoJoinsBeforeItsJoinTime() {
        Instant joinFrom = OPENS.minus(Duration.ofMinutes(30));
        WaitingRoom room = room(withJoinFrom(gate(10), joinFrom));
        clock.set(joinFrom.minusMillis(1));

        WaitingRoom.JoinOutcome early = room.join(GATE, browser(0), null);

        assertThat(early).isInstanceOfSatisfying(WaitingRoom.JoinRefused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(GateStatus.Reason.NOT_YET_JOINABLE);
            assertThat(r.refusal().message()).contains(joinFrom.toString());
        });
        assertThat(room.figures(GATE).orElseThrow().phase()).isEqualTo(GatePhase.SCHEDULED);
        assertThat(store.issued(GATE)).isZero();

        clock.set(joinFrom);
        assertThat(join(room, 0).ticket().sequence()).isEqualTo(1);
    }

    @Test
    void aClosedGateRefusesJoinsAndWaitingTicketsButHonoursPassesGiven() {
        WaitingRoom room = room(gate(1));
        clock.set(OPENS);
        room.tick();
        List<WaitingRoom.Joined> line = joinMany(room, 0, 5);
        tickFor(room, Duration.ofMillis(1_500));
        GateStatus.Admitted first = admitted(status(room, line.get(0)));

        room.configure(gate(1).withMode(GateMode.CLOSED, "closed for today"));
        tickFor(room, Duration.ofSeconds(10));

        GateStatus.Refused closed = new GateStatus.Refused(GateStatus.Reason.GATE_CLOSED, "closed for today");
        assertThat(room.join(GATE, browser(9), null)).isEqualTo(new WaitingRoom.JoinRefused(closed));
        long admittedWhenClosed = store.progress(GATE).mark();
        for (WaitingRoom.Joined t : line) {
            GateStatus s = status(room, t);
            if (rankOf(t, s) > admittedWhenClosed) {
                assertThat(s).isEqualTo(closed);
            }
        }
        assertThat(admittedWhenClosed).isEqualTo(1);
        assertThat(admitted(status(room, line.get(0))).pass().expiresAt()).as("a pass given stays valid").isEqualTo(first.pass().expiresAt());
        assertThat(room.check(GATE, first.passToken(), browser(0))).isEqualTo(new PassCheck.Valid(first.pass()));
    }

    // --- order ----------------------------------------------------------------------------------

    @Test
    void aLaterJoinerIsNeverAdmittedBeforeAnEarlierOne() {
        WaitingRoom room = room(gate(3));
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        List<WaitingRoom.Joined> line = new ArrayList<>();

        for (int round = 0; round < 100; round++) {
            if (round % 2 == 0) {
                line.add(join(room, line.size()));
            }
            tickFor(room, TICK);
            boolean waitingSeen = false;
            for (int i = 0; i < line.size(); i++) {
                GateStatus s = status(room, line.get(i));
                assertThat(rankOf(line.get(i), s)).as("joined after opening: rank is place in line").isEqualTo(i + 1);
                if (s instanceof GateStatus.Waiting) {
                    waitingSeen = true;
                } else {
                    assertThat(waitingSeen).as("#%d admitted while someone ahead waits", i + 1).isFalse();
                }
            }
        }
        assertThat(store.progress(GATE).mark()).as("3/s over 10 s, with people to admit").isBetween(28L, 30L);
    }

    @Test
    void nobodyIsAdmittedBeforeOpening() {
        WaitingRoom room = room(gate(10));
        List<WaitingRoom.Joined> line = joinMany(room, 0, 5);

        for (Duration left : List.of(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofNanos(1))) {
            clock.set(OPENS.minus(left));
            room.tick();
            assertThat(store.progress(GATE).mark()).as("%s before opening", left).isZero();
            assertThat(waiting(status(room, line.get(0))).phase()).isEqualTo(GatePhase.PRE_QUEUE);
        }

        clock.set(OPENS.plusMillis(500));
        room.tick();
        assertThat(store.progress(GATE).mark()).as("half a second at 10/s").isEqualTo(5);
    }

    @Test
    void peopleWhoJoinBeforeOpeningWaitInThePreQueueUntilTheFirstTickAfterOpening() {
        WaitingRoom room = room(gate(2));
        List<WaitingRoom.Joined> early = joinMany(room, 0, 30);
        assertThat(early).allSatisfy(j -> assertThat(waiting(j.status()).inPreQueue()).isTrue());
        clock.set(OPENS.minusSeconds(1));
        room.tick();

        clock.set(OPENS.plusMillis(500));
        for (WaitingRoom.Joined j : early) {
            GateStatus.Waiting w = waiting(status(room, j));
            assertThat(w.rank()).isZero();
            assertThat(w.inPreQueue()).isTrue();
            assertThat(w.ahead()).as("people in the pre-queue so far, less oneself").isEqualTo(29);
        }

        room.tick();

        List<Long> ranks = early.stream().map(j -> rankOf(j, status(room, j))).toList();
        assertThat(ranks).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(ranks).as("drawn, not the join order").isNotEqualTo(LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(room.figures(GATE).orElseThrow().preQueueSize()).isEqualTo(30);
    }

    @Test
    void everyoneJoiningAfterOpeningRanksAfterThePreQueueInArrivalOrder() {
        WaitingRoom room = room(gate(2));
        joinMany(room, 0, 30);
        clock.set(OPENS.plusMillis(300));
        room.tick();

        List<WaitingRoom.Joined> late = joinMany(room, 100, 10);

        for (int i = 0; i < late.size(); i++) {
            assertThat(waiting(late.get(i).status()).rank()).isEqualTo(31 + i);
            assertThat(waiting(status(room, late.get(i))).rank()).isEqualTo(31 + i);
        }
    }

    /** Regression: the pre-queue's size was read at the first tick, taking in whoever joined after opening before it. */
    @Test
    void aJoinerAfterOpeningIsNotShuffledIntoThePreQueueWhenNoTickHasRunYet() {
        WaitingRoom room = room(gate(2));
        List<WaitingRoom.Joined> early = joinMany(room, 0, 30);
        clock.set(OPENS.plusMillis(200));

        WaitingRoom.Joined late = join(room, 100);
        room.tick();

        assertThat(waiting(late.status()).rank()).as("told at joining").isEqualTo(31);
        assertThat(waiting(status(room, late)).rank()).isEqualTo(31);
        assertThat(room.figures(GATE).orElseThrow().preQueueSize()).isEqualTo(30);
        assertThat(early.stream().map(j -> rankOf(j, status(room, j))))
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
    }

    @Test
    void everyNodeDrawsTheSamePreQueueOrder() {
        WaitingRoom one = room(gate(1));
        List<WaitingRoom.Joined> early = joinMany(one, 0, 50);
        WaitingRoom other = room();
        clock.set(OPENS.plusMillis(100));
        one.tick();
        other.tick();

        for (WaitingRoom.Joined j : early) {
            assertThat(rankOf(j, status(other, j))).isEqualTo(rankOf(j, status(one, j)));
        }
    }

    @Test
    void thePreQueueOrderIsTheCommittedDrawsAndAnotherDrawOrdersOtherwise() {
        WaitingRoom room = room(gate(1));
        List<WaitingRoom.Joined> early = joinMany(room, 0, 50);
        LotteryDraw committed = store.lottery(GATE).orElseThrow();
        clock.set(OPENS.plusMillis(100));
        room.tick();

        PreQueueOrder drawn = committed.order(GATE, OPENS, 50);
        List<Long> here = early.stream().map(j -> rankOf(j, status(room, j))).toList();
        assertThat(here).isEqualTo(early.stream().map(j -> drawn.rankOf(j.ticket().sequence())).toList());
        PreQueueOrder other = LotteryDraw.draw(new java.security.SecureRandom(), OPENS).order(GATE, OPENS, 50);
        assertThat(early.stream().map(j -> other.rankOf(j.ticket().sequence())).toList()).isNotEqualTo(here);
    }

    // --- rate -----------------------------------------------------------------------------------

    @Test
    void afterTSecondsAtRPerSecondAboutRTimesTAreAdmitted() {
        WaitingRoom room = room(gate(5));
        List<WaitingRoom.Joined> line = joinMany(room, 0, 300);
        clock.set(OPENS);
        room.tick();

        tickFor(room, Duration.ofSeconds(20));

        assertThat(store.progress(GATE).mark()).isBetween(99L, 100L);
        long admitted = line.stream().filter(j -> status(room, j) instanceof GateStatus.Admitted).count();
        assertThat(admitted).isEqualTo(store.progress(GATE).mark());
    }

    @Test
    void aNodeStartingLongAfterOpeningDoesNotAdmitABurst() {
        WaitingRoom configuring = room(gate(10));
        joinMany(configuring, 0, 2_000);
        clock.set(OPENS.plus(Duration.ofHours(1)));

        WaitingRoom late = room();
        late.tick();
        assertThat(store.progress(GATE).mark()).as("on its first tick").isZero();

        tickFor(late, Duration.ofSeconds(2));
        assertThat(store.progress(GATE).mark()).isBetween(19L, 20L);
    }

    /** Regression: the shared progress kept the last tick of the stopped nodes, and the whole gap was owed at once. */
    @Test
    void aNodeRestartingAfterEveryNodeStoppedDoesNotAdmitTheWholeGapAtOnce() {
        WaitingRoom before = room(gate(10));
        joinMany(before, 0, 2_000);
        clock.set(OPENS);
        before.tick();
        tickFor(before, Duration.ofSeconds(2));
        long markWhenStopped = store.progress(GATE).mark();
        clock.advance(Duration.ofHours(1));

        WaitingRoom restarted = room();
        restarted.tick();

        assertThat(store.progress(GATE).mark() - markWhenStopped).as("admitted by the first tick after an hour")
                .isLessThanOrEqualTo(10);
        tickFor(restarted, Duration.ofSeconds(2));
        assertThat(store.progress(GATE).mark() - markWhenStopped).isBetween(19L, 31L);
    }

    @Test
    void twoNodesTickingOneStoreAdmitAtThePolicysRateNotTwice() {
        WaitingRoom a = room(gate(5));
        List<WaitingRoom.Joined> line = joinMany(a, 0, 500);
        WaitingRoom b = room();
        clock.set(OPENS);
        a.tick();
        b.tick();

        // Ticks interleaved between the nodes ...
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(50));
            a.tick();
            clock.advance(Duration.ofMillis(50));
            b.tick();
        }
        assertThat(store.progress(GATE).mark()).isBetween(49L, 50L);

        // ... and at the same instants.
        for (int i = 0; i < 100; i++) {
            clock.advance(TICK);
            a.tick();
            b.tick();
        }
        assertThat(store.progress(GATE).mark()).isBetween(99L, 100L);

        for (WaitingRoom.Joined j : line.subList(0, 20)) {
            GateStatus atA = status(a, j);
            if (atA instanceof GateStatus.Admitted admittedAtA) {
                assertThat(admitted(status(b, j)).pass().expiresAt()).isEqualTo(admittedAtA.pass().expiresAt());
            } else {
                assertThat(rankOf(j, status(b, j))).isEqualTo(rankOf(j, atA));
            }
        }
    }

    @Test
    void aClockSteppingBackAdmitsNothingAndOwesNothingForIt() {
        WaitingRoom room = room(gate(10));
        joinMany(room, 0, 500);
        clock.set(OPENS);
        room.tick();
        tickFor(room, Duration.ofSeconds(2));
        long mark = store.progress(GATE).mark();
        Instant now = clock.instant();

        clock.set(now.minusMillis(1_500));
        tickFor(room, Duration.ofSeconds(1));
        assertThat(store.progress(GATE).mark()).isEqualTo(mark);

        clock.set(now);
        tickFor(room, Duration.ofSeconds(1));
        assertThat(store.progress(GATE).mark() - mark).isBetween(9L, 10L);
    }

    // --- pause ----------------------------------------------------------------------------------

    @Test
    void aPausedGateAdmitsNobodyAndOwesNothingForThePauseWhenResumed() {
        WaitingRoom room = room(gate(10));
        List<WaitingRoom.Joined> line = joinMany(room, 0, 1_000);
        clock.set(OPENS);
        room.tick();
        tickFor(room, Duration.ofSeconds(2));
        long beforePause = store.progress(GATE).mark();
        WaitingRoom.Joined latecomer = join(room, 2_000);

        room.configure(gate(10).withMode(GateMode.PAUSED, "back in a minute"));
        tickFor(room, Duration.ofSeconds(60));

        assertThat(store.progress(GATE).mark()).isEqualTo(beforePause);
        assertThat(line).filteredOn(j -> status(room, j) instanceof GateStatus.Admitted).hasSize((int) beforePause);
        GateStatus.Waiting w = waiting(status(room, latecomer));
        assertThat(w.rank()).isEqualTo(1_001);
        assertThat(w.phase()).isEqualTo(GatePhase.PAUSED);
        assertThat(w.message()).isEqualTo("back in a minute");
        assertThat(room.join(GATE, browser(5_000), null)).as("joins are still taken").isInstanceOf(WaitingRoom.Joined.class);

        // Said to be back in ten minutes: the wait counts from then, not from now.
        Duration before = w.eta();
        room.configure(gate(10).withMode(GateMode.PAUSED, new GateNotice("점검", "Maintenance", clock.instant().plus(Duration.ofMinutes(10)))));
        GateStatus.Waiting told = waiting(status(room, latecomer));
        assertThat(told.notice().messageEn()).isEqualTo("Maintenance");
        assertThat(told.eta()).isEqualTo(before.plus(Duration.ofMinutes(10)));

        room.configure(gate(10));
        tickFor(room, Duration.ofSeconds(1));

        assertThat(store.progress(GATE).mark() - beforePause).as("one second at 10/s, not 61").isBetween(9L, 10L);
    }

    // --- keyed gates ----------------------------------------------------------------------------

    @Test
    void aKeyedGateNeedsAHolder() {
        WaitingRoom room = room(keyed(gate(10)));

        assertThat(room.join(GATE, browser(0), null)).isEqualTo(refusedJoin(GateStatus.Reason.NEEDS_HOLDER));
        assertThat(room.join(GATE, browser(0), "")).isEqualTo(refusedJoin(GateStatus.Reason.NEEDS_HOLDER));
        assertThat(store.issued(GATE)).isZero();
    }

    @Test
    void fiveBrowsersOfOneHolderShareOnePlaceEachWithItsOwnTicket() {
        WaitingRoom room = room(keyed(gate(1)));
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        room.join(GATE, browser(90), "person:1");
        room.join(GATE, browser(91), "person:2");

        List<WaitingRoom.Joined> tabs = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            tabs.add(joined(room.join(GATE, browser(b), "person:42")));
        }

        assertThat(tabs).extracting(j -> j.ticket().sequence()).containsOnly(3L);
        assertThat(tabs).extracting(j -> j.ticket().holder()).containsOnly("person:42");
        assertThat(tabs).extracting(j -> j.ticket().browserId()).containsExactly(browser(0), browser(1), browser(2), browser(3), browser(4));
        assertThat(room.status(GATE, tabs.get(0).token(), browser(1))).as("a tab's ticket in another browser")
                .isEqualTo(new GateStatus.Refused(GateStatus.Reason.OTHER_BROWSER));
        assertThat(joined(room.join(GATE, browser(7), "person:43")).ticket().sequence()).isEqualTo(4);

        tickFor(room, Duration.ofSeconds(4));
        List<GateStatus.Admitted> admitted = tabs.stream().map(j -> admitted(status(room, j))).toList();
        assertThat(admitted).extracting(GateStatus.Admitted::rank).containsOnly(3L);
        assertThat(admitted).extracting(a -> a.pass().browserId()).containsExactly(browser(0), browser(1), browser(2), browser(3), browser(4));
        assertThat(admitted).extracting(a -> a.pass().holder()).containsOnly("person:42");
        assertThat(admitted).extracting(a -> a.pass().expiresAt()).containsOnly(admitted.get(0).pass().expiresAt());

        assertThat(room.spend(admitted.get(2).pass())).isTrue();
        for (WaitingRoom.Joined tab : tabs) {
            assertThat(status(room, tab)).as("one place, spent from one tab").isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_SPENT));
        }
        assertThat(room.check(GATE, admitted.get(4).passToken(), browser(4))).isEqualTo(new PassCheck.Refused(PassCheck.Reason.SPENT));
    }

    @Test
    void aHolderWhosePassWasUsedOrExpiredJoinsAgainAtTheBackNotStuckForever() {
        WaitingRoom room = room(keyed(gate(100)));
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        WaitingRoom.Joined first = joined(room.join(GATE, browser(0), "person:42"));
        tickFor(room, Duration.ofSeconds(1));
        GateStatus.Admitted turn = admitted(status(room, first));
        assertThat(room.spend(turn.pass())).isTrue();
        joined(room.join(GATE, browser(1), "person:7"));

        WaitingRoom.Joined again = joined(room.join(GATE, browser(0), "person:42"));
        assertThat(again.ticket().sequence()).as("a new place, behind person 7").isEqualTo(3);
        assertThat(joined(room.join(GATE, browser(2), "person:42")).ticket().sequence()).as("still one place per person").isEqualTo(3);

        tickFor(room, Duration.ofSeconds(1));
        GateStatus.Admitted secondTurn = admitted(status(room, again));
        clock.advance(PASS_LIFETIME.plusSeconds(1));
        assertThat(status(room, again)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
        assertThat(joined(room.join(GATE, browser(0), "person:42")).ticket().sequence()).isGreaterThan(secondTurn.rank());
    }

    // --- refusals -------------------------------------------------------------------------------

    @Test
    void aForgedOrTamperedTicketIsRefusedAsInvalid() {
        WaitingRoom room = room(gate(10));
        String genuine = join(room, 0).token();
        GateTokens otherServer = new GateTokens(TestKeys.fixed("k1", 2));
        List<String> forgeries = new ArrayList<>(List.of("", "not a ticket", genuine + "x", genuine.substring(0, genuine.length() - 2),
                otherServer.encode(new Ticket(GATE, 1, clock.instant(), browser(0), "")),
                passes.sign(new Pass(GATE, 1, browser(0), "", clock.instant(), clock.instant().plusSeconds(60)))));
        forgeries.add(null);

        for (String forged : forgeries) {
            assertThat(room.status(GATE, forged, browser(0))).as("%s", forged)
                    .isEqualTo(new GateStatus.Refused(GateStatus.Reason.INVALID_TICKET));
        }
    }

    @Test
    void aTicketIsHonouredOnlyAtItsGateFromItsBrowser() {
        WaitingRoom room = room(gate(10), named("booking", gate(10)));
        WaitingRoom.Joined ticket = join(room, 0);

        assertThat(room.status("booking", ticket.token(), browser(0))).isEqualTo(new GateStatus.Refused(GateStatus.Reason.OTHER_GATE));
        assertThat(room.status(GATE, ticket.token(), browser(1))).isEqualTo(new GateStatus.Refused(GateStatus.Reason.OTHER_BROWSER));
        assertThat(room.status("nowhere", ticket.token(), browser(0))).isEqualTo(new GateStatus.Refused(GateStatus.Reason.UNKNOWN_GATE));
        assertThat(room.status(GATE, ticket.token(), browser(0))).isInstanceOf(GateStatus.Waiting.class);
    }

    // --- passes ---------------------------------------------------------------------------------

    @Test
    void aPassExpiresItsLifetimeAfterAdmissionHoweverOftenAndLateItIsAskedFor() {
        WaitingRoom room = room(gate(10));
        WaitingRoom.Joined ticket = join(room, 0);
        clock.set(OPENS.plusMillis(200));
        room.tick();
        Instant admittedAt = clock.instant();

        GateStatus.Admitted first = admitted(status(room, ticket));
        assertThat(first.pass()).isEqualTo(new Pass(GATE, 1, browser(0), "", admittedAt, admittedAt.plus(PASS_LIFETIME)));
        assertThat(passes.verify(first.passToken())).contains(first.pass());

        // Ticking every second all the while: checkpoints are trimmed, nobody is bounced early.
        Instant lastMoment = admittedAt.plus(PASS_LIFETIME).minusMillis(1);
        while (clock.instant().isBefore(lastMoment.minusSeconds(1))) {
            clock.advance(Duration.ofSeconds(1));
            room.tick();
            GateStatus.Admitted again = admitted(status(room, ticket));
            assertThat(again.pass().expiresAt()).as("asked at %s", clock.instant()).isEqualTo(admittedAt.plus(PASS_LIFETIME));
            assertThat(again.pass().issuedAt()).isEqualTo(clock.instant());
        }
        clock.set(lastMoment);
        assertThat(admitted(status(room, ticket)).pass().expiresAt()).isEqualTo(admittedAt.plus(PASS_LIFETIME));

        clock.set(admittedAt.plus(PASS_LIFETIME));
        assertThat(status(room, ticket)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
        clock.advance(Duration.ofHours(1));
        room.tick();
        assertThat(status(room, ticket)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
    }

    @Test
    void aPassFirstAskedForAfterItsLifetimeHasAlreadyExpired() {
        WaitingRoom room = room(gate(10));
        WaitingRoom.Joined ticket = join(room, 0);
        clock.set(OPENS.plusSeconds(1));
        room.tick();

        clock.advance(PASS_LIFETIME.plusSeconds(1));

        assertThat(status(room, ticket)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
    }

    @Test
    void aSpentPassIsNotGivenAgain() {
        WaitingRoom room = room(gate(10));
        WaitingRoom.Joined ticket = join(room, 0);
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        Pass pass = admitted(status(room, ticket)).pass();

        assertThat(room.spend(pass)).isTrue();
        assertThat(room.spend(pass)).isFalse();

        assertThat(status(room, ticket)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_SPENT));
    }

    @Test
    void aPassIsCheckedForItsGateBrowserExpiryAndUse() {
        WaitingRoom room = room(gate(10), named("booking", gate(10)));
        WaitingRoom.Joined ticket = join(room, 0);
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        GateStatus.Admitted admitted = admitted(status(room, ticket));
        String pass = admitted.passToken();
        PassSigner otherServer = new HmacTestPassSigner(TestKeys.fixed("p1", 3));

        assertThat(room.check(GATE, pass, browser(0))).isEqualTo(new PassCheck.Valid(admitted.pass()));
        assertThat(room.check(GATE, null, browser(0))).isEqualTo(refusedPass(PassCheck.Reason.MISSING));
        assertThat(room.check(GATE, "", browser(0))).isEqualTo(refusedPass(PassCheck.Reason.MISSING));
        assertThat(room.check(GATE, "garbage", browser(0))).isEqualTo(refusedPass(PassCheck.Reason.FORGED));
        assertThat(room.check(GATE, pass + "x", browser(0))).isEqualTo(refusedPass(PassCheck.Reason.FORGED));
        assertThat(room.check(GATE, otherServer.sign(admitted.pass()), browser(0))).isEqualTo(refusedPass(PassCheck.Reason.FORGED));
        assertThat(room.check(GATE, ticket.token(), browser(0))).as("a ticket").isEqualTo(refusedPass(PassCheck.Reason.FORGED));
        assertThat(room.check("booking", pass, browser(0))).isEqualTo(refusedPass(PassCheck.Reason.OTHER_GATE));
        assertThat(room.check(GATE, pass, browser(1))).isEqualTo(refusedPass(PassCheck.Reason.OTHER_BROWSER));

        clock.set(admitted.pass().expiresAt().minusNanos(1));
        assertThat(room.check(GATE, pass, browser(0))).isInstanceOf(PassCheck.Valid.class);
        clock.set(admitted.pass().expiresAt());
        assertThat(room.check(GATE, pass, browser(0))).as("at expiry").isEqualTo(refusedPass(PassCheck.Reason.EXPIRED));

        clock.set(admitted.pass().expiresAt().minusSeconds(1));
        assertThat(room.spend(admitted.pass())).isTrue();
        assertThat(room.check(GATE, pass, browser(0))).isEqualTo(refusedPass(PassCheck.Reason.SPENT));
        assertThat(room.spend(admitted.pass())).isFalse();
    }

    // --- concurrency target ---------------------------------------------------------------------

    @Test
    void aConcurrencyTargetGateKeepsOutstandingPassesAtMostAtTheTarget() {
        Duration lifetime = Duration.ofSeconds(30);
        WaitingRoom room = room(withLifetime(gate(new AdmissionPolicy.ConcurrencyTarget(5, 100)), lifetime));
        List<WaitingRoom.Joined> line = joinMany(room, 0, 40);
        clock.set(OPENS);
        room.tick();

        tickFor(room, Duration.ofSeconds(2));
        assertThat(store.progress(GATE).mark()).isEqualTo(5);
        assertThat(room.figures(GATE).orElseThrow().outstanding()).isEqualTo(5);
        assertThat(outstandingSeenBy(room, line)).isEqualTo(5);

        // Spending frees room at once.
        spendAdmitted(room, line, 2);
        tickFor(room, Duration.ofSeconds(2));
        assertThat(store.progress(GATE).mark()).isEqualTo(7);
        assertThat(outstandingSeenBy(room, line)).isEqualTo(5);

        // Expiring frees room too: the first five expire 30 s after opening, the next two later.
        clock.set(OPENS.plus(lifetime).minusMillis(1));
        room.tick();
        assertThat(store.progress(GATE).mark()).isEqualTo(7);
        clock.set(OPENS.plus(lifetime).plusMillis(50));
        room.tick();
        tickFor(room, Duration.ofSeconds(1));
        assertThat(store.progress(GATE).mark()).isEqualTo(10);
        assertThat(room.figures(GATE).orElseThrow().outstanding()).isEqualTo(5);
        assertThat(outstandingSeenBy(room, line)).isEqualTo(5);
    }

    // --- polling --------------------------------------------------------------------------------

    @Test
    void peopleFurtherBackAreToldToPollLessOften() {
        WaitingRoom room = room(NO_JITTER, gate(1));
        clock.set(OPENS);
        room.tick();
        List<WaitingRoom.Joined> line = joinMany(room, 0, 300);

        List<Duration> polls = new ArrayList<>();
        for (int i : new int[] {0, 4, 10, 40, 100, 299}) {
            polls.add(waiting(status(room, line.get(i))).pollAfter());
        }

        assertThat(polls).isSorted();
        assertThat(polls.get(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(polls.get(3)).isGreaterThan(polls.get(1));
        assertThat(polls.get(5)).isEqualTo(GateConfig.DEFAULT_MAX_POLL);
    }

    @Test
    void pollTimesAreSpreadSoACrowdDoesNotAskTogether() {
        WaitingRoom room = room(gate(1));
        clock.set(OPENS);
        room.tick();
        List<WaitingRoom.Joined> line = joinMany(room, 0, 400);

        Set<Duration> polls = new HashSet<>();
        for (WaitingRoom.Joined j : line.subList(300, 400)) {
            Duration poll = waiting(status(room, j)).pollAfter();
            assertThat(poll).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(72));
            polls.add(poll);
        }
        assertThat(polls).as("different poll times among 100 people far back").hasSizeGreaterThan(50);
    }

    @Test
    void aBigPreQueueNearTheOpeningIsToldToComeBackAfterItSpreadOverAQuarterOfItsWait() {
        WaitingRoom room = room(gate(10));
        List<WaitingRoom.Joined> line = joinMany(room, 0, 2_000);
        clock.set(OPENS.minusSeconds(5));
        room.tick();

        int[] perSecondAfterOpening = new int[40];
        for (WaitingRoom.Joined j : line) {
            Duration poll = waiting(status(room, j)).pollAfter();
            // 2,000 in the pre-queue at 10/s: 100 s expected after opening, a quarter of it is 25 s.
            assertThat(poll).as("never before the opening").isGreaterThanOrEqualTo(Duration.ofSeconds(5))
                    .isLessThanOrEqualTo(Duration.ofSeconds(30));
            perSecondAfterOpening[(int) poll.minusSeconds(5).toSeconds()]++;
        }
        int busiest = java.util.Arrays.stream(perSecondAfterOpening).max().orElseThrow();
        assertThat(busiest).as("polls in the busiest second after opening (80 a second on average)").isLessThan(160);
    }

    @Test
    void farFromTheOpeningAPreQueuePagePollsAtHalfTheTimeLeftWithinTheLongestInterval() {
        WaitingRoom room = room(NO_JITTER, gate(10));
        WaitingRoom.Joined j = join(room, 0);

        clock.set(OPENS.minusSeconds(100));
        assertThat(waiting(status(room, j)).pollAfter()).isEqualTo(Duration.ofSeconds(50));
        clock.set(OPENS.minus(Duration.ofMinutes(9)));
        assertThat(waiting(status(room, j)).pollAfter()).isEqualTo(GateConfig.DEFAULT_MAX_POLL);
        clock.set(OPENS.minusMillis(300));
        assertThat(waiting(status(room, j)).pollAfter()).as("one alone: within the first seconds after opening")
                .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1_300));
    }

    @Property(tries = 100)
    void pollAfterStaysWithinASecondAndTheLongestIntervalGivenOrTakeAFifth(
            @ForAll @IntRange(min = 1, max = 200) int joiners, @ForAll @DoubleRange(min = 0.01, max = 5_000) double perSecond,
            @ForAll @LongRange(min = -3_600, max = 600) long secondsFromOpening, @ForAll @IntRange(min = 1, max = 600) int maxPollSeconds,
            @ForAll boolean paused, @ForAll long seed) {
        MutableClock clock = MutableClock.at(OPENS.minusSeconds(3_601));
        GateConfig config = new GateConfig(GATE, OPENS.minusSeconds(3_601), OPENS, new AdmissionPolicy.FixedRate(perSecond),
                PASS_LIFETIME, false, paused ? GateMode.PAUSED : GateMode.ACTIVE, "", Duration.ofSeconds(maxPollSeconds));
        WaitingRoom room = new WaitingRoom(new InMemoryGateStore(), tokens, passes, clock, new SplittableRandom(seed),
                g -> DownstreamHealth.UNKNOWN);
        room.configure(config);
        List<WaitingRoom.Joined> line = new ArrayList<>();
        for (int i = 0; i < joiners; i++) {
            line.add(joined(room.join(GATE, browser(i), null)));
        }
        clock.set(OPENS.plusSeconds(secondsFromOpening));
        room.tick();

        Duration max = Duration.ofSeconds(maxPollSeconds).multipliedBy(6).dividedBy(5);
        Duration untilOpen = secondsFromOpening < 0 ? Duration.ofSeconds(-secondsFromOpening) : Duration.ZERO;
        for (WaitingRoom.Joined j : line) {
            if (status(room, j) instanceof GateStatus.Waiting w) {
                // A pre-queue page near the opening is sent past it, by at most the longest interval.
                Duration most = w.inPreQueue() && untilOpen.plusSeconds(maxPollSeconds).compareTo(max) > 0
                        ? untilOpen.plusSeconds(Math.max(1, maxPollSeconds)) : max;
                assertThat(w.pollAfter()).isBetween(Duration.ofMillis(800), most);
            }
        }
    }

    // --- estimates and figures ------------------------------------------------------------------

    @Test
    void beforeOpeningTheEstimateIsTheTimeToOpeningAndHalfThePreQueue() {
        WaitingRoom room = room(gate(2));
        joinMany(room, 0, 39);
        WaitingRoom.Joined last = join(room, 39);
        clock.set(OPENS.minus(Duration.ofMinutes(5)));

        GateStatus.Waiting w = waiting(status(room, last));

        assertThat(w.eta()).isEqualTo(Duration.ofMinutes(5).plusSeconds(10));
        assertThat(w.ahead()).isEqualTo(39);
        assertThat(w.opensAt()).isEqualTo(OPENS);
    }

    @Test
    void theEstimateUsesTheNominalRateUntilARateIsMeasuredAndTheMeasuredRateAfter() {
        // Nominally 100/s, but only 3 may be outstanding, and nobody finishes: the real rate is far lower.
        WaitingRoom room = room(gate(new AdmissionPolicy.ConcurrencyTarget(3, 100)));
        clock.set(OPENS);
        room.tick();
        List<WaitingRoom.Joined> line = joinMany(room, 0, 40);
        tickFor(room, Duration.ofSeconds(1));

        GateStatus.Waiting early = waiting(status(room, line.get(19)));
        long ahead = early.rank() - 4;
        assertThat(early.ahead()).isEqualTo(ahead);
        assertThat(early.eta()).as("nominal").isEqualTo(Duration.ofMillis((ahead + 1) * 10));

        tickFor(room, Duration.ofSeconds(9));
        GateFigures figures = room.figures(GATE).orElseThrow();
        GateStatus.Waiting later = waiting(status(room, line.get(19)));

        assertThat(figures.admitPerSecond()).as("3 in 10 s").isCloseTo(0.3, within(1e-9));
        assertThat(later.eta().toMillis()).isCloseTo((long) Math.ceil((ahead + 1) / 0.3 * 1000), within(1L));
    }

    @Test
    void figuresCountIssuedAdmittedWaitingAndOutstanding() {
        WaitingRoom room = room(gate(2).withMode(GateMode.ACTIVE, "welcome"));
        joinMany(room, 0, 7);
        room.tick();
        GateFigures before = room.figures(GATE).orElseThrow();
        assertThat(before).isEqualTo(new GateFigures(GATE, GatePhase.PRE_QUEUE, 7, 0, 7, 2, Duration.ofMillis(3_500), 0, -1, "welcome"));

        clock.set(OPENS);
        room.tick();
        tickFor(room, Duration.ofSeconds(2));

        assertThat(room.figures(GATE).orElseThrow())
                .isEqualTo(new GateFigures(GATE, GatePhase.OPEN, 7, 4, 3, 2, Duration.ofMillis(1_500), 4, 7, "welcome"));
        assertThat(room.figures("nowhere")).isEmpty();
    }

    @Test
    void theMeasuredRateCountsEveryNodesAdmissionsWithoutAskingTheStoreEachTick() {
        PausingGateStore shared = new PausingGateStore(store);
        // Outstanding passes recounted once a second (as on a shared store): those counts ask markAt too.
        WaitingRoom a = new WaitingRoom(shared, tokens, passes, clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN, null,
                Duration.ofSeconds(1));
        WaitingRoom b = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(2), g -> DownstreamHealth.UNKNOWN);
        a.configure(gate(10));
        joinMany(a, 0, 2_000);
        clock.set(OPENS);
        // Two nodes take turns: every other tick's admissions are the other node's.
        tickInTurn(50, 1_300, a, b);
        long asked = shared.calls("markAt");
        tickInTurn(50, 200, a, b);
        assertThat(shared.calls("markAt") - asked).as("after a minute of its own readings: only the ten recounts in 10 s")
                .isLessThanOrEqualTo(11);

        double measured = a.figures(GATE).orElseThrow().admitPerSecond();
        WaitingRoom fresh = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(3), g -> DownstreamHealth.UNKNOWN);
        fresh.tick();
        assertThat(measured).as("the store's checkpoints say").isCloseTo(fresh.figures(GATE).orElseThrow().admitPerSecond(), within(0.05));
        assertThat(measured).isCloseTo(10.0, within(0.2));
    }

    @Test
    void aNodeYoungerThanTheRateWindowAsksTheStoreForItsStartAboutOnceASecond() {
        // An established node ticks the night's first five minutes and leaves checkpoints behind.
        WaitingRoom old = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
        old.configure(gate(10));
        joinMany(old, 0, 5_000);
        clock.set(OPENS);
        tickInTurn(100, 3_000, old);
        // A node started now ticks ten seconds (and recounts outstanding passes once a second, as on a shared store).
        PausingGateStore shared = new PausingGateStore(store);
        WaitingRoom started = new WaitingRoom(shared, tokens, passes, clock, new SplittableRandom(2), g -> DownstreamHealth.UNKNOWN, null,
                Duration.ofSeconds(1));
        tickInTurn(50, 200, started);

        assertThat(shared.calls("markAt")).as("the window's start once a second, the recount's once a second: not 200 ticks' worth")
                .isLessThanOrEqualTo(22);
        WaitingRoom fresh = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(3), g -> DownstreamHealth.UNKNOWN);
        fresh.tick();
        // The start's reading serves for up to a second as the window moves on: at most a second's
        // admissions (10 of a 60 s window) apart from asking the store at each tick.
        assertThat(started.figures(GATE).orElseThrow().admitPerSecond()).as("the store's checkpoints say")
                .isCloseTo(fresh.figures(GATE).orElseThrow().admitPerSecond(), within(10.0 / 60 + 1e-9))
                .isCloseTo(10.0, within(0.2));
    }

    @Test
    void inAGatesFirstMinuteItsOpeningMarkIsAskedOnce() {
        PausingGateStore shared = new PausingGateStore(store);
        // Outstanding passes counted once in the ten minutes (their count asks markAt too).
        WaitingRoom node = new WaitingRoom(shared, tokens, passes, clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN, null,
                Duration.ofMinutes(10));
        node.configure(gate(10));
        joinMany(node, 0, 2_000);
        clock.set(OPENS);
        long before = shared.calls("markAt");
        tickInTurn(100, 400, node);

        assertThat(shared.calls("markAt") - before).as("the window starts at the opening for its first minute; one outstanding count")
                .isLessThanOrEqualTo(2);
        assertThat(node.figures(GATE).orElseThrow().admitPerSecond()).isCloseTo(10.0, within(0.2));
    }

    /** {@code ticks} ticks {@code millis} apart, the nodes taking turns. */
    private void tickInTurn(long millis, int ticks, WaitingRoom... nodes) {
        for (int i = 0; i < ticks; i++) {
            clock.advance(Duration.ofMillis(millis));
            nodes[i % nodes.length].tick();
        }
    }

    // --- invariants under any sequence ----------------------------------------------------------

    sealed interface Op {
        record Join() implements Op {
        }

        record Tick() implements Op {
        }

        record Advance(long millis) implements Op {
        }

        record Spend(int which) implements Op {
        }
    }

    /**
     * Whatever happens, in whatever order: ranks never change once drawn and are all different;
     * the admitted are exactly the ranks up to the mark (a prefix of the order); the mark never
     * passes the places issued; nobody is admitted before opening nor faster than the rate; those
     * who joined before opening rank ahead of all who joined after, who rank in arrival order; and
     * a concurrency-target gate never has more passes out than its target.
     */
    @Property(tries = 200)
    void theAdmittedAreAlwaysAPrefixOfTheRankOrder(@ForAll("ops") List<Op> ops,
                                                   @ForAll @IntRange(min = -5_000, max = 5_000) int startMillisFromOpening,
                                                   @ForAll("rates") double perSecond, @ForAll boolean concurrencyTarget) {
        // jqwik makes one instance per property, not per try: each try gets its own clock and store.
        MutableClock clock = MutableClock.at(OPENS.plusMillis(startMillisFromOpening));
        InMemoryGateStore store = new InMemoryGateStore();
        AdmissionPolicy admission = concurrencyTarget ? new AdmissionPolicy.ConcurrencyTarget(3, perSecond)
                : new AdmissionPolicy.FixedRate(perSecond);
        WaitingRoom room = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(7),
                g -> DownstreamHealth.UNKNOWN);
        room.configure(new GateConfig(GATE, OPENS.minusSeconds(60), OPENS, admission, Duration.ofSeconds(10), false, GateMode.ACTIVE,
                "", GateConfig.DEFAULT_MAX_POLL));
        List<WaitingRoom.Joined> line = new ArrayList<>();
        List<Boolean> joinedAfterOpening = new ArrayList<>();
        Map<Integer, Long> ranks = new HashMap<>();
        Set<Integer> spent = new HashSet<>();

        for (Op op : ops) {
            switch (op) {
                case Op.Join j -> {
                    joinedAfterOpening.add(!clock.instant().isBefore(OPENS));
                    line.add(joined(room.join(GATE, browser(line.size()), null)));
                }
                case Op.Tick t -> room.tick();
                case Op.Advance a -> clock.advance(Duration.ofMillis(a.millis()));
                case Op.Spend s -> {
                    if (!line.isEmpty()) {
                        int which = s.which() % line.size();
                        if (status(room, line.get(which)) instanceof GateStatus.Admitted a) {
                            assertThat(room.spend(a.pass())).as("first spend of #%d", which).isEqualTo(spent.add(which));
                        }
                    }
                }
            }

            long mark = store.progress(GATE).mark();
            long preQueue = store.progress(GATE).preQueueSize();
            assertThat(mark).as("mark").isBetween(0L, store.issued(GATE));
            TreeSet<Long> admitted = new TreeSet<>();
            TreeSet<Long> waiting = new TreeSet<>();
            long outstanding = 0;
            for (int i = 0; i < line.size(); i++) {
                GateStatus s = status(room, line.get(i));
                if (s instanceof GateStatus.Waiting w && w.inPreQueue()) {
                    assertThat(preQueue).as("rank 0 while the pre-queue is not drawn").isNegative();
                    continue;
                }
                long rank = switch (s) {
                    case GateStatus.Waiting w -> w.rank();
                    case GateStatus.Admitted a -> a.rank();
                    case GateStatus.Refused r -> {
                        assertThat(r.reason()).isIn(GateStatus.Reason.PASS_EXPIRED, GateStatus.Reason.PASS_SPENT);
                        assertThat(ranks).as("#%d refused before its rank was seen", i + 1).containsKey(i);
                        yield ranks.get(i);
                    }
                };
                Long before = ranks.put(i, rank);
                assertThat(before == null || before == rank).as("#%d rank changed from %s to %d", i + 1, before, rank).isTrue();
                if (s instanceof GateStatus.Waiting) {
                    waiting.add(rank);
                } else {
                    admitted.add(rank);
                }
                if (s instanceof GateStatus.Admitted) {
                    outstanding++;
                }
                if (spent.contains(i)) {
                    assertThat(s).isInstanceOf(GateStatus.Refused.class);
                }
                assertThat(rank <= preQueue).as("#%d joined %s opening, rank %d, pre-queue %d", i + 1,
                        joinedAfterOpening.get(i) ? "after" : "before", rank, preQueue).isEqualTo(!joinedAfterOpening.get(i));
            }
            assertThat(new HashSet<>(ranks.values())).as("ranks all different").hasSize(ranks.size());
            assertThat(admitted).as("the admitted are ranks 1..mark").containsExactlyElementsOf(LongStream.rangeClosed(1, mark).boxed().toList());
            if (!waiting.isEmpty()) {
                assertThat(waiting.first()).isGreaterThan(mark);
            }
            long previous = 0;
            for (int i = 0; i < line.size(); i++) {
                if (joinedAfterOpening.get(i) && ranks.containsKey(i)) {
                    assertThat(ranks.get(i)).as("#%d joined after opening, in arrival order", i + 1).isGreaterThan(previous);
                    previous = ranks.get(i);
                }
            }
            if (clock.instant().isBefore(OPENS)) {
                assertThat(mark).as("admitted before opening").isZero();
            } else {
                double secondsOpen = Duration.between(OPENS, clock.instant()).toNanos() / 1e9;
                assertThat((double) mark).as("admitted faster than the rate").isLessThanOrEqualTo(Math.floor(secondsOpen * perSecond + 1e-6));
            }
            if (concurrencyTarget) {
                assertThat(outstanding).as("passes out").isLessThanOrEqualTo(3);
            }
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> join = Arbitraries.just(new Op.Join());
        Arbitrary<Op> tick = Arbitraries.just(new Op.Tick());
        Arbitrary<Op> advance = Arbitraries.longs().between(0, 4_000).map(Op.Advance::new);
        Arbitrary<Op> spend = Arbitraries.integers().between(0, 100).map(Op.Spend::new);
        return Arbitraries.oneOf(List.of(join, join, join, tick, tick, tick, advance, advance, advance, spend)).list().ofMaxSize(50);
    }

    @Provide
    Arbitrary<Double> rates() {
        return Arbitraries.of(0.5, 1.0, 2.5, 10.0, 1_000.0);
    }

    // --- helpers --------------------------------------------------------------------------------

    private WaitingRoom room(GateConfig... gates) {
        return room(new SplittableRandom(1), gates);
    }

    private WaitingRoom room(RandomGenerator random, GateConfig... gates) {
        WaitingRoom room = new WaitingRoom(store, tokens, passes, clock, random,
                g -> health.getOrDefault(g, DownstreamHealth.UNKNOWN));
        for (GateConfig g : gates) {
            room.configure(g);
        }
        return room;
    }

    /** Joinable from an hour before opening; opens at {@link #OPENS}; a fixed rate. */
    private static GateConfig gate(double perSecond) {
        return gate(new AdmissionPolicy.FixedRate(perSecond));
    }

    private static GateConfig gate(AdmissionPolicy admission) {
        return new GateConfig(GATE, OPENS.minus(Duration.ofHours(1)), OPENS, admission, PASS_LIFETIME, false, GateMode.ACTIVE, "",
                GateConfig.DEFAULT_MAX_POLL);
    }

    private static GateConfig named(String name, GateConfig c) {
        return new GateConfig(name, c.joinFrom(), c.opensAt(), c.admission(), c.passLifetime(), c.keyedByPerson(), c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static GateConfig keyed(GateConfig c) {
        return new GateConfig(c.name(), c.joinFrom(), c.opensAt(), c.admission(), c.passLifetime(), true, c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static GateConfig withJoinFrom(GateConfig c, Instant joinFrom) {
        return new GateConfig(c.name(), joinFrom, c.opensAt(), c.admission(), c.passLifetime(), c.keyedByPerson(), c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static GateConfig withOpening(GateConfig c, Instant opensAt) {
        return new GateConfig(c.name(), c.joinFrom(), opensAt, c.admission(), c.passLifetime(), c.keyedByPerson(), c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static GateConfig withLifetime(GateConfig c, Duration lifetime) {
        return new GateConfig(c.name(), c.joinFrom(), c.opensAt(), c.admission(), lifetime, c.keyedByPerson(), c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static String browser(int n) {
        return "browser-%016d".formatted(n);
    }

    private static WaitingRoom.Joined join(WaitingRoom room, int browser) {
        return joined(room.join(GATE, browser(browser), null));
    }

    private static List<WaitingRoom.Joined> joinMany(WaitingRoom room, int firstBrowser, int count) {
        List<WaitingRoom.Joined> line = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            line.add(join(room, firstBrowser + i));
        }
        return line;
    }

    private static WaitingRoom.Joined joined(WaitingRoom.JoinOutcome outcome) {
        assertThat(outcome).isInstanceOf(WaitingRoom.Joined.class);
        return (WaitingRoom.Joined) outcome;
    }

    private static WaitingRoom.JoinRefused refusedJoin(GateStatus.Reason reason) {
        return new WaitingRoom.JoinRefused(new GateStatus.Refused(reason));
    }

    private static PassCheck.Refused refusedPass(PassCheck.Reason reason) {
        return new PassCheck.Refused(reason);
    }

    private static GateStatus status(WaitingRoom room, WaitingRoom.Joined ticket) {
        return room.status(ticket.ticket().gate(), ticket.token(), ticket.ticket().browserId());
    }

    private static GateStatus.Admitted admitted(GateStatus status) {
        assertThat(status).isInstanceOf(GateStatus.Admitted.class);
        return (GateStatus.Admitted) status;
    }

    private static GateStatus.Waiting waiting(GateStatus status) {
        assertThat(status).isInstanceOf(GateStatus.Waiting.class);
        return (GateStatus.Waiting) status;
    }

    /** The rank a status shows; for a refusal (closed, expired, spent), the ticket's sequence (tests without a pre-queue). */
    private static long rankOf(WaitingRoom.Joined ticket, GateStatus status) {
        return switch (status) {
            case GateStatus.Waiting w -> w.rank();
            case GateStatus.Admitted a -> a.rank();
            case GateStatus.Refused r -> ticket.ticket().sequence();
        };
    }

    /** Ticks every 100 ms for {@code total}. */
    private void tickFor(WaitingRoom room, Duration total) {
        for (long n = total.dividedBy(TICK); n > 0; n--) {
            clock.advance(TICK);
            room.tick();
        }
    }

    private static long outstandingSeenBy(WaitingRoom room, List<WaitingRoom.Joined> line) {
        return line.stream().filter(j -> status(room, j) instanceof GateStatus.Admitted).count();
    }

    private static void spendAdmitted(WaitingRoom room, List<WaitingRoom.Joined> line, int count) {
        int left = count;
        for (WaitingRoom.Joined j : line) {
            if (left > 0 && status(room, j) instanceof GateStatus.Admitted a) {
                assertThat(room.spend(a.pass())).isTrue();
                left--;
            }
        }
        assertThat(left).as("passes left to spend").isZero();
    }
}
