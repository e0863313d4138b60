package dev.orderly.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailClosedRateLimiterTest extends RateLimiterContract {

    /** Each node's own bucket over one shared store: the contract holds for the pair as for the store alone. */
    @Override
    protected List<AsyncRateLimiter> newLimiters(RateLimit limit, MutableClock clock, int nodes) {
        AsyncRateLimiter store = AsyncRateLimiter.of(new TokenBucketRateLimiter(limit, clock, 1000));
        return java.util.stream.IntStream.range(0, nodes)
                .<AsyncRateLimiter>mapToObj(i -> new FailClosedRateLimiter(new TokenBucketRateLimiter(limit, clock, 1000), store))
                .toList();
    }

    @Test
    void whenTheSharedStoreFailsTheNodesOwnBucketStillRefusesBeyondTheLimit() {
        AtomicBoolean down = new AtomicBoolean();
        TokenBucketRateLimiter shared = new TokenBucketRateLimiter(RateLimit.parse("4/1m"), clock, 1000);
        AsyncRateLimiter store = key -> down.get() ? CompletableFuture.failedFuture(new TimeoutException("store too slow"))
                : CompletableFuture.completedFuture(shared.acquire(key));
        FailClosedRateLimiter limiter = new FailClosedRateLimiter(new TokenBucketRateLimiter(RateLimit.parse("4/1m"), clock, 1000), store);
        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);

        down.set(true);

        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "k")).as("closed beyond the local limit, never open").isInstanceOf(RateLimiter.Limited.class);
        assertThat(limiter.sharedFailures()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(15));
        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
    }

    @Test
    void aKeyTheLocalBucketRefusesCostsTheSharedStoreNothing() {
        AtomicInteger asked = new AtomicInteger();
        TokenBucketRateLimiter shared = new TokenBucketRateLimiter(RateLimit.parse("2/1m"), clock, 1000);
        FailClosedRateLimiter limiter = new FailClosedRateLimiter(new TokenBucketRateLimiter(RateLimit.parse("2/1m"), clock, 1000), key -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(shared.acquire(key));
        });

        for (int i = 0; i < 100; i++) {
            take(limiter, "flooder");
        }

        assertThat(asked).hasValue(2);
    }

    @Test
    void aSharedLimiterThatThrowsInsteadOfFailingItsStageIsAFailureToo() {
        FailClosedRateLimiter limiter = new FailClosedRateLimiter(new TokenBucketRateLimiter(RateLimit.parse("1/1m"), clock, 1000), key -> {
            throw new IllegalStateException("pool closed");
        });

        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "k")).isInstanceOf(RateLimiter.Limited.class);
        assertThat(limiter.sharedFailures()).isEqualTo(1);
    }
}
