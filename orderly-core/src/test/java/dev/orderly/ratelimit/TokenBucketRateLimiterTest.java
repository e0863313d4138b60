package dev.orderly.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketRateLimiterTest {

    private static final RateLimiter.Decision ALLOWED = new RateLimiter.Allowed();

    private final MutableClock clock = MutableClock.at("2021-08-09T11:00:00Z");

    @Test
    void aBurstIsAllowedAndTheNextRequestIsToldHowLongToWait() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("3/3s"), clock, 100);

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("10.0.0.1")).isEqualTo(ALLOWED);
        }
        assertThat(limiter.acquire("10.0.0.1")).isEqualTo(new RateLimiter.Limited(Duration.ofSeconds(1)));

        clock.advance(Duration.ofMillis(400));
        assertThat(limiter.acquire("10.0.0.1")).isEqualTo(new RateLimiter.Limited(Duration.ofMillis(600)));
        clock.advance(Duration.ofMillis(600));
        assertThat(limiter.acquire("10.0.0.1")).isEqualTo(ALLOWED);
        assertThat(limiter.acquire("10.0.0.1")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void theBucketRefillsEvenlyAndNeverBeyondItsSize() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("2/10s"), clock, 100);
        limiter.acquire("k");
        limiter.acquire("k");

        clock.advance(Duration.ofHours(1));

        assertThat(limiter.acquire("k")).isEqualTo(ALLOWED);
        assertThat(limiter.acquire("k")).isEqualTo(ALLOWED);
        assertThat(limiter.acquire("k")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void aFloodUnderOneKeyTakesNothingFromAnother() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("5/1m"), clock, 100);
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire("flooder");
        }

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("neighbour")).isEqualTo(ALLOWED);
        }
    }

    @Test
    void aClockSteppingBackRefillsNothing() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("1/10s"), clock, 100);
        limiter.acquire("k");

        clock.advance(Duration.ofHours(-1));

        assertThat(limiter.acquire("k")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void manyThreadsUnderOneKeyGetExactlyTheBurst() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("7/1h"), clock, 100);

        List<RateLimiter.Decision> decisions = Race.run(32, Duration.ofSeconds(30), i -> limiter.acquire("k"));

        assertThat(decisions).filteredOn(d -> d instanceof RateLimiter.Allowed).hasSize(7);
    }

    @Test
    void refilledBucketsAreDroppedWhenTheMapIsFullAndLiveOnesAreKept() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("2/10s"), clock, 3);
        limiter.acquire("a");
        limiter.acquire("b");
        limiter.acquire("flooder");
        limiter.acquire("flooder");
        clock.advance(Duration.ofSeconds(5));

        assertThat(limiter.acquire("c")).isEqualTo(ALLOWED);

        assertThat(limiter.trackedKeys()).isEqualTo(2);
        assertThat(limiter.acquire("flooder")).as("still held back after the sweep").isEqualTo(ALLOWED);
        assertThat(limiter.acquire("flooder")).isInstanceOf(RateLimiter.Limited.class);
    }

    @Test
    void aMapFullOfLiveBucketsLetsNewKeysThroughAndCountsThem() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(RateLimit.parse("1/1h"), clock, 2);
        limiter.acquire("a");
        limiter.acquire("b");

        assertThat(limiter.acquire("c")).isEqualTo(ALLOWED);
        assertThat(limiter.acquire("c")).isEqualTo(ALLOWED);

        assertThat(limiter.untracked()).isEqualTo(2);
        assertThat(limiter.acquire("a")).as("known keys are still limited").isInstanceOf(RateLimiter.Limited.class);
    }
}
