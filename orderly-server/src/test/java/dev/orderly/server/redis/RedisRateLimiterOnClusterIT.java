package dev.orderly.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.ratelimit.AsyncRateLimiter;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.ratelimit.RateLimiter;
import dev.orderly.ratelimit.RateLimiterContract;
import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The rate limiter contract on a real three-master Redis Cluster, keys spread over its shards. */
class RedisRateLimiterOnClusterIT extends RateLimiterContract {

    private final String prefix = "cluster-" + UUID.randomUUID();

    @Override
    protected List<AsyncRateLimiter> newLimiters(RateLimit limit, MutableClock clock, int nodes) {
        return IntStream.range(0, nodes).<AsyncRateLimiter>mapToObj(i -> new RedisRateLimiter(RedisClusterClients.api(), prefix, "join-address",
                limit, clock, Duration.ofSeconds(10))).toList();
    }

    @Test
    void manyAddressesEachGetTheirLimitWhicheverShardHoldsThem() {
        AsyncRateLimiter limiter = newLimiters(RateLimit.parse("2/10m"), clock, 1).getFirst();

        List<Long> allowed = IntStream.range(0, 60).mapToObj(i -> "10.0.1." + i)
                .map(address -> IntStream.range(0, 3).mapToObj(i -> take(limiter, address)).filter(d -> d instanceof RateLimiter.Allowed).count())
                .toList();

        assertThat(allowed).containsOnly(2L).hasSize(60);
    }
}
