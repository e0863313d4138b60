package dev.orderly.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per key, in this node's memory.
 *
 * <p>Cost: one {@link ConcurrentHashMap#compute} per request, no lock shared between keys and no
 * I/O, so a key that is being refused costs the same as one that is not, and a flood under one key
 * takes nothing from other keys. Each node limits on its own: behind N nodes a key gets up to N
 * times the limit (spread by the load balancer), which is what these limits are for: blunting
 * floods, not metering.
 *
 * <p>Memory: a bucket that has refilled completely says nothing a missing bucket would not, so
 * such buckets are dropped whenever the map reaches {@code maxKeys} (at most once a second). If it
 * is still full of partly used buckets, a new key goes unlimited rather than evicting a bucket
 * that is holding a flood back; {@link #untracked} counts those.
 *
 * <p>Time comes from the injected clock; a clock that steps back refills nothing.
 */
public final class TokenBucketRateLimiter implements RateLimiter {

    private static final Decision ALLOWED = new Allowed();
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private final RateLimit limit;
    private final Clock clock;
    private final int maxKeys;
    /** Nanoseconds one request's token takes to grow back. */
    private final long interval;
    /** How far ahead of now a key's schedule may run: the burst beyond the first request. */
    private final long tolerance;
    /**
     * Per key, the instant (epoch nanoseconds) at which its bucket will be full again: the "theoretical
     * arrival time" of the generic cell rate algorithm, a token bucket kept as one number in integer
     * arithmetic. A key whose instant has passed holds a full bucket.
     */
    private final ConcurrentMap<String, Long> fullAt = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong untracked = new AtomicLong();

    public TokenBucketRateLimiter(RateLimit limit, Clock clock, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
        this.limit = limit;
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.interval = Math.max(1, limit.period().toNanos() / limit.burst());
        this.tolerance = interval * (limit.burst() - 1);
    }

    @Override
    public Decision acquire(String key) {
        long now = nanos(clock.instant());
        if (fullAt.size() >= maxKeys && !fullAt.containsKey(key)) {
            sweep(now);
            if (fullAt.size() >= maxKeys) {
                untracked.incrementAndGet();
                return ALLOWED;
            }
        }
        Decision[] decision = {ALLOWED};
        fullAt.compute(key, (k, at) -> {
            long from = at == null ? now : Math.max(at, now);
            long ahead = from - now;
            if (ahead > tolerance) {
                decision[0] = new Limited(Duration.ofNanos(ahead - tolerance));
                return at;
            }
            decision[0] = ALLOWED;
            return from + interval;
        });
        return decision[0];
    }

    public RateLimit limit() {
        return limit;
    }

    /** Keys with a bucket held now. */
    public int trackedKeys() {
        return fullAt.size();
    }

    /** Requests let through unlimited because the map was full of live buckets. */
    public long untracked() {
        return untracked.get();
    }

    private void sweep(long now) {
        long last = lastSweep.get();
        if (last != Long.MIN_VALUE && now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        fullAt.entrySet().removeIf(e -> e.getValue() <= now);
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
