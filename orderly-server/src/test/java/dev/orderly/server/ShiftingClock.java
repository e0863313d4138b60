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

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

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
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("Orderly reads instants only");
    }
}
