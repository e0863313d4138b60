package dev.orderly.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock for tests of a running server: real time, shifted by an offset the test sets. Time keeps
 * flowing (the gate admits people as it would), and a test can still jump across a day or a window
 * edge without waiting.
 */
public final class ShiftingClock extends Clock {

    private final AtomicReference<Duration> offset;
    private final ZoneId zone;

    public ShiftingClock() {
        this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
    }

    private ShiftingClock(AtomicReference<Duration> offset, ZoneId zone) {
        this.offset = offset;
        this.zone = zone;
    }

    /** From now on the clock reads about {@code instant} (plus the real time that passes). */
    public void jumpTo(Instant instant) {
        offset.set(Duration.between(Instant.now(), instant));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same shifted time seen in {@code newZone}; a jump on either clock moves both. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new ShiftingClock(offset, newZone);
    }
}
