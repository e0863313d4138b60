package dev.orderly.server.http;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.problem.ProblemType;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.ratelimit.RateLimiter;
import dev.orderly.ratelimit.TokenBucketRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The rate limits on the steps a flood would aim at: joining a gate (per address), asking for an
 * identity challenge (per address and per phone number) and entering a code (per address and per
 * challenge, which is per person). A request over a limit is answered 429 with
 * {@code Retry-After} on the event loop, before any database work, so a flood costs the server a
 * map lookup per request and takes no capacity from anyone else.
 *
 * <p>Buckets live in each node's memory ({@link TokenBucketRateLimiter}); behind N nodes a key gets
 * up to N times a limit. Phone numbers are keyed by a keyed hash, never in the clear. Metrics count
 * refusals by step and scope, never by key.
 */
public final class RateLimits {

    /** Buckets kept per limit at most; see {@link TokenBucketRateLimiter} for what happens beyond. */
    public static final int MAX_KEYS = 200_000;

    /**
     * The limits.
     *
     * @param joinPerAddress      gate joins per client address
     * @param challengePerAddress identity challenges per client address
     * @param challengePerPhone   identity challenges per phone number
     * @param verifyPerAddress    code entries per client address
     * @param verifyPerChallenge  code entries per challenge
     */
    public record Limits(RateLimit joinPerAddress, RateLimit challengePerAddress, RateLimit challengePerPhone,
                         RateLimit verifyPerAddress, RateLimit verifyPerChallenge) {
    }

    private final RateLimiter joinPerAddress;
    private final RateLimiter challengePerAddress;
    private final RateLimiter challengePerPhone;
    private final RateLimiter verifyPerAddress;
    private final RateLimiter verifyPerChallenge;
    private final RateLimiter schedulePerAddress;
    private final TrustedProxies proxies;
    private final KeyedHash phoneKey;
    private final MeterRegistry meters;

    public RateLimits(Limits limits, TrustedProxies proxies, KeyedHash secret, Clock clock, MeterRegistry meters) {
        this.joinPerAddress = new TokenBucketRateLimiter(limits.joinPerAddress(), clock, MAX_KEYS);
        this.challengePerAddress = new TokenBucketRateLimiter(limits.challengePerAddress(), clock, MAX_KEYS);
        this.challengePerPhone = new TokenBucketRateLimiter(limits.challengePerPhone(), clock, MAX_KEYS);
        this.verifyPerAddress = new TokenBucketRateLimiter(limits.verifyPerAddress(), clock, MAX_KEYS);
        this.verifyPerChallenge = new TokenBucketRateLimiter(limits.verifyPerChallenge(), clock, MAX_KEYS);
        // Birth-date checks are as cheap to ask for as joins and need no more: the join limit, counted apart.
        this.schedulePerAddress = new TokenBucketRateLimiter(limits.joinPerAddress(), clock, MAX_KEYS);
        this.proxies = proxies;
        this.phoneKey = secret.forPurpose("rate-limit-phone");
        this.meters = meters;
    }

    // Each check answers empty when the request may go ahead, or the 429 to send.

    /** A gate join from this request's address. */
    Optional<Reply> join(RoutingContext ctx) {
        return admit("join", "address", joinPerAddress, address(ctx));
    }

    /** A birth date checked against the schedule from this request's address. */
    Optional<Reply> scheduleCheck(RoutingContext ctx) {
        return admit("schedule", "address", schedulePerAddress, address(ctx));
    }

    /** An identity challenge asked for from this request's address. */
    Optional<Reply> challengeFromAddress(RoutingContext ctx) {
        return admit("challenge", "address", challengePerAddress, address(ctx));
    }

    /** An identity challenge asked for this phone number (digits). */
    Optional<Reply> challengeForPhone(String phone) {
        return admit("challenge", "phone", challengePerPhone, phoneKey.text(phone));
    }

    /** A code entered from this request's address. */
    Optional<Reply> verifyFromAddress(RoutingContext ctx) {
        return admit("verify", "address", verifyPerAddress, address(ctx));
    }

    /** A code entered for this challenge (provider name and challenge id). */
    Optional<Reply> verifyForChallenge(String challenge) {
        return admit("verify", "challenge", verifyPerChallenge, challenge);
    }

    /** The address the request came from, as the limits key it. */
    String address(RoutingContext ctx) {
        return ClientAddress.of(ctx, proxies);
    }

    private Optional<Reply> admit(String step, String scope, RateLimiter limiter, String key) {
        if (!(limiter.acquire(key) instanceof RateLimiter.Limited limited)) {
            return Optional.empty();
        }
        meters.counter("orderly.rate.limited", "step", step, "scope", scope).increment();
        long seconds = retryAfterSeconds(limited.retryAfter());
        return Optional.of(Reply.problem(ProblemType.RATE_LIMITED,
                        "too many requests of this kind for this " + (scope.equals("address") ? "network address" : scope)
                                + "; try again in " + seconds + " s")
                .with("retryAfterSeconds", seconds)
                .header("Retry-After", Long.toString(seconds)));
    }

    static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
