package dev.orderly.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.ratelimit.AsyncRateLimiter;
import dev.orderly.ratelimit.FailClosedRateLimiter;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.ratelimit.RateLimiter;
import dev.orderly.ratelimit.RateLimiterContract;
import dev.orderly.ratelimit.TokenBucketRateLimiter;
import dev.orderly.server.TestRedis;
import dev.orderly.time.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The rate limiter contract against a real Redis (the local one, or an embedded one); each "node" its own limiter on one prefix. */
class RedisRateLimiterIT extends RateLimiterContract {

    private static RedisAPI redis;

    static synchronized RedisAPI redis() {
        if (redis == null) {
            redis = RedisAPI.api(Redis.createClient(Vertx.vertx(), new RedisOptions().setConnectionString(TestRedis.url())
                    .setMaxPoolSize(16).setMaxPoolWaiting(100_000)));
        }
        return redis;
    }

    private final String prefix = "test-" + UUID.randomUUID();

    @Override
    protected List<AsyncRateLimiter> newLimiters(RateLimit limit, MutableClock clock, int nodes) {
        return IntStream.range(0, nodes).<AsyncRateLimiter>mapToObj(i -> new RedisRateLimiter(redis(), prefix, "join-address", limit, clock,
                Duration.ofSeconds(10))).toList();
    }

    @Test
    void aKeyLivesOnlyUntilItsBucketIsFullAgain() {
        AsyncRateLimiter limiter = newLimiters(RateLimit.parse("2/20m"), clock, 1).getFirst();
        take(limiter, "10.0.0.1");
        take(limiter, "10.0.0.1");

        long ttl = redis().pttl(prefix + ":rate:join-address:10.0.0.1").toCompletionStage().toCompletableFuture().join().toLong();

        assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(20).toMillis());
    }

    @Test
    void whenRedisCannotBeReachedEachNodeStillRefusesBeyondTheLimitOnItsOwn() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        RedisAPI gone = RedisAPI.api(Redis.createClient(Vertx.vertx(), new RedisOptions().setConnectionString("redis://127.0.0.1:" + closed)));
        RateLimit limit = RateLimit.parse("3/1m");
        FailClosedRateLimiter limiter = new FailClosedRateLimiter(new TokenBucketRateLimiter(limit, clock, 100),
                new RedisRateLimiter(gone, prefix, "join-address", limit, clock, Duration.ofSeconds(5)));

        List<RateLimiter.Decision> decisions = IntStream.range(0, 10).mapToObj(i -> take(limiter, "10.0.0.2")).toList();

        assertThat(decisions).filteredOn(d -> d instanceof RateLimiter.Allowed).hasSize(3);
        assertThat(limiter.sharedFailures()).isEqualTo(3);
    }
}
