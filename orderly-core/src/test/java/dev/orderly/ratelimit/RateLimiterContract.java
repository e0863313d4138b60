package dev.orderly.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every rate limiter adapter promises, in memory or shared through a store: a token bucket of
 * {@code burst} refilled evenly over {@code period}, exact waits, keys apart, time from the
 * injected clock, exactly the burst under contention, and one limit for every node on one store.
 */
public abstract class RateLimiterContract {

    protected static final RateLimiter.Decision ALLOWED = new RateLimiter.Allowed();

    // Limits here span minutes: a store may let a key expire on its own (real) clock once the
    // bucket would be full again, and a test on a busy machine can take seconds between steps.
    protected final MutableClock clock = MutableClock.at("2021-08-09T11:00:00Z");

    /**
     * {@code nodes} limiters on one fresh, empty store (for a memory adapter, its one map), each
     * as one node would hold it, all under {@code limit} and {@link #clock}.
     */
    protected abstract List<AsyncRateLimiter> newLimiters(RateLimit limit, MutableClock clock, int nodes);

    private AsyncRateLimiter newLimiter(String limit) {
        return newLimiters(RateLimit.parse(limit), clock, 1).getFirst();
    }

    protected static RateLimiter.Decision take(AsyncRateLimiter limiter, String key) {
        try {
            return limiter.acquire(key).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the limiter did not decide on " + key, e);
        }
    }

    @Test
    void aBurstIsAllowedAndTheNextRequestIsToldHowLongToWait() {
        AsyncRateLimiter limiter = newLimiter("3/3m");

        for (int i = 0; i < 3; i++) {
            assertThat(take(limiter, "10.0.0.1")).isEqualTo(ALLOWED);
        }
        assertThat(take(limiter, "10.0.0.1")).isEqualTo(new RateLimiter.Limited(Duration.ofMinutes(1)));

        clock.advance(Duration.ofMillis(24_400));
        assertThat(take(limiter, "10.0.0.1")).isEqualTo(new RateLimiter.Limited(Duration.ofMillis(35_600)));
        clock.advance(Duration.ofMillis(35_600));
        assertThat(take(limiter, "10.0.0.1")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "10.0.0.1")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void theBucketRefillsEvenlyAndNeverBeyondItsSize() {
        AsyncRateLimiter limiter = newLimiter("2/10m");
        take(limiter, "k");
        take(limiter, "k");

        clock.advance(Duration.ofHours(1));

        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "k")).isEqualTo(ALLOWED);
        assertThat(take(limiter, "k")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void aFloodUnderOneKeyTakesNothingFromAnother() {
        AsyncRateLimiter limiter = newLimiter("5/10m");
        for (int i = 0; i < 500; i++) {
            take(limiter, "flooder");
        }

        for (int i = 0; i < 5; i++) {
            assertThat(take(limiter, "neighbour")).isEqualTo(ALLOWED);
        }
        assertThat(take(limiter, "neighbour")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void aClockSteppingBackRefillsNothing() {
        AsyncRateLimiter limiter = newLimiter("1/10m");
        take(limiter, "k");

        clock.advance(Duration.ofHours(-1));

        assertThat(take(limiter, "k")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void manyThreadsUnderOneKeyGetExactlyTheBurst() {
        AsyncRateLimiter limiter = newLimiter("7/1h");

        List<RateLimiter.Decision> decisions = Race.run(32, Duration.ofSeconds(30), i -> take(limiter, "k"));

        assertThat(decisions).filteredOn(d -> d instanceof RateLimiter.Allowed).hasSize(7);
    }

    @Test
    void nodesOnOneStoreGiveAKeyTheLimitOnceWhicheverNodeItReaches() {
        List<AsyncRateLimiter> nodes = newLimiters(RateLimit.parse("6/6m"), clock, 3);

        List<RateLimiter.Decision> decisions = Race.run(30, Duration.ofSeconds(30), i -> take(nodes.get(i % 3), "10.0.0.9"));

        assertThat(decisions).filteredOn(d -> d instanceof RateLimiter.Allowed).hasSize(6);
        clock.advance(Duration.ofMinutes(1));
        assertThat(take(nodes.get(2), "10.0.0.9")).as("one token grown back, on any node").isEqualTo(ALLOWED);
        assertThat(take(nodes.get(0), "10.0.0.9")).isInstanceOf(RateLimiter.Limited.class);
    }
}
