package dev.orderly.gate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gate state in memory: the reference model the other stores are tested against, and the store
 * of fast core tests. Lost when the process ends, so no running Orderly uses it: a node keeps its
 * gates in PostgreSQL, several nodes in Redis.
 *
 * <p>Spent passes are a bitmap in blocks of 1,024 ranks (128 bytes per block), so 1.5 million
 * spent passes cost about 200 KB and counting those above a rank visits one block per 1,024.
 *
 * <p>Writers of a gate's progress ({@link #advance}, {@link #saveConfigIf}) hold the gate's monitor
 * and publish the new progress last, after its checkpoints (or configuration): a reader that sees a
 * mark always finds when it was reached. Readers take no lock.
 */
public final class InMemoryGateStore implements GateStore {

    private static final int BLOCK_BITS = 1024;
    private static final int WORDS = BLOCK_BITS / 64;

    private static final class Gate {
        final AtomicLong issued = new AtomicLong();
        final AtomicReference<GateProgress> progress = new AtomicReference<>(GateProgress.INITIAL);
        final ConcurrentSkipListMap<Long, Instant> reachedAt = new ConcurrentSkipListMap<>();
        final ConcurrentSkipListMap<Instant, Long> markByTime = new ConcurrentSkipListMap<>();
        final ConcurrentMap<String, Long> holders = new ConcurrentHashMap<>();
        final ConcurrentSkipListMap<Long, AtomicLongArray> spent = new ConcurrentSkipListMap<>();
        /** Claim marks, seconds as unsigned ints, in blocks of 1,024 numbers (4 KB a block). */
        final ConcurrentMap<Long, AtomicIntegerArray> claims = new ConcurrentHashMap<>();
        volatile boolean trimmed;
    }

    private final ConcurrentMap<String, GateConfig> configs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Gate> gates = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LotteryDraw> lotteries = new ConcurrentHashMap<>();
    private final Runnable insideAdvance;

    public InMemoryGateStore() {
        this(() -> { });
    }

    /** For tests: {@code insideAdvance} runs in every winning advance, between its checkpoints and publishing its progress. */
    InMemoryGateStore(Runnable insideAdvance) {
        this.insideAdvance = insideAdvance;
    }

    private Gate of(String gate) {
        return gates.computeIfAbsent(gate, g -> new Gate());
    }

    @Override
    public void saveConfig(GateConfig config) {
        configs.put(config.name(), config);
    }

    @Override
    public Optional<GateConfig> config(String gate) {
        return Optional.ofNullable(configs.get(gate));
    }

    @Override
    public boolean saveConfigIf(GateConfig config, GateProgress expected, GateProgress next) {
        Gate g = of(config.name());
        synchronized (g) {
            if (g.progress.get().version() != expected.version()) {
                return false;
            }
            configs.put(config.name(), config);
            g.progress.set(next);
            return true;
        }
    }

    @Override
    public List<GateConfig> configs() {
        return configs.values().stream().sorted(java.util.Comparator.comparing(GateConfig::name)).toList();
    }

    @Override
    public long issue(String gate) {
        return of(gate).issued.incrementAndGet();
    }

    @Override
    public long issueFor(String gate, String holder) {
        Gate g = of(gate);
        return g.holders.computeIfAbsent(holder, h -> g.issued.incrementAndGet());
    }

    @Override
    public long reissueFor(String gate, String holder, long previous) {
        Gate g = of(gate);
        return g.holders.compute(holder, (h, current) -> current == null || current == previous ? g.issued.incrementAndGet() : current);
    }

    @Override
    public long issued(String gate) {
        return of(gate).issued.get();
    }

    @Override
    public GateProgress progress(String gate) {
        return of(gate).progress.get();
    }

    @Override
    public boolean advance(String gate, GateProgress expected, GateProgress next, Instant at) {
        Gate g = of(gate);
        synchronized (g) {
            GateProgress current = g.progress.get();
            if (current.version() != expected.version()) {
                return false;
            }
            if (next.mark() > current.mark()) {
                g.reachedAt.putIfAbsent(next.mark(), at);
                g.markByTime.merge(at, next.mark(), Math::max);
            }
            insideAdvance.run();
            g.progress.set(next);
            return true;
        }
    }

    @Override
    public Optional<Instant> admittedAt(String gate, long rank) {
        Gate g = of(gate);
        if (rank < 1 || rank > g.progress.get().mark()) {
            return Optional.empty();
        }
        Map.Entry<Long, Instant> first = g.reachedAt.firstEntry();
        Map.Entry<Long, Instant> reached = g.reachedAt.ceilingEntry(rank);
        // After trimming, the oldest checkpoint kept stands for everyone admitted up to it, at
        // some time before the window: not datable, and long expired.
        if (first == null || reached == null || (g.trimmed && rank <= first.getKey())) {
            return Optional.empty();
        }
        return Optional.of(reached.getValue());
    }

    @Override
    public long markAt(String gate, Instant at) {
        Map.Entry<Instant, Long> e = of(gate).markByTime.floorEntry(at);
        return e == null ? 0 : e.getValue();
    }

    @Override
    public void trimCheckpoints(String gate, Instant before) {
        Gate g = of(gate);
        Map.Entry<Instant, Long> keep = g.markByTime.lowerEntry(before);
        if (keep == null) {
            return;
        }
        g.markByTime.headMap(keep.getKey(), false).clear();
        g.reachedAt.headMap(keep.getValue(), false).clear();
        g.trimmed = true;
    }

    @Override
    public boolean spend(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        AtomicLongArray block = of(gate).spent.computeIfAbsent(rank / BLOCK_BITS, b -> new AtomicLongArray(WORDS));
        int bit = (int) (rank % BLOCK_BITS);
        long mask = 1L << (bit % 64);
        long before = block.getAndAccumulate(bit / 64, mask, (old, m) -> old | m);
        return (before & mask) == 0;
    }

    @Override
    public boolean unspend(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        AtomicLongArray block = of(gate).spent.get(rank / BLOCK_BITS);
        if (block == null) {
            return false;
        }
        int bit = (int) (rank % BLOCK_BITS);
        long mask = 1L << (bit % 64);
        long before = block.getAndAccumulate(bit / 64, mask, (old, m) -> old & ~m);
        return (before & mask) != 0;
    }

    @Override
    public boolean spent(String gate, long rank) {
        if (rank < 1) {
            // -1 % 1024 is -1: a negative rank would read a bit of block 0 (rank 63 for -1).
            return false;
        }
        AtomicLongArray block = of(gate).spent.get(rank / BLOCK_BITS);
        if (block == null) {
            return false;
        }
        int bit = (int) (rank % BLOCK_BITS);
        return (block.get(bit / 64) & (1L << (bit % 64))) != 0;
    }

    @Override
    public long spentAbove(String gate, long rank) {
        Gate g = of(gate);
        long firstBlock = Math.max(0, rank + 1) / BLOCK_BITS;
        long count = 0;
        for (Map.Entry<Long, AtomicLongArray> e : g.spent.tailMap(firstBlock, true).entrySet()) {
            AtomicLongArray block = e.getValue();
            for (int w = 0; w < WORDS; w++) {
                long word = block.get(w);
                if (e.getKey() == firstBlock) {
                    long lowest = e.getKey() * BLOCK_BITS + w * 64L;
                    // Keep only ranks above `rank` in the first block.
                    long from = rank + 1 - lowest;
                    if (from >= 64) {
                        continue;
                    }
                    if (from > 0) {
                        word &= -1L << from;
                    }
                }
                count += Long.bitCount(word);
            }
        }
        return count;
    }

    @Override
    public void claim(String gate, Map<Long, Instant> untilByNumber) {
        Gate g = of(gate);
        untilByNumber.forEach((number, until) -> {
            if (number >= 1) {
                int stored = (int) Claims.toSeconds(until);
                int lapsed = (int) Claims.toSeconds(Claims.LAPSED);
                // A claim answered before the lapse may arrive after it: the lapse must stay visible for revive.
                g.claims.computeIfAbsent(number / BLOCK_BITS, b -> new AtomicIntegerArray(BLOCK_BITS))
                        .getAndUpdate((int) (number % BLOCK_BITS), old -> old == lapsed ? old : stored);
            }
        });
    }

    @Override
    public List<Instant> claimedUntil(String gate, List<Long> numbers) {
        Gate g = of(gate);
        List<Instant> out = new java.util.ArrayList<>(numbers.size());
        for (long number : numbers) {
            AtomicIntegerArray block = number >= 1 ? g.claims.get(number / BLOCK_BITS) : null;
            out.add(block == null ? Claims.NEVER : Claims.ofSeconds(Integer.toUnsignedLong(block.get((int) (number % BLOCK_BITS)))));
        }
        return out;
    }

    @Override
    public void lapse(String gate, List<PassedOver> places) {
        Gate g = of(gate);
        synchronized (g.claims) {
            for (PassedOver p : places) {
                if (spend(gate, p.rank()) && p.number() >= 1) {
                    g.claims.computeIfAbsent(p.number() / BLOCK_BITS, b -> new AtomicIntegerArray(BLOCK_BITS))
                            .set((int) (p.number() % BLOCK_BITS), (int) Claims.toSeconds(Claims.LAPSED));
                }
            }
        }
    }

    @Override
    public boolean revive(String gate, long number, long rank) {
        if (number < 1 || rank < 1) {
            return false;
        }
        Gate g = of(gate);
        // One lock with lapse: a second caller sees the number revived and the pass given back together.
        synchronized (g.claims) {
            AtomicIntegerArray block = g.claims.get(number / BLOCK_BITS);
            if (block == null || !block.compareAndSet((int) (number % BLOCK_BITS),
                    (int) Claims.toSeconds(Claims.LAPSED), (int) Claims.toSeconds(Claims.REVIVED))) {
                return false;
            }
            unspend(gate, rank);
            return true;
        }
    }

    @Override
    public Optional<LotteryDraw> lottery(String gate) {
        return Optional.ofNullable(lotteries.get(gate));
    }

    @Override
    public LotteryDraw commitLottery(String gate, LotteryDraw draw) {
        LotteryDraw before = lotteries.putIfAbsent(gate, draw);
        return before == null ? draw : before;
    }

    @Override
    public boolean redrawLottery(String gate, LotteryDraw expected, LotteryDraw next) {
        return lotteries.replace(gate, expected, next);
    }
}
