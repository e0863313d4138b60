package dev.orderly.bench;

import dev.orderly.ratelimit.AsyncRateLimiter;
import dev.orderly.ratelimit.FailClosedRateLimiter;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.ratelimit.RateLimiter;
import dev.orderly.ratelimit.TokenBucketRateLimiter;
import dev.orderly.server.redis.RedisRateLimiter;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one join's rate-limit check: this node's memory bucket alone (one node), against
 * the shared limit as the server builds it with Redis (the node's bucket, then one Lua script in
 * Redis, waited for). Keys cycle over 100,000 addresses under the default join limit, so every
 * check is the common case, an honest join let through. Redis: {@code -Dorderly.bench.redis=URL},
 * default {@code redis://127.0.0.1:6379}; keys go under a fresh prefix and expire on their own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimiterBenchmark {

    private static final int ADDRESSES = 100_000;
    private static final RateLimit JOIN = RateLimit.parse("200/10s");

    @Param({"memory", "redis"})
    public String limiter;

    private Vertx vertx;
    private AsyncRateLimiter check;

    /** Each thread its own run of addresses. */
    @State(Scope.Thread)
    public static class Addresses {
        private int next = (int) (Math.random() * ADDRESSES);

        String next() {
            next = (next + 1) % ADDRESSES;
            return "10." + (next >> 16) + "." + ((next >> 8) & 255) + "." + (next & 255);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = Clock.systemUTC();
        TokenBucketRateLimiter local = new TokenBucketRateLimiter(JOIN, clock, 200_000);
        if (limiter.equals("memory")) {
            check = AsyncRateLimiter.of(local);
            return;
        }
        vertx = Vertx.vertx();
        RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(System.getProperty("orderly.bench.redis", "redis://127.0.0.1:6379"))
                .setMaxPoolSize(32).setMaxPoolWaiting(100_000)));
        // A timeout far above the server's 250 ms: on a loaded machine some checks take longer, and a
        // check the local bucket decided instead would measure the fallback, not Redis.
        check = new FailClosedRateLimiter(local, new RedisRateLimiter(redis, "bench-" + UUID.randomUUID(), "join-address", JOIN, clock,
                Duration.ofSeconds(10)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (check instanceof FailClosedRateLimiter shared && shared.sharedFailures() > 0) {
            // A figure measured while Redis failed would be the local bucket's: not what was asked.
            throw new IllegalStateException(shared.sharedFailures() + " checks were not decided by Redis: the figure is void");
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @Benchmark
    public RateLimiter.Decision joinCheck(Addresses addresses) {
        return check.acquire(addresses.next()).toCompletableFuture().join();
    }
}
