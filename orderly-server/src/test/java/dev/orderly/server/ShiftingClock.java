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
 * edge without waiting. A test whose assertion would depend on how fast the machine is (a rate
 * limit's refill, say) can {@link #hold()} the clock and {@link #resume()} it after.
 */
public final class ShiftingClock extends Clock {

    /** The offset from real time, and the instant the clock stands still at (null while it flows). */
    private record State(Duration offset, Instant heldAt) {
    }

    private final AtomicReference<State> state;
    private final ZoneId zone;

    public ShiftingClock() {
        this(new AtomicReference<>(new State(Duration.ZERO, null)), ZoneOffset.UTC);
    }

    private ShiftingClock(AtomicReference<State> state, ZoneId zone) {
        this.state = state;
        this.zone = zone;
    }

    /** From now on the clock reads about {@code instant} (plus the real time that passes, unless held). */
    public void jumpTo(Instant instant) {
        state.updateAndGet(s -> new State(Duration.between(Instant.now(), instant), s.heldAt() == null ? null : instant));
    }

    /** The clock stops where it stands until {@link #resume()}; jumps still move it. */
    public void hold() {
        state.updateAndGet(s -> s.heldAt() != null ? s : new State(s.offset(), Instant.now().plus(s.offset())));
    }

    /** Time flows again from where the clock stood, so that it never runs backwards. */
    public void resume() {
        state.updateAndGet(s -> s.heldAt() == null ? s : new State(Duration.between(Instant.now(), s.heldAt()), null));
    }

    @Override
    public Instant instant() {
        State s = state.get();
        return s.heldAt() != null ? s.heldAt() : Instant.now().plus(s.offset());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same shifted time seen in {@code newZone}; a jump, hold or resume on either clock moves both. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new ShiftingClock(state, newZone);
    }
}
