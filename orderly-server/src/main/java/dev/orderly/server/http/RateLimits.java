package dev.orderly.server.http;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.problem.ProblemType;
import dev.orderly.ratelimit.AsyncRateLimiter;
import dev.orderly.ratelimit.FailClosedRateLimiter;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.ratelimit.RateLimiter;
import dev.orderly.ratelimit.TokenBucketRateLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits on the steps a flood would aim at: joining a gate (per address), asking for an
 * identity challenge (per address and per phone number), entering a code (per address and per
 * challenge, which is per person) and staff sign-ins (per address). A request over a limit is
 * answered 429 with {@code Retry-After} before any database work, so a flood takes no capacity
 * from anyone else.
 *
 * <p>On one node the buckets live in its memory ({@link TokenBucketRateLimiter}) and a check
 * decides at once, on the event loop. With a shared store (Redis) each limit is shared by every
 * node ({@link FailClosedRateLimiter}: this node's own bucket first, then the shared one), so an
 * address gets a limit once whichever nodes it reaches; a check then completes after one round
 * trip, back on the request's context. If the shared store fails, each node still holds every key
 * to the full limit on its own: closed beyond that, never open.
 *
 * <p>Phone numbers are keyed by a keyed hash, never in the clear; what goes to the shared store
 * (addresses too) is keyed by a keyed hash. Metrics count refusals by step and scope, never by key.
 */
public final class RateLimits {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

    /** Buckets kept per limit at most; see {@link TokenBucketRateLimiter} for what happens beyond. */
    public static final int MAX_KEYS = 200_000;

    /**
     * Sign-in attempts per client address: the lock-out is per login, and this keeps one address
     * from trying one password on many logins.
     */
    public static final RateLimit STAFF_SIGN_INS_PER_ADDRESS = new RateLimit(30, Duration.ofMinutes(5));

    /** How long a shared decision may take before this node's own bucket decides alone. */
    public static final Duration SHARED_TIMEOUT = Duration.ofMillis(250);

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

    /** Makes the shared limiter of one named limit (e.g. {@code join-address}). */
    @FunctionalInterface
    public interface SharedStore {
        AsyncRateLimiter limiter(String name, RateLimit limit);
    }

    private final AsyncRateLimiter joinPerAddress;
    private final AsyncRateLimiter challengePerAddress;
    private final AsyncRateLimiter challengePerPhone;
    private final AsyncRateLimiter verifyPerAddress;
    private final AsyncRateLimiter verifyPerChallenge;
    private final AsyncRateLimiter schedulePerAddress;
    private final AsyncRateLimiter staffSignInPerAddress;
    private final TrustedProxies proxies;
    private final KeyedHash phoneKey;
    private final MeterRegistry meters;
    private final AtomicLong lastFailureLogged = new AtomicLong(Long.MIN_VALUE);

    /** Limits held in this node's memory alone. */
    public RateLimits(Limits limits, TrustedProxies proxies, KeyedHash secret, Clock clock, MeterRegistry meters) {
        this(limits, proxies, secret, clock, meters, Optional.empty());
    }

    /** Limits shared through {@code shared} when present, each over this node's own bucket. */
    public RateLimits(Limits limits, TrustedProxies proxies, KeyedHash secret, Clock clock, MeterRegistry meters,
                      Optional<SharedStore> shared) {
        this.meters = meters;
        KeyedHash sharedKey = secret.forPurpose("rate-limit-shared");
        java.util.function.BiFunction<String, RateLimit, AsyncRateLimiter> make = (name, limit) -> {
            TokenBucketRateLimiter local = new TokenBucketRateLimiter(limit, clock, MAX_KEYS);
            if (shared.isEmpty()) {
                return AsyncRateLimiter.of(local);
            }
            AsyncRateLimiter store = shared.get().limiter(name, limit);
            FailClosedRateLimiter both = new FailClosedRateLimiter(local, key -> store.acquire(sharedKey.text(key)), this::sharedFailed);
            FunctionCounter.builder("orderly.rate.shared.failures", both, FailClosedRateLimiter::sharedFailures)
                    .description("checks the shared store could not decide, decided by this node's own bucket")
                    .tag("limit", name).register(meters);
            return both;
        };
        this.joinPerAddress = make.apply("join-address", limits.joinPerAddress());
        this.challengePerAddress = make.apply("challenge-address", limits.challengePerAddress());
        this.challengePerPhone = make.apply("challenge-phone", limits.challengePerPhone());
        this.verifyPerAddress = make.apply("verify-address", limits.verifyPerAddress());
        this.verifyPerChallenge = make.apply("verify-challenge", limits.verifyPerChallenge());
        // Birth-date checks are as cheap to ask for as joins and need no more: the join limit, counted apart.
        this.schedulePerAddress = make.apply("schedule-address", limits.joinPerAddress());
        this.staffSignInPerAddress = make.apply("staff-sign-in-address", STAFF_SIGN_INS_PER_ADDRESS);
        this.proxies = proxies;
        this.phoneKey = secret.forPurpose("rate-limit-phone");
    }

    // Each check completes with empty when the request may go ahead, or the 429 to send. Checks of
    // memory buckets are complete when returned; shared ones complete on the caller's context.

    /** A gate join from this request's address. */
    Future<Optional<Reply>> join(RoutingContext ctx) {
        return admit("join", "address", joinPerAddress, address(ctx));
    }

    /** A birth date checked against the schedule from this request's address. */
    Future<Optional<Reply>> scheduleCheck(RoutingContext ctx) {
        return admit("schedule", "address", schedulePerAddress, address(ctx));
    }

    /** An identity challenge asked for from this request's address. */
    Future<Optional<Reply>> challengeFromAddress(RoutingContext ctx) {
        return admit("challenge", "address", challengePerAddress, address(ctx));
    }

    /** An identity challenge asked for this phone number (digits). */
    Future<Optional<Reply>> challengeForPhone(String phone) {
        return admit("challenge", "phone", challengePerPhone, phoneKey.text(phone));
    }

    /** A code entered from this request's address. */
    Future<Optional<Reply>> verifyFromAddress(RoutingContext ctx) {
        return admit("verify", "address", verifyPerAddress, address(ctx));
    }

    /** A code entered for this challenge (provider name and challenge id). */
    Future<Optional<Reply>> verifyForChallenge(String challenge) {
        return admit("verify", "challenge", verifyPerChallenge, challenge);
    }

    /** A staff sign-in attempt from this request's address. */
    Future<Optional<Reply>> staffSignIn(RoutingContext ctx) {
        return admit("sign-in", "address", staffSignInPerAddress, address(ctx));
    }

    /** The address the request came from, as the limits key it. */
    String address(RoutingContext ctx) {
        return ClientAddress.of(ctx, proxies);
    }

    private Future<Optional<Reply>> admit(String step, String scope, AsyncRateLimiter limiter, String key) {
        CompletableFuture<RateLimiter.Decision> decision = limiter.acquire(key).toCompletableFuture();
        if (decision.isDone() && !decision.isCompletedExceptionally()) {
            return Future.succeededFuture(reply(step, scope, decision.join()));
        }
        Context context = Vertx.currentContext();
        Promise<Optional<Reply>> answer = Promise.promise();
        decision.whenComplete((d, failure) -> {
            Runnable complete = () -> {
                if (failure != null) {
                    answer.fail(failure);
                } else {
                    answer.complete(reply(step, scope, d));
                }
            };
            if (context == null) {
                complete.run();
            } else {
                context.runOnContext(v -> complete.run());
            }
        });
        return answer.future();
    }

    private Optional<Reply> reply(String step, String scope, RateLimiter.Decision decision) {
        if (!(decision instanceof RateLimiter.Limited limited)) {
            return Optional.empty();
        }
        meters.counter("orderly.rate.limited", "step", step, "scope", scope).increment();
        long seconds = retryAfterSeconds(limited.retryAfter());
        String what = step.equals("sign-in") ? "sign-in attempts" : "requests of this kind";
        return Optional.of(Reply.problem(ProblemType.RATE_LIMITED,
                        "too many " + what + " for this " + (scope.equals("address") ? "network address" : scope)
                                + "; try again in " + seconds + " s")
                .with("retryAfterSeconds", seconds)
                .header("Retry-After", Long.toString(seconds)));
    }

    /** Logs the shared store's failures at most once a minute: the metric counts each. */
    private void sharedFailed(Throwable failure) {
        long now = System.nanoTime();
        long last = lastFailureLogged.get();
        if ((last == Long.MIN_VALUE || now - last > 60_000_000_000L) && lastFailureLogged.compareAndSet(last, now)) {
            LOG.warn("the shared rate limits could not decide ({}); each node limits on its own until they can", failure.toString());
        }
    }

    static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
