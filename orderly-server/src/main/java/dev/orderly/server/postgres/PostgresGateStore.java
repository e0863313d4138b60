package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.Claims;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateProgress;
import dev.orderly.gate.GateStore;
import dev.orderly.gate.InMemoryGateStore;
import dev.orderly.gate.LotteryDraw;
import dev.orderly.server.gate.GateConfigJson;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate store of a node without Redis, in its PostgreSQL (the embedded one by default): a
 * restart, clean or not, keeps every number, admission, spent pass and operator setting.
 *
 * <p>Design (tables in {@code V4__gate_store.sql}):
 * <ul>
 *   <li>Numbers come out of memory from blocks reserved ahead by one upsert on
 *       {@code gate_counters} ({@link NumberBlocks}); a join waits for no round trip, and a restart
 *       continues above the high-water mark.</li>
 *   <li>Progress changes by a guarded upsert ({@code WHERE version = expected}) that writes the
 *       checkpoint in the same statement; spending is {@code INSERT ... ON CONFLICT DO NOTHING},
 *       true for one caller; holders' places are upserts.</li>
 *   <li>Hot reads are cached where the answer can only change through this node: a pass this
 *       node's {@link #spend} spent stays spent unless this node gives it back ({@link #unspend}
 *       clears the cached bit after the row; a "not spent" answer is never cached, nor a spent row
 *       merely read, which may be a lapse that {@link #revive} gives back while the read is on its
 *       way), and a rank's admission time is fixed once the mark
 *       passed it. A cached admission time outlives a trim by another node at most until this
 *       node's own trim; such a time is older than the retention window, so its pass has expired
 *       either way.</li>
 * </ul>
 *
 * <p>One node per database: the numbers in memory and {@link #issued} are this node's. Several
 * nodes share their gates through Redis ({@code RedisGateStore}). Within the node, a holder's
 * place is asked for under a lock per holder, so two requests of one person take one number.
 */
public final class PostgresGateStore implements GateStore {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresGateStore.class);

    // Each statement is whole, not spliced: AdapterStatementsParseIT prepares every one as written.
    private static final String ADVANCE_FIRST = """
            WITH moved AS (
                INSERT INTO gate_progress AS p (gate, version, mark, pre_queue_size, last_tick, carry, rate)
                VALUES ($1, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (gate) DO UPDATE SET version = EXCLUDED.version, mark = EXCLUDED.mark,
                    pre_queue_size = EXCLUDED.pre_queue_size, last_tick = EXCLUDED.last_tick, carry = EXCLUDED.carry,
                    rate = EXCLUDED.rate
                WHERE p.version = $2
                RETURNING p.mark)
            , dated AS (
                INSERT INTO gate_checkpoints (gate, mark, at) SELECT $1, mark, $9 FROM moved WHERE mark > $10
                ON CONFLICT DO NOTHING)
            SELECT count(*) FROM moved""";

    private static final String ADVANCE = """
            WITH moved AS (
                UPDATE gate_progress SET version = $3, mark = $4, pre_queue_size = $5, last_tick = $6, carry = $7, rate = $8
                WHERE gate = $1 AND version = $2
                RETURNING mark)
            , dated AS (
                INSERT INTO gate_checkpoints (gate, mark, at) SELECT $1, mark, $9 FROM moved WHERE mark > $10
                ON CONFLICT DO NOTHING)
            SELECT count(*) FROM moved""";

    private static final String SAVE_CONFIG_FIRST = """
            WITH moved AS (
                INSERT INTO gate_progress AS p (gate, version, mark, pre_queue_size, last_tick, carry, rate)
                VALUES ($1, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (gate) DO UPDATE SET version = EXCLUDED.version, mark = EXCLUDED.mark,
                    pre_queue_size = EXCLUDED.pre_queue_size, last_tick = EXCLUDED.last_tick, carry = EXCLUDED.carry,
                    rate = EXCLUDED.rate
                WHERE p.version = $2
                RETURNING p.gate),
            saved AS (
                INSERT INTO gate_configs (gate, config) SELECT $1, $9 FROM moved
                ON CONFLICT (gate) DO UPDATE SET config = EXCLUDED.config)
            SELECT count(*) FROM moved""";

    private static final String SAVE_CONFIG = """
            WITH moved AS (
                UPDATE gate_progress SET version = $3, mark = $4, pre_queue_size = $5, last_tick = $6, carry = $7, rate = $8
                WHERE gate = $1 AND version = $2
                RETURNING gate),
            saved AS (
                INSERT INTO gate_configs (gate, config) SELECT $1, $9 FROM moved
                ON CONFLICT (gate) DO UPDATE SET config = EXCLUDED.config)
            SELECT count(*) FROM moved""";

    private static final String ADMITTED_AT = """
            SELECT p.mark, p.trimmed,
                   (SELECT min(mark) FROM gate_checkpoints WHERE gate = $1) AS first,
                   c.mark AS reached, c.at,
                   (SELECT max(mark) FROM gate_checkpoints WHERE gate = $1 AND mark < $2) AS below
            FROM gate_progress p
            LEFT JOIN LATERAL (SELECT mark, at FROM gate_checkpoints WHERE gate = $1 AND mark >= $2 ORDER BY mark LIMIT 1) c
                ON true
            WHERE p.gate = $1""";

    private static final String READING = """
            SELECT p.version, p.mark, p.pre_queue_size, p.last_tick, p.carry, p.rate, c.config
            FROM (SELECT $1::text AS gate) g
            LEFT JOIN gate_progress p ON p.gate = g.gate
            LEFT JOIN gate_configs c ON c.gate = g.gate""";

    private static final String TRIM = """
            WITH keep AS (
                SELECT mark, at FROM gate_checkpoints WHERE gate = $1 AND at < $2 ORDER BY at DESC, mark DESC LIMIT 1),
            gone AS (
                DELETE FROM gate_checkpoints c USING keep WHERE c.gate = $1 AND (c.at < keep.at OR c.mark < keep.mark)),
            flagged AS (
                UPDATE gate_progress SET trimmed = true WHERE gate = $1 AND NOT trimmed AND EXISTS (SELECT 1 FROM keep))
            SELECT mark FROM keep""";

    private static final String CLAIM = """
            INSERT INTO gate_claims (gate, number, until_s)
            SELECT $1, n, u FROM unnest($2::bigint[], $3::bigint[]) AS c(n, u)
            ON CONFLICT (gate, number) DO UPDATE SET until_s = EXCLUDED.until_s WHERE gate_claims.until_s <> 1""";

    private static final String CLAIMED_UNTIL = """
            SELECT number, until_s FROM gate_claims WHERE gate = $1 AND number = ANY($2::bigint[])""";

    /** Only a rank this spends (not one already used) has its number lapsed. */
    private static final String LAPSE = """
            WITH places AS (SELECT n, r FROM unnest($2::bigint[], $3::bigint[]) AS p(n, r)),
            spent AS (
                INSERT INTO gate_spent (gate, rank) SELECT $1, r FROM places
                ON CONFLICT DO NOTHING RETURNING rank)
            INSERT INTO gate_claims (gate, number, until_s)
            SELECT $1, p.n, 1 FROM places p JOIN spent s ON s.rank = p.r
            ON CONFLICT (gate, number) DO UPDATE SET until_s = 1""";

    /** The row lock of the claim makes one of racing callers revive; the other finds it no longer lapsed. */
    private static final String REVIVE = """
            WITH revived AS (
                UPDATE gate_claims SET until_s = 2 WHERE gate = $1 AND number = $2 AND until_s = 1 RETURNING number)
            DELETE FROM gate_spent WHERE gate = $1 AND rank = $3 AND EXISTS (SELECT 1 FROM revived)""";

    /**
     * In the order of the key, so two statements spending overlapping passes (two nodes, or a lapse
     * beside a spend) wait for each other in one order and never deadlock.
     */
    private static final String SPEND_AMONG = """
            INSERT INTO gate_spent (gate, rank)
            SELECT gate, rank FROM unnest($1::text[], $2::bigint[]) AS k(gate, rank) ORDER BY gate, rank
            ON CONFLICT DO NOTHING RETURNING gate, rank""";

    private static final String SPENT_AMONG = """
            SELECT s.gate, s.rank FROM gate_spent s
            JOIN unnest($1::text[], $2::bigint[]) AS k(gate, rank) ON s.gate = k.gate AND s.rank = k.rank""";

    private static final String PLACES_AMONG = """
            SELECT h.gate, h.holder, h.place FROM gate_holders h
            JOIN unnest($1::text[], $2::text[]) AS k(gate, holder) ON h.gate = k.gate AND h.holder = k.holder""";

    /** Ranks from {@code after} (exclusive) to the key (inclusive) were admitted at {@code at}. */
    private record Admission(long after, Instant at) {
    }

    /** A pass by its gate and rank, as the batched spent check reads it. */
    private record Spent(String gate, long rank) {
    }

    /** A keyed join's holder at a gate, as the batched place read reads it. */
    private record Holder(String gate, String holder) {
    }

    /** A holder's first place at a gate, as the batched insert writes it. */
    private record Placing(String gate, String holder, long place) {
    }

    /**
     * Holders placed at once, in one statement: a holder placed already (by another node) keeps
     * that place and is not answered. The holders come sorted, so two nodes' statements wait on
     * each other's new keys in one order.
     */
    private static final String PLACE_AMONG = """
            INSERT INTO gate_holders (gate, holder, place)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
            ON CONFLICT DO NOTHING RETURNING gate, holder, place""";

    private final Pool pool;
    private final Map<String, Long> reservedBefore;
    private final Map<String, NumberBlocks> numbers = new ConcurrentHashMap<>();
    /** Only its spent bits are used: a cache of passes known to be spent. */
    private final InMemoryGateStore spentCache = new InMemoryGateStore();
    private final Map<String, ConcurrentSkipListMap<Long, Admission>> admissions = new ConcurrentHashMap<>();
    private static final int HOLDER_STRIPES = 64;
    private final ReentrantLock[] holderLocks = new ReentrantLock[HOLDER_STRIPES];
    /** Spent checks (five a walk, most for unspent passes) go to PostgreSQL together when they come together. */
    private final BatchedReads<Spent, Boolean> spentReads;
    /** Passes spent at once (a burst of bookings: each booking spends its pass) go to PostgreSQL together, one commit. */
    private final BatchedWrites<Spent, Boolean> spends;
    /** Keyed joins placed at once (one a walk, at the booking line) go to PostgreSQL together, one commit. */
    private final BatchedWrites<Placing, Boolean> placings;
    /** A keyed join reads whether its holder has a place first (one a walk, at the booking gate). */
    private final BatchedReads<Holder, Long> placeReads;

    /** Reads each gate's high-water mark: numbers continue above what any earlier run may have handed out. */
    public PostgresGateStore(Pool pool) {
        this.pool = pool;
        Map<String, Long> marks = new HashMap<>();
        for (Row row : await(pool.query("SELECT gate, reserved_to FROM gate_counters").execute())) {
            marks.put(row.getString(0), row.getLong(1));
        }
        this.reservedBefore = Map.copyOf(marks);
        for (int i = 0; i < holderLocks.length; i++) {
            holderLocks[i] = new ReentrantLock();
        }
        this.spentReads = new BatchedReads<>(this::spentAmong, 256);
        this.spends = new BatchedWrites<>(this::spendAmong, 256);
        this.placings = new BatchedWrites<>(this::placeAmong, 256);
        this.placeReads = new BatchedReads<>(this::placesAmong, 256);
    }

    // ------------------------------------------------------------------ configuration

    @Override
    public void saveConfig(GateConfig config) {
        await(pool.preparedQuery("""
                INSERT INTO gate_configs (gate, config) VALUES ($1, $2)
                ON CONFLICT (gate) DO UPDATE SET config = EXCLUDED.config""")
                .execute(Tuple.of(config.name(), GateConfigJson.write(config))));
    }

    @Override
    public Optional<GateConfig> config(String gate) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT config FROM gate_configs WHERE gate = $1").execute(Tuple.of(gate)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(GateConfigJson.readStored(rows.iterator().next().getJsonObject(0)));
    }

    @Override
    public boolean saveConfigIf(GateConfig config, GateProgress expected, GateProgress next) {
        // The configuration is written only by the statement whose move of the progress won.
        Tuple args = Tuple.of(config.name(), expected.version(), next.version(), next.mark(), next.preQueueSize(),
                time(next.memory().lastTick())).addValue(next.memory().carry()).addValue(next.memory().rate())
                .addValue(GateConfigJson.write(config));
        return await(pool.preparedQuery(expected.version() == 0 ? SAVE_CONFIG_FIRST : SAVE_CONFIG).execute(args))
                .iterator().next().getLong(0) == 1;
    }

    @Override
    public List<GateConfig> configs() {
        List<GateConfig> result = new ArrayList<>();
        for (Row row : await(pool.query("SELECT config FROM gate_configs").execute())) {
            result.add(GateConfigJson.readStored(row.getJsonObject(0)));
        }
        // In Java's order, not the database collation's (which may ignore the hyphen).
        result.sort(Comparator.comparing(GateConfig::name));
        return result;
    }

    // ------------------------------------------------------------------ numbers

    private NumberBlocks numbers(String gate) {
        return numbers.computeIfAbsent(gate, g -> new NumberBlocks(reservedBefore.getOrDefault(g, 0L), n -> reserve(g, n),
                System::nanoTime));
    }

    private Future<Long> reserve(String gate, long n) {
        return pool.preparedQuery("""
                INSERT INTO gate_counters AS c (gate, reserved_to) VALUES ($1, $2)
                ON CONFLICT (gate) DO UPDATE SET reserved_to = c.reserved_to + EXCLUDED.reserved_to
                RETURNING reserved_to""")
                .execute(Tuple.of(gate, n)).map(rows -> rows.iterator().next().getLong(0));
    }

    @Override
    public long issue(String gate) {
        return await(Future.fromCompletionStage(numbers(gate).next()));
    }

    @Override
    public CompletionStage<Long> issueLater(String gate) {
        return numbers(gate).next();
    }

    /**
     * Gives the numbers reserved but not handed out back to the database, so the next start
     * continues right after the last number handed out. Call at a clean stop, once no join can
     * arrive; the store hands out no number after it. Guarded by the mark this node reserved to:
     * if anyone else reserved since, nothing is given back.
     */
    public void giveBackUnused() {
        numbers.values().forEach(NumberBlocks::close);
        // A block on its way lands within its timeout; its numbers go back with the rest.
        long deadline = System.nanoTime() + NumberBlocks.ANSWER_WITHIN.plusSeconds(1).toNanos();
        while (!numbers.values().stream().allMatch(NumberBlocks::settled) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(5).toNanos());
        }
        numbers.forEach((gate, blocks) -> blocks.giveBack().ifPresent(range -> {
            try {
                await(pool.preparedQuery("UPDATE gate_counters SET reserved_to = $2 WHERE gate = $1 AND reserved_to = $3")
                        .execute(Tuple.of(gate, range[0], range[1])));
            } catch (RuntimeException e) {
                // Only costs skipped numbers at the next start, as a crash would.
                LOG.warn("could not give back the unused numbers of gate '{}': {}", gate, e.toString());
            }
        }));
    }

    @Override
    public long issueFor(String gate, String holder) {
        ReentrantLock lock = holderLock(gate, holder);
        lock.lock();
        try {
            Optional<Long> held = place(gate, holder);
            if (held.isPresent()) {
                return held.get();
            }
            long place = issue(gate);
            boolean inserted = placings.insert(new Placing(gate, holder, place)) != null;
            // Another node placed the holder meanwhile: theirs stands, this number is skipped.
            return inserted ? place : place(gate, holder).orElseThrow();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long reissueFor(String gate, String holder, long previous) {
        ReentrantLock lock = holderLock(gate, holder);
        lock.lock();
        try {
            Optional<Long> held = place(gate, holder);
            if (held.isPresent() && held.get() != previous) {
                return held.get();
            }
            long place = issue(gate);
            RowSet<Row> moved = await(pool.preparedQuery("""
                    INSERT INTO gate_holders AS h (gate, holder, place) VALUES ($1, $2, $3)
                    ON CONFLICT (gate, holder) DO UPDATE SET place = EXCLUDED.place WHERE h.place = $4
                    RETURNING place""").execute(Tuple.of(gate, holder, place, previous)));
            return moved.size() == 1 ? place : place(gate, holder).orElseThrow();
        } finally {
            lock.unlock();
        }
    }

    private Optional<Long> place(String gate, String holder) {
        return Optional.ofNullable(placeReads.get(new Holder(gate, holder)));
    }

    private Future<Map<Holder, Long>> placesAmong(List<Holder> keys) {
        String[] gates = keys.stream().map(Holder::gate).toArray(String[]::new);
        String[] holders = keys.stream().map(Holder::holder).toArray(String[]::new);
        return BatchedReads.byKey(pool.preparedQuery(PLACES_AMONG).execute(Tuple.of(gates, (Object) holders)),
                r -> new Holder(r.getString(0), r.getString(1)), r -> r.getLong(2));
    }

    private Future<Map<Placing, Boolean>> placeAmong(List<Placing> keys) {
        List<Placing> sorted = keys.stream().sorted(Comparator.comparing(Placing::gate).thenComparing(Placing::holder)).toList();
        Tuple args = Tuple.of(sorted.stream().map(Placing::gate).toArray(String[]::new),
                sorted.stream().map(Placing::holder).toArray(String[]::new),
                sorted.stream().map(Placing::place).toArray(Long[]::new));
        return BatchedReads.byKey(pool.preparedQuery(PLACE_AMONG).execute(args),
                r -> new Placing(r.getString(0), r.getString(1), r.getLong(2)), r -> Boolean.TRUE);
    }

    private ReentrantLock holderLock(String gate, String holder) {
        return holderLocks[holderStripe(gate, holder)];
    }

    /** Which of the {@value #HOLDER_STRIPES} holder locks guards {@code holder} at {@code gate}. */
    static int holderStripe(String gate, String holder) {
        return Math.floorMod(31 * gate.hashCode() + holder.hashCode(), HOLDER_STRIPES);
    }

    @Override
    public long issued(String gate) {
        return numbers(gate).issued();
    }

    // ------------------------------------------------------------------ progress and checkpoints

    @Override
    public GateProgress progress(String gate) {
        RowSet<Row> rows = await(pool.preparedQuery(
                "SELECT version, mark, pre_queue_size, last_tick, carry, rate FROM gate_progress WHERE gate = $1")
                .execute(Tuple.of(gate)));
        return rows.size() == 0 ? GateProgress.INITIAL : progressOf(rows.iterator().next());
    }

    /** Both in one statement, so from one snapshot: every tick of every gate reads them (issue #17). */
    @Override
    public Reading reading(String gate) {
        Row r = await(pool.preparedQuery(READING).execute(Tuple.of(gate))).iterator().next();
        JsonObject config = r.getJsonObject(6);
        return new Reading(r.getLong(0) == null ? GateProgress.INITIAL : progressOf(r),
                config == null ? Optional.empty() : Optional.of(GateConfigJson.readStored(config)));
    }

    private static GateProgress progressOf(Row r) {
        OffsetDateTime tick = r.getOffsetDateTime(3);
        return new GateProgress(r.getLong(1), r.getLong(2),
                new AdmissionPolicy.Memory(tick == null ? null : tick.toInstant(), r.getDouble(4), r.getDouble(5)), r.getLong(0));
    }

    @Override
    public boolean advance(String gate, GateProgress expected, GateProgress next, Instant at) {
        Instant when = at.truncatedTo(ChronoUnit.MICROS);
        Tuple args = Tuple.of(gate, expected.version(), next.version(), next.mark(), next.preQueueSize(), time(next.memory().lastTick()))
                .addValue(next.memory().carry()).addValue(next.memory().rate()).addValue(time(when)).addValue(expected.mark());
        boolean won = await(pool.preparedQuery(expected.version() == 0 ? ADVANCE_FIRST : ADVANCE).execute(args))
                .iterator().next().getLong(0) == 1;
        if (won && next.mark() > expected.mark()) {
            admissions(gate).put(next.mark(), new Admission(expected.mark(), when));
        }
        return won;
    }

    @Override
    public Optional<Instant> admittedAt(String gate, long rank) {
        if (rank < 1) {
            return Optional.empty();
        }
        ConcurrentSkipListMap<Long, Admission> known = admissions(gate);
        Map.Entry<Long, Admission> cached = known.ceilingEntry(rank);
        if (cached != null && cached.getValue().after() < rank) {
            return Optional.of(cached.getValue().at());
        }
        RowSet<Row> rows = await(pool.preparedQuery(ADMITTED_AT).execute(Tuple.of(gate, rank)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        Long first = r.getLong("first");
        Long reached = r.getLong("reached");
        if (rank > r.getLong("mark") || first == null || reached == null || (r.getBoolean("trimmed") && rank <= first)) {
            return Optional.empty();
        }
        Long below = r.getLong("below");
        Instant at = r.getOffsetDateTime("at").toInstant();
        known.put(reached, new Admission(below == null ? 0 : below, at));
        return Optional.of(at);
    }

    @Override
    public long markAt(String gate, Instant at) {
        RowSet<Row> rows = await(pool.preparedQuery(
                "SELECT mark FROM gate_checkpoints WHERE gate = $1 AND at <= $2 ORDER BY at DESC, mark DESC LIMIT 1")
                .execute(Tuple.of(gate, time(at))));
        return rows.size() == 0 ? 0 : rows.iterator().next().getLong(0);
    }

    @Override
    public void trimCheckpoints(String gate, Instant before) {
        RowSet<Row> kept = await(pool.preparedQuery(TRIM).execute(Tuple.of(gate, time(before))));
        if (kept.size() == 1) {
            // Ranks up to the kept checkpoint can no longer be dated.
            admissions(gate).headMap(kept.iterator().next().getLong(0), true).clear();
        }
    }

    private ConcurrentSkipListMap<Long, Admission> admissions(String gate) {
        return admissions.computeIfAbsent(gate, g -> new ConcurrentSkipListMap<>());
    }

    // ------------------------------------------------------------------ spent passes

    @Override
    public boolean spend(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        boolean first = spends.insert(new Spent(gate, rank)) != null;
        if (first) {
            // Spent here by a use: never lapsed afterwards (lapse leaves spent ranks alone), so never revived.
            spentCache.spend(gate, rank);
        }
        return first;
    }

    @Override
    public boolean unspend(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        boolean was = await(pool.preparedQuery("DELETE FROM gate_spent WHERE gate = $1 AND rank = $2")
                .execute(Tuple.of(gate, rank))).rowCount() == 1;
        // After the row is gone: a reader that finds no row caches nothing.
        spentCache.unspend(gate, rank);
        return was;
    }

    @Override
    public boolean spent(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        if (spentCache.spent(gate, rank)) {
            return true;
        }
        // A row found here is not cached: it may be a lapse, which any node may revive (delete).
        return spentReads.get(new Spent(gate, rank)) != null;
    }

    private Future<Map<Spent, Boolean>> spentAmong(List<Spent> keys) {
        return spentStatement(SPENT_AMONG, keys);
    }

    private Future<Map<Spent, Boolean>> spendAmong(List<Spent> keys) {
        return spentStatement(SPEND_AMONG, keys);
    }

    /** A statement over passes given as two arrays, answering the passes of the rows it returns. */
    private Future<Map<Spent, Boolean>> spentStatement(String sql, List<Spent> keys) {
        String[] gates = keys.stream().map(Spent::gate).toArray(String[]::new);
        Long[] ranks = keys.stream().map(Spent::rank).toArray(Long[]::new);
        return BatchedReads.byKey(pool.preparedQuery(sql).execute(Tuple.of(gates, (Object) ranks)),
                r -> new Spent(r.getString(0), r.getLong(1)), r -> Boolean.TRUE);
    }

    /**
     * The blocks of 1,024 ranks above the one {@code rank} falls in, summed (kept by triggers, see
     * V24), and that block's marks above {@code rank} counted one by one: a few hundred rows read
     * at most, where a count of every mark read one index entry per pass spent in a lifetime.
     */
    private static final String SPENT_ABOVE = """
            SELECT (SELECT coalesce(sum(marks), 0) FROM gate_spent_blocks WHERE gate = $1 AND block > $2::bigint / 1024)::bigint
                 + (SELECT count(*) FROM gate_spent WHERE gate = $1 AND rank > $2 AND rank < ($2::bigint / 1024 + 1) * 1024)""";

    @Override
    public long spentAbove(String gate, long rank) {
        return await(pool.preparedQuery(SPENT_ABOVE).execute(Tuple.of(gate, rank))).iterator().next().getLong(0);
    }

    // ------------------------------------------------------------------ claim marks

    @Override
    public void claim(String gate, Map<Long, Instant> untilByNumber) {
        List<Long> numbers = new ArrayList<>(untilByNumber.size());
        List<Long> until = new ArrayList<>(untilByNumber.size());
        untilByNumber.forEach((n, u) -> {
            if (n >= 1) {
                numbers.add(n);
                until.add(Claims.toSeconds(u));
            }
        });
        if (!numbers.isEmpty()) {
            await(pool.preparedQuery(CLAIM).execute(Tuple.of(gate, numbers.toArray(Long[]::new), until.toArray(Long[]::new))));
        }
    }

    @Override
    public List<Instant> claimedUntil(String gate, List<Long> numbers) {
        Map<Long, Long> found = new HashMap<>();
        if (!numbers.isEmpty()) {
            for (Row row : await(pool.preparedQuery(CLAIMED_UNTIL).execute(Tuple.of(gate, (Object) numbers.toArray(Long[]::new))))) {
                found.put(row.getLong(0), row.getLong(1));
            }
        }
        List<Instant> out = new ArrayList<>(numbers.size());
        for (long n : numbers) {
            Long s = found.get(n);
            out.add(s == null ? Claims.NEVER : Claims.ofSeconds(s));
        }
        return out;
    }

    @Override
    public void lapse(String gate, List<PassedOver> places) {
        if (places.isEmpty()) {
            return;
        }
        Long[] numbers = places.stream().map(PassedOver::number).toArray(Long[]::new);
        Long[] ranks = places.stream().map(PassedOver::rank).toArray(Long[]::new);
        // Not cached: a lapsed pass may be revived by any node (see spent).
        await(pool.preparedQuery(LAPSE).execute(Tuple.of(gate, (Object) numbers, (Object) ranks)));
    }

    @Override
    public boolean revive(String gate, long number, long rank) {
        if (number < 1 || rank < 1) {
            return false;
        }
        return await(pool.preparedQuery(REVIVE).execute(Tuple.of(gate, number, rank))).rowCount() == 1;
    }

    @Override
    public Optional<LotteryDraw> lottery(String gate) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT secret, committed_at FROM gate_lottery WHERE gate = $1")
                .execute(Tuple.of(gate)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(draw(rows.iterator().next()));
    }

    @Override
    public LotteryDraw commitLottery(String gate, LotteryDraw draw) {
        // Either this insert or the one that won before it: the select sees the winner's row.
        await(pool.preparedQuery("INSERT INTO gate_lottery (gate, secret, committed_at) VALUES ($1, $2, $3) ON CONFLICT (gate) DO NOTHING")
                .execute(Tuple.of(gate, Buffer.buffer(draw.secret()), time(draw.committedAt()))));
        return lottery(gate).orElseThrow(() -> new IllegalStateException("the lottery of gate '" + gate + "' vanished"));
    }

    @Override
    public boolean redrawLottery(String gate, LotteryDraw expected, LotteryDraw next) {
        return await(pool.preparedQuery("""
                UPDATE gate_lottery SET secret = $4, committed_at = $5
                WHERE gate = $1 AND secret = $2 AND committed_at = $3""")
                .execute(Tuple.of(gate, Buffer.buffer(expected.secret()), time(expected.committedAt()), Buffer.buffer(next.secret()),
                        time(next.committedAt())))).rowCount() == 1;
    }

    private static LotteryDraw draw(Row row) {
        return new LotteryDraw(row.getBuffer("secret").getBytes(), row.getOffsetDateTime("committed_at").toInstant());
    }

    private static OffsetDateTime time(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
