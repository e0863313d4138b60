package dev.orderly.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Port: a {@link RateLimiter} whose decision may take a round trip, e.g. one shared by every node
 * through Redis. Never blocks the caller: the decision completes the stage.
 */
public interface AsyncRateLimiter {

    /**
     * Takes one request's worth under {@code key}, or says how long to wait. The stage fails when
     * the limiter cannot decide (its store is down or too slow); callers decide what that means
     * (see {@link FailClosedRateLimiter}).
     */
    CompletionStage<RateLimiter.Decision> acquire(String key);

    /** A local limiter as an asynchronous one: its stages are complete when returned. */
    static AsyncRateLimiter of(RateLimiter local) {
        return key -> CompletableFuture.completedFuture(local.acquire(key));
    }
}
