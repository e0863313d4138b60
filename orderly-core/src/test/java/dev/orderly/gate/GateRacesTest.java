package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.testing.Race;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Races in the gate, each played out step by step: a store stopped in the middle of one caller
 * ({@link PausingGateStore}, or the memory store's own pause inside an advance) while another
 * caller acts. Nothing here depends on timing: every interleaving is forced.
 */
class GateRacesTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final String GATE = "identity";
    private static final Duration LIMIT = Duration.ofMinutes(1);

    private final MutableClock clock = MutableClock.at(OPENS.minus(Duration.ofMinutes(10)));
    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));
    private final PassSigner passes = new HmacTestPassSigner(TestKeys.fixed("p1", 2));
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    // --- the opening time and the draw of the pre-queue ----------------------------------------

    @Test
    void movingTheOpeningWhileATickDrawsThePreQueueNeverRedrawsRanksAlreadyAdmitted() {
        PausingGateStore store = new PausingGateStore(new InMemoryGateStore());
        WaitingRoom room = room(store, gate(20));
        List<WaitingRoom.Joined> line = joinMany(room, 30);
        clock.set(OPENS.plusMillis(500));

        // The tick has read the gate as opening now and is about to draw the pre-queue...
        PausingGateStore.Pause atDraw = store.pauseBefore("advance");
        CompletableFuture<Void> ticking = CompletableFuture.runAsync(room::tick, threads);
        atDraw.awaitArrival();
        // ...when an operator moves the opening an hour on.
        WaitingRoom.ConfigureOutcome moved = room.configure(withOpening(gate(20), OPENS.plusSeconds(3_600)));
        atDraw.release();
        ticking.orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join();

        Map<Integer, Long> admittedThen = admittedRanks(room, line);
        room.tick();
        assertThat(admittedRanks(room, line)).as("nobody admitted loses their rank").containsAllEntriesOf(admittedThen);
        assertThat(moved).isInstanceOf(WaitingRoom.Configured.class);
        assertThat(admittedThen).as("the move came first: nobody is admitted before the new opening").isEmpty();
        assertThat(room.gate(GATE).map(GateConfig::opensAt)).contains(OPENS.plusSeconds(3_600));

        clock.set(OPENS.plusSeconds(3_601));
        room.tick();
        Map<Integer, Long> atNewOpening = admittedRanks(room, line);
        assertThat(atNewOpening).isNotEmpty();
        room.tick();
        assertThat(admittedRanks(room, line)).containsAllEntriesOf(atNewOpening);
    }

    @Test
    void aTickDrawingThePreQueueWhileTheOpeningIsBeingMovedMakesTheMoveFailNotTheDraw() {
        PausingGateStore store = new PausingGateStore(new InMemoryGateStore());
        WaitingRoom room = room(store, gate(20));
        List<WaitingRoom.Joined> line = joinMany(room, 30);
        clock.set(OPENS.plusMillis(500));

        // The operator's change has read the gate as not drawn yet and is about to save...
        PausingGateStore.Pause atSave = store.pauseBefore("saveConfig", "saveConfigIf");
        CompletableFuture<WaitingRoom.ConfigureOutcome> moving = CompletableFuture.supplyAsync(
                () -> room.configure(withOpening(gate(20), OPENS.plusSeconds(3_600))), threads);
        atSave.awaitArrival();
        // ...when the tick opens the gate, draws the pre-queue and admits the first ten.
        room.tick();
        Map<Integer, Long> admittedThen = admittedRanks(room, line);
        atSave.release();
        WaitingRoom.ConfigureOutcome outcome = moving.orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join();

        room.tick();
        assertThat(admittedThen).hasSize(10);
        assertThat(admittedRanks(room, line)).as("nobody admitted loses their rank").containsAllEntriesOf(admittedThen);
        assertThat(outcome).isEqualTo(new WaitingRoom.OpeningFixed(OPENS));
        assertThat(room.gate(GATE).map(GateConfig::opensAt)).contains(OPENS);
    }

    @Test
    void aTickThatReadTheGateBeforeAPauseDoesNotShowTheLineAsOpenAfterIt() {
        PausingGateStore store = new PausingGateStore(new InMemoryGateStore());
        WaitingRoom room = room(store, gate(2));
        List<WaitingRoom.Joined> line = joinMany(room, 30);
        clock.set(OPENS.plusMillis(500));
        room.tick();
        clock.set(OPENS.plusSeconds(2));

        // The tick has read the gate as open and is about to admit the next ones...
        PausingGateStore.Pause atAdvance = store.pauseBefore("advance");
        CompletableFuture<Void> ticking = CompletableFuture.runAsync(room::tick, threads);
        atAdvance.awaitArrival();
        // ...when an operator pauses it.
        assertThat(room.configure(gate(2).withMode(GateMode.PAUSED, "점검"))).isInstanceOf(WaitingRoom.Configured.class);
        atAdvance.release();
        ticking.orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join();

        // This node's view, which answers polls and decides whether a change needs a pass, says paused
        // to everyone it still holds back. Who that is depends on the lottery's secret (drawn from
        // SecureRandom), so every one of them is asked, not a fixed place in the line.
        List<GateStatus> waiting = line.stream()
                .flatMap(j -> room.statusFromView(GATE, j.token(), j.ticket().browserId()).stream())
                .toList();
        assertThat(waiting).as("most of the 30 are still held back at 2 a second").hasSizeGreaterThan(20);
        assertThat(waiting).allSatisfy(status -> assertThat(status)
                .isInstanceOfSatisfying(GateStatus.Waiting.class, w -> assertThat(w.phase()).isEqualTo(GatePhase.PAUSED)));
        assertThat(room.idle(GATE)).isFalse();
    }

    // --- admission and its checkpoints ----------------------------------------------------------

    @Test
    void whileAnAdvanceIsInsideTheMemoryStoreItsMarkIsNotSeenWithoutTheTimeItWasReached() {
        AtomicReference<PausingGateStore.Pause> inside = new AtomicReference<>();
        InMemoryGateStore store = new InMemoryGateStore(() -> holdIfArmed(inside));
        GateProgress before = store.progress(GATE);
        PausingGateStore.Pause pause = new PausingGateStore.Pause();
        inside.set(pause);

        CompletableFuture<Boolean> advancing = CompletableFuture.supplyAsync(
                () -> store.advance(GATE, before, before.next(5, 0, new AdmissionPolicy.Memory(OPENS, 0, 0)), OPENS), threads);
        pause.awaitArrival();
        long seen = store.progress(GATE).mark();
        List<Long> undated = new ArrayList<>();
        for (long rank = 1; rank <= seen; rank++) {
            if (store.admittedAt(GATE, rank).isEmpty()) {
                undated.add(rank);
            }
        }
        pause.release();

        assertThat(undated).as("ranks up to the visible mark %d without an admission time", seen).isEmpty();
        assertThat(advancing.orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join()).isTrue();
        assertThat(store.admittedAt(GATE, 5)).contains(OPENS);
    }

    @Test
    void aNodeReadingTheGateWhileAnotherTickIsInsideTheStoreNeverTellsTheJustAdmittedTheirPassExpiredNorSendsThemBack() {
        AtomicReference<PausingGateStore.Pause> inside = new AtomicReference<>();
        InMemoryGateStore store = new InMemoryGateStore(() -> holdIfArmed(inside));
        GateConfig booking = keyed(gate(20));
        WaitingRoom first = room(store, booking);
        clock.set(OPENS.plusSeconds(1));
        first.tick();
        List<WaitingRoom.Joined> line = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            line.add(joined(first.join(GATE, browser(i), "person:" + i)));
        }
        clock.advance(Duration.ofSeconds(1));

        PausingGateStore.Pause pause = new PausingGateStore.Pause();
        inside.set(pause);
        CompletableFuture<Void> ticking = CompletableFuture.runAsync(first::tick, threads);
        pause.awaitArrival();
        // A second node starts (or refreshes) while the first node's tick is inside the store.
        WaitingRoom second = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(1),
                g -> DownstreamHealth.UNKNOWN);
        GateStatus told = second.status(GATE, line.getFirst().token(), browser(0));
        WaitingRoom.Joined again = joined(second.join(GATE, browser(0), "person:0"));
        pause.release();
        ticking.orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join();

        assertThat(told).as("the first in line, asking mid-tick").isNotInstanceOf(GateStatus.Refused.class);
        assertThat(again.ticket().sequence()).as("joining again keeps the place").isEqualTo(line.getFirst().ticket().sequence());
        second.tick();
        assertThat(second.status(GATE, line.getFirst().token(), browser(0))).isInstanceOf(GateStatus.Admitted.class);
    }

    // --- joins answered later -------------------------------------------------------------------

    @Test
    void aJoinAnsweredOnTheEventLoopNeverCallsTheStoreThereAndWorksOutAPassOnTheBlockingThreads() {
        PausingGateStore store = new PausingGateStore(new InMemoryGateStore());
        WaitingRoom room = room(store, gate(1_000));
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        store.holdNumbers();
        AtomicInteger hops = new AtomicInteger();
        Executor blocking = work -> {
            hops.incrementAndGet();
            threads.execute(work);
        };

        CompletionStage<WaitingRoom.JoinOutcome> waiting = room.joinLater(GATE, browser(0), blocking).orElseThrow();
        deliverOnAnEventLoop(store);
        assertThat(joined(waiting.toCompletableFuture().join()).status()).isInstanceOf(GateStatus.Waiting.class);
        assertThat(hops).as("a waiting answer needs no store: no hop").hasValue(0);

        // The line moves past the next number while it is on its way: the answer is a pass, which the store must date.
        CompletionStage<WaitingRoom.JoinOutcome> admitted = room.joinLater(GATE, browser(1), blocking).orElseThrow();
        clock.advance(Duration.ofMillis(100));
        room.tick();
        deliverOnAnEventLoop(store);

        WaitingRoom.Joined joined = joined(admitted.toCompletableFuture().orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join());
        assertThat(joined.status()).isInstanceOf(GateStatus.Admitted.class);
        assertThat(joined.ticket().sequence()).isEqualTo(2);
        assertThat(hops).hasValue(1);
    }

    @Test
    void aPollAnsweredFromTheViewCallsNoStoreAndLeavesATurnThatCameToTheStore() {
        PausingGateStore store = new PausingGateStore(new InMemoryGateStore());
        WaitingRoom room = room(store, gate(1));
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        WaitingRoom.Joined first = joined(room.join(GATE, browser(0), null));
        WaitingRoom.Joined second = joined(room.join(GATE, browser(1), null));
        clock.advance(Duration.ofMillis(1_000));
        room.tick();

        store.refuseCallsOn(t -> t == Thread.currentThread());
        assertThat(room.statusFromView(GATE, second.token(), browser(1))).as("still waiting: from the view")
                .get().isInstanceOf(GateStatus.Waiting.class);
        assertThat(room.statusFromView(GATE, second.token(), browser(0))).as("refused: from the view")
                .get().isInstanceOf(GateStatus.Refused.class);
        assertThat(room.statusFromView(GATE, first.token(), browser(0))).as("admitted: the pass needs the store").isEmpty();
        store.refuseCallsOn(t -> false);
        assertThat(room.status(GATE, first.token(), browser(0))).isInstanceOf(GateStatus.Admitted.class);
    }

    private void deliverOnAnEventLoop(PausingGateStore store) {
        Thread loop = Thread.ofPlatform().name("event-loop").unstarted(store::deliverNumbers);
        store.refuseCallsOn(t -> t == loop);
        loop.start();
        try {
            loop.join(LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(loop.isAlive()).isFalse();
    }

    // --- a pass used once -----------------------------------------------------------------------

    @Test
    void ofManyStepsUsingOnePassAtOnceExactlyOneRuns() {
        InMemoryGateStore store = new InMemoryGateStore();
        WaitingRoom room = room(store, gate(1_000));
        Pass pass = admittedPass(room);
        AtomicInteger ran = new AtomicInteger();

        List<Optional<Integer>> results = Race.run(16, LIMIT, i -> room.useOnce(pass, ran::incrementAndGet));

        assertThat(results.stream().filter(Optional::isPresent).count()).isEqualTo(1);
        assertThat(ran).hasValue(1);
        assertThat(room.check(GATE, passes.sign(pass), browser(0))).isEqualTo(new PassCheck.Refused(PassCheck.Reason.SPENT));
    }

    @Test
    void aStepThatFailsGivesItsPassBackForAnotherTry() {
        InMemoryGateStore store = new InMemoryGateStore();
        WaitingRoom room = room(store, gate(1_000));
        Pass pass = admittedPass(room);

        assertThatThrownBy(() -> room.useOnce(pass, () -> {
            throw new IllegalStateException("the session could not be written");
        })).hasMessageContaining("could not be written");

        assertThat(room.check(GATE, passes.sign(pass), browser(0))).isInstanceOf(PassCheck.Valid.class);
        assertThat(room.useOnce(pass, () -> "verified")).contains("verified");
        assertThat(room.useOnce(pass, () -> "again")).isEmpty();
    }

    // --- when a step may skip the line ----------------------------------------------------------

    @Test
    void aGateIsIdleOnlyWhenOpenWithNobodyWaiting() {
        WaitingRoom room = room(new InMemoryGateStore(), gate(1));
        room.tick();
        assertThat(room.idle(GATE)).as("before opening").isFalse();
        assertThat(room.idle("nowhere")).isFalse();

        clock.set(OPENS.plusSeconds(1));
        room.tick();
        assertThat(room.idle(GATE)).as("open, line empty").isTrue();

        joinMany(room, 5);
        room.tick();
        assertThat(room.idle(GATE)).as("people waiting").isFalse();

        for (int second = 0; second < 6; second++) {
            clock.advance(Duration.ofSeconds(1));
            room.tick();
        }
        assertThat(room.idle(GATE)).as("everyone admitted").isTrue();

        room.configure(gate(1).withMode(GateMode.PAUSED, "a moment"));
        assertThat(room.idle(GATE)).as("paused").isFalse();
    }

    // --- helpers --------------------------------------------------------------------------------

    private static void holdIfArmed(AtomicReference<PausingGateStore.Pause> armed) {
        PausingGateStore.Pause p = armed.getAndSet(null);
        if (p != null) {
            p.hold();
        }
    }

    private WaitingRoom room(GateStore store, GateConfig... gates) {
        WaitingRoom room = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(1),
                g -> DownstreamHealth.UNKNOWN);
        for (GateConfig g : gates) {
            assertThat(room.configure(g)).isInstanceOf(WaitingRoom.Configured.class);
        }
        return room;
    }

    private Pass admittedPass(WaitingRoom room) {
        clock.set(OPENS.plusSeconds(1));
        room.tick();
        WaitingRoom.Joined j = joined(room.join(GATE, browser(0), null));
        clock.advance(Duration.ofMillis(100));
        room.tick();
        GateStatus status = room.status(GATE, j.token(), browser(0));
        assertThat(status).isInstanceOf(GateStatus.Admitted.class);
        return ((GateStatus.Admitted) status).pass();
    }

    private static List<WaitingRoom.Joined> joinMany(WaitingRoom room, int n) {
        List<WaitingRoom.Joined> line = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            line.add(joined(room.join(GATE, browser(100 + i), null)));
        }
        return line;
    }

    /** Who in {@code line} is admitted now, by place in the line, with the rank each was admitted at. */
    private static Map<Integer, Long> admittedRanks(WaitingRoom room, List<WaitingRoom.Joined> line) {
        Map<Integer, Long> admitted = new TreeMap<>();
        for (int i = 0; i < line.size(); i++) {
            WaitingRoom.Joined j = line.get(i);
            if (room.status(GATE, j.token(), j.ticket().browserId()) instanceof GateStatus.Admitted a) {
                admitted.put(i, a.rank());
            }
        }
        return admitted;
    }

    private static GateConfig gate(double perSecond) {
        return new GateConfig(GATE, OPENS.minus(Duration.ofHours(1)), OPENS, new AdmissionPolicy.FixedRate(perSecond),
                Duration.ofMinutes(10), false, GateMode.ACTIVE, "", GateConfig.DEFAULT_MAX_POLL);
    }

    private static GateConfig keyed(GateConfig c) {
        return new GateConfig(c.name(), c.joinFrom(), c.opensAt(), c.admission(), c.passLifetime(), true, c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static GateConfig withOpening(GateConfig c, Instant opensAt) {
        return new GateConfig(c.name(), c.joinFrom(), opensAt, c.admission(), c.passLifetime(), c.keyedByPerson(), c.mode(), c.message(),
                c.maxPollInterval());
    }

    private static String browser(int n) {
        return "browser-%016d".formatted(n);
    }

    private static WaitingRoom.Joined joined(WaitingRoom.JoinOutcome outcome) {
        assertThat(outcome).isInstanceOf(WaitingRoom.Joined.class);
        return (WaitingRoom.Joined) outcome;
    }
}
