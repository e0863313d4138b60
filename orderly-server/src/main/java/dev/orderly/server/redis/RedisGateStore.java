package dev.orderly.server.redis;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.Claims;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateProgress;
import dev.orderly.gate.GateStore;
import dev.orderly.gate.LotteryDraw;
import dev.orderly.server.gate.GateConfigJson;
import dev.orderly.server.vertx.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The gate store on Redis, shared by any number of app nodes.
 *
 * <p>Keys carry the gate in a hash tag ({@code orderly:gate:{identity}:seq}), so with Redis
 * Cluster each gate's keys live on one shard and its scripts run there atomically; gate configs
 * live in one hash. Per gate:
 * <ul>
 *   <li>{@code seq}: the counter (INCR; joins that need only a number share an INCRBY, see
 *       {@link CoalescingCounter});</li>
 *   <li>{@code holders}: hash holder → number, set once by a script;</li>
 *   <li>{@code progress}: hash of version {@code v}, mark {@code m} and the encoded progress {@code p},
 *       replaced by a compare-and-set script that also writes the checkpoints;</li>
 *   <li>{@code ck:mark} and {@code ck:time}: sorted sets of checkpoints by mark and by time;</li>
 *   <li>{@code spent}: a bitmap, bit = rank (SETBIT answers whether it was already set);</li>
 *   <li>{@code claims}: claim marks, an unsigned 32-bit field of seconds per ticket number
 *       (BITFIELD u32 at {@code #number}: 4 bytes a number issued, 40 MB for ten million);</li>
 *   <li>{@code lottery}: the pre-queue's secret in hex and its commitment time, {@code hex|millis},
 *       set once (SET NX) and replaced only by a compare-and-set script;</li>
 *   <li>{@code config}: the gate's configuration, so that a script can change it together with the
 *       progress in the gate's slot; also copied into one hash of all gates, for listing.</li>
 * </ul>
 * Configuration is kept as JSON in the form of {@link GateConfigJson}.
 */
public final class RedisGateStore implements GateStore {

    private static final String CONFIGS = "orderly:gate-configs";

    private static final String ISSUE_FOR = """
            local s = redis.call('HGET', KEYS[1], ARGV[1])
            if s then return tonumber(s) end
            s = redis.call('INCR', KEYS[2])
            redis.call('HSET', KEYS[1], ARGV[1], s)
            return s""";

    private static final String REISSUE_FOR = """
            local s = redis.call('HGET', KEYS[1], ARGV[1])
            if s and s ~= ARGV[2] then return tonumber(s) end
            s = redis.call('INCR', KEYS[2])
            redis.call('HSET', KEYS[1], ARGV[1], s)
            return s""";

    private static final String ADVANCE = """
            local v = redis.call('HGET', KEYS[1], 'v') or '0'
            if v ~= ARGV[1] then return 0 end
            local old = tonumber(redis.call('HGET', KEYS[1], 'm') or '0')
            redis.call('HSET', KEYS[1], 'v', ARGV[2], 'm', ARGV[3], 'p', ARGV[4])
            local new = tonumber(ARGV[3])
            if new > old then
              redis.call('ZADD', KEYS[2], 'NX', new, ARGV[3])
              redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[5])
              redis.call('ZADD', KEYS[3], ARGV[5], ARGV[5] .. ':' .. ARGV[3])
            end
            return 1""";

    private static final String SAVE_CONFIG_IF = """
            local v = redis.call('HGET', KEYS[1], 'v') or '0'
            if v ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[2], 'm', ARGV[3], 'p', ARGV[4])
            redis.call('SET', KEYS[2], ARGV[5])
            return 1""";

    private static final String ADMITTED_AT = """
            local rank = tonumber(ARGV[1])
            local mark = tonumber(redis.call('HGET', KEYS[1], 'm') or '0')
            if rank < 1 or rank > mark then return false end
            local first = redis.call('ZRANGE', KEYS[2], 0, 0)
            local hit = redis.call('ZRANGEBYSCORE', KEYS[2], rank, '+inf', 'LIMIT', 0, 1)
            if #first == 0 or #hit == 0 then return false end
            if redis.call('EXISTS', KEYS[3]) == 1 and rank <= tonumber(first[1]) then return false end
            return redis.call('HGET', KEYS[4], hit[1])""";

    private static final String MARK_AT = """
            local e = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, 1)
            if #e == 0 then return 0 end
            return tonumber(string.match(e[1], ':(%d+)$'))""";

    private static final String TRIM = """
            local e = redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '-inf', 'LIMIT', 0, 1)
            if #e == 0 then return 0 end
            local t, m = string.match(e[1], '^(%d+):(%d+)$')
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. t)
            local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. m)
            for _, k in ipairs(gone) do redis.call('HDEL', KEYS[4], k) end
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. m)
            redis.call('SET', KEYS[3], '1')
            return 1""";

    // Redis numbers bits from the most significant bit of each byte.
    private static final String SPENT_ABOVE = """
            local sb = tonumber(ARGV[1])
            local byte = math.floor(sb / 8)
            local rest = redis.call('BITCOUNT', KEYS[1], byte + 1, -1)
            local c = redis.call('GETRANGE', KEYS[1], byte, byte)
            local partial = 0
            if #c == 1 then
              local b = string.byte(c)
              for i = sb % 8, 7 do
                if bit.band(b, bit.rshift(128, i)) ~= 0 then partial = partial + 1 end
              end
            end
            return rest + partial""";

    /**
     * ARGV: pairs of number and rank; each rank's pass is spent and, where that spent it (not
     * already used), its number lapsed.
     */
    private static final String LAPSE = """
            for i = 1, #ARGV, 2 do
              if redis.call('SETBIT', KEYS[2], ARGV[i + 1], 1) == 0 then
                redis.call('BITFIELD', KEYS[1], 'SET', 'u32', '#' .. ARGV[i], 1)
              end
            end
            return 1""";

    /** ARGV: number, rank. A lapsed number is revived and its rank's pass given back, once. */
    private static final String REVIVE = """
            if redis.call('BITFIELD', KEYS[1], 'GET', 'u32', '#' .. ARGV[1])[1] ~= 1 then return 0 end
            redis.call('BITFIELD', KEYS[1], 'SET', 'u32', '#' .. ARGV[1], 2)
            redis.call('SETBIT', KEYS[2], ARGV[2], 0)
            return 1""";

    /** ARGV: pairs of number and until (seconds); a lapsed number stays lapsed. */
    private static final String CLAIM = """
            for i = 1, #ARGV, 2 do
              local f = '#' .. ARGV[i]
              if redis.call('BITFIELD', KEYS[1], 'GET', 'u32', f)[1] ~= 1 then
                redis.call('BITFIELD', KEYS[1], 'SET', 'u32', f, ARGV[i + 1])
              end
            end
            return 1""";

    /** Numbers per BITFIELD call or script run, so no single command holds Redis for long. */
    private static final int CLAIM_BATCH = 2_000;

    private static final String REDRAW = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2])
            return 1""";

    private final RedisAPI redis;
    private final String prefix;
    private final Map<String, CoalescingCounter> counters = new ConcurrentHashMap<>();

    /** @param prefix key prefix, e.g. {@code orderly}; tests use a fresh one each */
    public RedisGateStore(RedisAPI redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    private String key(String gate, String part) {
        return prefix + ":gate:{" + gate + "}:" + part;
    }

    private String configsKey() {
        return prefix.equals("orderly") ? CONFIGS : prefix + ":gate-configs";
    }

    private static <T> T await(Future<T> future) {
        return Await.await(future, RedisErrors::translate);
    }

    private Response eval(String script, List<String> keys, List<String> args) {
        List<String> call = new ArrayList<>(2 + keys.size() + args.size());
        call.add(script);
        call.add(Integer.toString(keys.size()));
        call.addAll(keys);
        call.addAll(args);
        return await(redis.eval(call));
    }

    @Override
    public void saveConfig(GateConfig config) {
        String json = GateConfigJson.write(config).encode();
        await(redis.set(List.of(key(config.name(), "config"), json)));
        await(redis.hset(List.of(configsKey(), config.name(), json)));
    }

    @Override
    public boolean saveConfigIf(GateConfig config, GateProgress expected, GateProgress next) {
        String json = GateConfigJson.write(config).encode();
        boolean saved = eval(SAVE_CONFIG_IF, List.of(key(config.name(), "progress"), key(config.name(), "config")),
                List.of(Long.toString(expected.version()), Long.toString(next.version()), Long.toString(next.mark()), encode(next),
                        json)).toLong() == 1;
        if (saved) {
            await(redis.hset(List.of(configsKey(), config.name(), json)));
        }
        return saved;
    }

    @Override
    public Optional<GateConfig> config(String gate) {
        Response r = await(redis.get(key(gate, "config")));
        if (r == null) {
            // Saved by a version that kept configurations in the listing hash alone.
            r = await(redis.hget(configsKey(), gate));
        }
        return r == null ? Optional.empty() : Optional.of(GateConfigJson.readStored(new JsonObject(r.toString())));
    }

    @Override
    public List<GateConfig> configs() {
        Response r = await(redis.hgetall(configsKey()));
        List<GateConfig> result = new ArrayList<>();
        if (r != null) {
            // RESP3 answers a map, RESP2 a flat list of field, value, field, value...
            if (!r.getKeys().isEmpty()) {
                for (String field : r.getKeys()) {
                    result.add(GateConfigJson.readStored(new JsonObject(r.get(field).toString())));
                }
            } else {
                for (int i = 1; i < r.size(); i += 2) {
                    result.add(GateConfigJson.readStored(new JsonObject(r.get(i).toString())));
                }
            }
        }
        result.sort(Comparator.comparing(GateConfig::name));
        return result;
    }

    @Override
    public long issue(String gate) {
        return await(redis.incr(key(gate, "seq"))).toLong();
    }

    @Override
    public CompletionStage<Long> issueLater(String gate) {
        return counters.computeIfAbsent(gate, g -> {
            String key = key(g, "seq");
            return new CoalescingCounter(n -> redis.incrby(key, Long.toString(n)).map(Response::toLong));
        }).next();
    }

    @Override
    public long issueFor(String gate, String holder) {
        return eval(ISSUE_FOR, List.of(key(gate, "holders"), key(gate, "seq")), List.of(holder)).toLong();
    }

    @Override
    public long reissueFor(String gate, String holder, long previous) {
        return eval(REISSUE_FOR, List.of(key(gate, "holders"), key(gate, "seq")), List.of(holder, Long.toString(previous))).toLong();
    }

    @Override
    public long issued(String gate) {
        Response r = await(redis.get(key(gate, "seq")));
        return r == null ? 0 : r.toLong();
    }

    @Override
    public GateProgress progress(String gate) {
        Response r = await(redis.hget(key(gate, "progress"), "p"));
        return r == null ? GateProgress.INITIAL : decode(r.toString());
    }

    @Override
    public boolean advance(String gate, GateProgress expected, GateProgress next, Instant at) {
        return eval(ADVANCE, List.of(key(gate, "progress"), key(gate, "ck:mark"), key(gate, "ck:time"), key(gate, "ck:at")),
                List.of(Long.toString(expected.version()), Long.toString(next.version()), Long.toString(next.mark()),
                        encode(next), Long.toString(at.toEpochMilli()))).toLong() == 1;
    }

    @Override
    public Optional<Instant> admittedAt(String gate, long rank) {
        Response r = eval(ADMITTED_AT, List.of(key(gate, "progress"), key(gate, "ck:mark"), key(gate, "trimmed"), key(gate, "ck:at")),
                List.of(Long.toString(rank)));
        return r == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(r.toLong()));
    }

    @Override
    public long markAt(String gate, Instant at) {
        return eval(MARK_AT, List.of(key(gate, "ck:time")), List.of(Long.toString(at.toEpochMilli()))).toLong();
    }

    @Override
    public void trimCheckpoints(String gate, Instant before) {
        eval(TRIM, List.of(key(gate, "ck:time"), key(gate, "ck:mark"), key(gate, "trimmed"), key(gate, "ck:at")),
                List.of(Long.toString(before.toEpochMilli())));
    }

    @Override
    public boolean spend(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        return await(redis.setbit(key(gate, "spent"), Long.toString(rank), "1")).toLong() == 0;
    }

    @Override
    public boolean unspend(String gate, long rank) {
        if (rank < 1) {
            return false;
        }
        return await(redis.setbit(key(gate, "spent"), Long.toString(rank), "0")).toLong() == 1;
    }

    @Override
    public boolean spent(String gate, long rank) {
        if (rank < 0) {
            return false;
        }
        return await(redis.getbit(key(gate, "spent"), Long.toString(rank))).toLong() == 1;
    }

    @Override
    public long spentAbove(String gate, long rank) {
        return eval(SPENT_ABOVE, List.of(key(gate, "spent")), List.of(Long.toString(Math.max(0, rank + 1)))).toLong();
    }

    @Override
    public void claim(String gate, Map<Long, Instant> untilByNumber) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<Long, Instant> e : untilByNumber.entrySet()) {
            if (e.getKey() < 1) {
                continue;
            }
            args.add(Long.toString(e.getKey()));
            args.add(Long.toString(Claims.toSeconds(e.getValue())));
            if (args.size() >= 2 * CLAIM_BATCH) {
                eval(CLAIM, List.of(key(gate, "claims")), args);
                args = new ArrayList<>();
            }
        }
        if (!args.isEmpty()) {
            eval(CLAIM, List.of(key(gate, "claims")), args);
        }
    }

    @Override
    public List<Instant> claimedUntil(String gate, List<Long> numbers) {
        List<Instant> out = new ArrayList<>(numbers.size());
        for (int from = 0; from < numbers.size(); from += CLAIM_BATCH) {
            List<Long> part = numbers.subList(from, Math.min(numbers.size(), from + CLAIM_BATCH));
            List<String> args = new ArrayList<>(1 + 3 * part.size());
            args.add(key(gate, "claims"));
            for (long n : part) {
                args.add("GET");
                args.add("u32");
                // Numbers below 1 are never claimed; field 0 is never written, so it reads 0.
                args.add("#" + Math.max(0, n));
            }
            Response r = await(redis.bitfield(args));
            for (int i = 0; i < part.size(); i++) {
                out.add(Claims.ofSeconds(r.get(i).toLong()));
            }
        }
        return out;
    }

    @Override
    public void lapse(String gate, List<PassedOver> places) {
        for (int from = 0; from < places.size(); from += CLAIM_BATCH) {
            List<String> args = new ArrayList<>();
            for (PassedOver p : places.subList(from, Math.min(places.size(), from + CLAIM_BATCH))) {
                args.add(Long.toString(p.number()));
                args.add(Long.toString(p.rank()));
            }
            eval(LAPSE, List.of(key(gate, "claims"), key(gate, "spent")), args);
        }
    }

    @Override
    public boolean revive(String gate, long number, long rank) {
        if (number < 1 || rank < 1) {
            return false;
        }
        return eval(REVIVE, List.of(key(gate, "claims"), key(gate, "spent")),
                List.of(Long.toString(number), Long.toString(rank))).toLong() == 1;
    }

    @Override
    public Optional<LotteryDraw> lottery(String gate) {
        Response r = await(redis.get(key(gate, "lottery")));
        return r == null ? Optional.empty() : Optional.of(decodeDraw(r.toString()));
    }

    @Override
    public LotteryDraw commitLottery(String gate, LotteryDraw draw) {
        await(redis.set(List.of(key(gate, "lottery"), encode(draw), "NX")));
        return lottery(gate).orElseThrow(() -> new IllegalStateException("the lottery of gate '" + gate + "' vanished"));
    }

    @Override
    public boolean redrawLottery(String gate, LotteryDraw expected, LotteryDraw next) {
        return eval(REDRAW, List.of(key(gate, "lottery")), List.of(encode(expected), encode(next))).toLong() == 1;
    }

    static String encode(LotteryDraw d) {
        return d.secretHex() + "|" + d.committedAt().toEpochMilli();
    }

    static LotteryDraw decodeDraw(String s) {
        String[] f = s.split("\\|");
        return new LotteryDraw(HexFormat.of().parseHex(f[0]), Instant.ofEpochMilli(Long.parseLong(f[1])));
    }

    static String encode(GateProgress p) {
        AdmissionPolicy.Memory m = p.memory();
        return p.mark() + "|" + p.preQueueSize() + "|" + (m.lastTick() == null ? "-" : Long.toString(m.lastTick().toEpochMilli()))
                + "|" + m.carry() + "|" + m.rate() + "|" + p.version();
    }

    static GateProgress decode(String s) {
        String[] f = s.split("\\|");
        Function<String, Instant> tick = t -> t.equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(t));
        return new GateProgress(Long.parseLong(f[0]), Long.parseLong(f[1]),
                new AdmissionPolicy.Memory(tick.apply(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])), Long.parseLong(f[5]));
    }
}
