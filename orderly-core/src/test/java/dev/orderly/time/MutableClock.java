package dev.orderly.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock for tests: it stands still until told to move. Tests drive time with {@link #advance}
 * and {@link #set} instead of sleeping.
 *
 * <p>Safe to read and move from several threads. Views made by {@link #withZone} share the
 * instant, so moving this clock moves them too. The zone is UTC unless a view says otherwise;
 * Orderly's calendar never reads it anyway.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock standing at {@code instant}, in UTC. */
    public static MutableClock at(Instant instant) {
        return new MutableClock(new AtomicReference<>(Objects.requireNonNull(instant, "instant")), ZoneOffset.UTC);
    }

    /** A clock standing at {@code isoInstant}, e.g. {@code 2021-07-26T15:00:00Z}. */
    public static MutableClock at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    /** Moves the clock by {@code step} (negative steps move it back) and returns the new instant. */
    public Instant advance(Duration step) {
        Objects.requireNonNull(step, "step");
        return now.updateAndGet(i -> i.plus(step));
    }

    /** Puts the clock at {@code instant}, forwards or back. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return newZone.equals(zone) ? this : new MutableClock(now, newZone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + ", " + zone + "]";
    }
}
