package dev.orderly.ratelimit;

import java.time.Duration;

/** Port: decides whether one more request under a key (an address, a phone's hash) may go ahead. */
public interface RateLimiter {

    /** The decision on one request. */
    sealed interface Decision {
    }

    /** Go ahead. */
    record Allowed() implements Decision {
    }

    /** Refused; a request under the same key is allowed again after {@code retryAfter}. */
    record Limited(Duration retryAfter) implements Decision {
    }

    /** Takes one request's worth under {@code key}, or says how long to wait. Never blocks. */
    Decision acquire(String key);
}
