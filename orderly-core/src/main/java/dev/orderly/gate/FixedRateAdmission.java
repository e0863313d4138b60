package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;

/**
 * Admits a fixed number of people per second, as a pure transition: given the previous state and
 * the time now, how many to admit and the next state. Fractions carry over, so a rate of 0.5/s
 * admits one person every two seconds however often it is ticked.
 */
public final class FixedRateAdmission {

    /** What the policy remembers between ticks: when it last ran and the unadmitted fraction. */
    public record State(Instant lastTick, double carry) {
    }

    /** The outcome of one tick. */
    public record Step(long admit, State next) {
    }

    private final double perSecond;

    public FixedRateAdmission(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("perSecond must be positive, was " + perSecond);
        }
        this.perSecond = perSecond;
    }

    public double perSecond() {
        return perSecond;
    }

    /** The state of a gate that opens at {@code opensAt}: nothing is owed before then. */
    public State start(Instant opensAt) {
        return new State(opensAt, 0);
    }

    public Step step(State prev, Instant now) {
        if (!now.isAfter(prev.lastTick())) {
            return new Step(0, prev);
        }
        double seconds = Duration.between(prev.lastTick(), now).toNanos() / 1e9;
        double due = prev.carry() + seconds * perSecond;
        long whole = (long) Math.floor(due);
        return new Step(whole, new State(now, due - whole));
    }
}
