package dev.orderly.ratelimit;

import dev.orderly.time.MutableClock;
import java.util.Collections;
import java.util.List;

/** The memory adapter against the rate limiter contract: "nodes" on one store are one map. */
class TokenBucketRateLimiterContractTest extends RateLimiterContract {

    @Override
    protected List<AsyncRateLimiter> newLimiters(RateLimit limit, MutableClock clock, int nodes) {
        return Collections.nCopies(nodes, AsyncRateLimiter.of(new TokenBucketRateLimiter(limit, clock, 1000)));
    }
}
