package dev.orderly.server.redis;

import dev.orderly.ratelimit.AsyncRateLimiter;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.ratelimit.RateLimiter;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One token bucket per key in Redis, shared by every node: a key gets the limit once, whichever
 * nodes its requests reach.
 *
 * <p>The bucket is the generic cell rate algorithm as in {@link dev.orderly.ratelimit.TokenBucketRateLimiter}:
 * one number per key, the instant its bucket is full again, checked and moved by one Lua script
 * (atomic on the server, one round trip, one key, so any Redis Cluster shard can run it). The key
 * lives exactly until its bucket is full again ({@code PX}), when it says nothing a missing key
 * would not: Redis holds only keys being limited right now, and a flood of new addresses costs
 * one short-lived key each.
 *
 * <p>Time is the calling node's clock, in microseconds (Lua's numbers are doubles: exact to 2^53,
 * which epoch microseconds stay below until the year 2255). Nodes' clocks a few milliseconds apart
 * shift a token by as much. A clock that steps back refills nothing. A call that takes longer than
 * {@code timeout} fails its stage, as does an unreachable Redis: the caller decides (see
 * {@link dev.orderly.ratelimit.FailClosedRateLimiter}).
 */
public final class RedisRateLimiter implements AsyncRateLimiter {

    private static final String ACQUIRE = """
            local now = tonumber(ARGV[1])
            local interval = tonumber(ARGV[2])
            local tolerance = tonumber(ARGV[3])
            local full = tonumber(redis.call('GET', KEYS[1]) or '0')
            local from = math.max(full, now)
            local ahead = from - now
            if ahead > tolerance then return ahead - tolerance end
            local nextFull = from + interval
            redis.call('SET', KEYS[1], string.format('%d', nextFull), 'PX', math.ceil((nextFull - now) / 1000))
            return 0""";

    private static final RateLimiter.Decision ALLOWED = new RateLimiter.Allowed();

    private final RedisAPI redis;
    private final String keyPrefix;
    private final Clock clock;
    private final long timeoutMillis;
    private final String interval;
    private final String tolerance;

    /**
     * @param prefix  the deployment's key prefix ({@code ORDERLY_REDIS_PREFIX})
     * @param name    this limit's name among the others, e.g. {@code join-address}
     * @param timeout how long a decision may take before the stage fails
     */
    public RedisRateLimiter(RedisAPI redis, String prefix, String name, RateLimit limit, Clock clock, Duration timeout) {
        this.redis = redis;
        this.keyPrefix = prefix + ":rate:" + name + ":";
        this.clock = clock;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        long micros = Math.max(1, limit.period().toNanos() / 1000 / limit.burst());
        this.interval = Long.toString(micros);
        this.tolerance = Long.toString(micros * (limit.burst() - 1));
    }

    @Override
    public CompletionStage<RateLimiter.Decision> acquire(String key) {
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return redis.eval(List.of(ACQUIRE, "1", keyPrefix + key, Long.toString(micros), interval, tolerance))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .<RateLimiter.Decision>map(r -> {
                    long wait = r.toLong();
                    return wait <= 0 ? ALLOWED : new RateLimiter.Limited(Duration.ofNanos(wait * 1000));
                })
                .toCompletionStage();
    }
}
