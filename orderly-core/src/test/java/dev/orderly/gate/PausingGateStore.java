package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A gate store that a test can stop in the middle of a caller's steps: {@link #pauseBefore} makes
 * the next call of one port method wait, before it reaches the real store, until the test lets it
 * go. So an interleaving of a tick and an operator's change is played out exactly, not hoped for.
 * Every wait is bounded (a minute), so a test that forgets to release fails instead of hanging.
 *
 * <p>It can also play a remote store's event loop: {@link #holdNumbers()} keeps the numbers asked
 * for with {@code issueLater} until {@link #deliverNumbers()} hands them out on the calling thread,
 * and {@link #refuseCallsOn} makes any call from a given thread fail as a blocking store does
 * there.
 */
final class PausingGateStore implements GateStore {

    private static final Duration LIMIT = Duration.ofMinutes(1);

    /** One pause: the caller has {@link #arrived} and waits for {@link #release}. */
    static final class Pause {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Waits until a caller reaches the paused method. */
        void awaitArrival() {
            await(arrived);
        }

        void release() {
            released.countDown();
        }

        void hold() {
            arrived.countDown();
            await(released);
        }

        private static void await(CountDownLatch latch) {
            try {
                if (!latch.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("nobody came or let go within " + LIMIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private final GateStore store;
    private final Map<String, Pause> armed = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.LongAdder> calls = new ConcurrentHashMap<>();
    private final Queue<Runnable> heldNumbers = new ConcurrentLinkedQueue<>();
    private volatile boolean holdNumbers;
    private volatile Predicate<Thread> refused = t -> false;

    PausingGateStore(GateStore store) {
        this.store = store;
    }

    /** The next call of each of {@code methods} (port methods' names) waits before it reaches the store. */
    Pause pauseBefore(String... methods) {
        Pause p = new Pause();
        for (String m : methods) {
            armed.put(m, p);
        }
        return p;
    }

    /** From now on numbers asked for later are taken at once but answered only by {@link #deliverNumbers()}. */
    void holdNumbers() {
        holdNumbers = true;
    }

    /** Answers every held number, on the calling thread; returns how many. */
    int deliverNumbers() {
        int n = 0;
        for (Runnable r; (r = heldNumbers.poll()) != null; n++) {
            r.run();
        }
        return n;
    }

    /** Any call from a thread {@code which} accepts fails, as a blocking store refuses an event loop. */
    void refuseCallsOn(Predicate<Thread> which) {
        refused = which;
    }

    /** How many times {@code method} (a port method's name) was called. */
    long calls(String method) {
        java.util.concurrent.atomic.LongAdder n = calls.get(method);
        return n == null ? 0 : n.sum();
    }

    private void reach(String method) {
        calls.computeIfAbsent(method, m -> new java.util.concurrent.atomic.LongAdder()).increment();
        if (refused.test(Thread.currentThread())) {
            throw new IllegalStateException("a store was called (" + method + ") on an event loop thread");
        }
        Pause p = armed.remove(method);
        if (p != null) {
            p.hold();
        }
    }

    @Override
    public void saveConfig(GateConfig config) {
        reach("saveConfig");
        store.saveConfig(config);
    }

    @Override
    public boolean saveConfigIf(GateConfig config, GateProgress expected, GateProgress next) {
        reach("saveConfigIf");
        return store.saveConfigIf(config, expected, next);
    }

    @Override
    public Optional<GateConfig> config(String gate) {
        reach("config");
        return store.config(gate);
    }

    @Override
    public List<GateConfig> configs() {
        reach("configs");
        return store.configs();
    }

    @Override
    public long issue(String gate) {
        reach("issue");
        return store.issue(gate);
    }

    @Override
    public CompletionStage<Long> issueLater(String gate) {
        reach("issueLater");
        if (holdNumbers) {
            long number = store.issue(gate);
            CompletableFuture<Long> answer = new CompletableFuture<>();
            heldNumbers.add(() -> answer.complete(number));
            return answer;
        }
        return store.issueLater(gate);
    }

    @Override
    public long issueFor(String gate, String holder) {
        reach("issueFor");
        return store.issueFor(gate, holder);
    }

    @Override
    public long reissueFor(String gate, String holder, long previous) {
        reach("reissueFor");
        return store.reissueFor(gate, holder, previous);
    }

    @Override
    public long issued(String gate) {
        reach("issued");
        return store.issued(gate);
    }

    @Override
    public GateProgress progress(String gate) {
        reach("progress");
        return store.progress(gate);
    }

    @Override
    public boolean advance(String gate, GateProgress expected, GateProgress next, Instant at) {
        reach("advance");
        return store.advance(gate, expected, next, at);
    }

    @Override
    public Optional<Instant> admittedAt(String gate, long rank) {
        reach("admittedAt");
        return store.admittedAt(gate, rank);
    }

    @Override
    public long markAt(String gate, Instant at) {
        reach("markAt");
        return store.markAt(gate, at);
    }

    @Override
    public void trimCheckpoints(String gate, Instant before) {
        reach("trimCheckpoints");
        store.trimCheckpoints(gate, before);
    }

    @Override
    public boolean spend(String gate, long rank) {
        reach("spend");
        return store.spend(gate, rank);
    }

    @Override
    public boolean unspend(String gate, long rank) {
        reach("unspend");
        return store.unspend(gate, rank);
    }

    @Override
    public boolean spent(String gate, long rank) {
        reach("spent");
        return store.spent(gate, rank);
    }

    @Override
    public long spentAbove(String gate, long rank) {
        reach("spentAbove");
        return store.spentAbove(gate, rank);
    }

    @Override
    public void claim(String gate, Map<Long, Instant> untilByNumber) {
        reach("claim");
        store.claim(gate, untilByNumber);
    }

    @Override
    public List<Instant> claimedUntil(String gate, List<Long> numbers) {
        reach("claimedUntil");
        return store.claimedUntil(gate, numbers);
    }

    @Override
    public void lapse(String gate, List<PassedOver> places) {
        reach("lapse");
        store.lapse(gate, places);
    }

    @Override
    public boolean revive(String gate, long number, long rank) {
        reach("revive");
        return store.revive(gate, number, rank);
    }

    @Override
    public Optional<LotteryDraw> lottery(String gate) {
        reach("lottery");
        return store.lottery(gate);
    }

    @Override
    public LotteryDraw commitLottery(String gate, LotteryDraw draw) {
        reach("commitLottery");
        return store.commitLottery(gate, draw);
    }

    @Override
    public boolean redrawLottery(String gate, LotteryDraw expected, LotteryDraw next) {
        reach("redrawLottery");
        return store.redrawLottery(gate, expected, next);
    }
}
