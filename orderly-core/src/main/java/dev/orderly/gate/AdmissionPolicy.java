package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How fast a gate lets people through: the operator's choice of policy with its bounds, and the
 * policy's step. Each kind validates its numbers (a bad value is refused with the value in the
 * message) and decides how many more people the gate admits at a tick. The step is pure: the same
 * memory, signals and time always give the same step, so policies are tested with a fake clock and
 * the step is applied by compare-and-set.
 */
public sealed interface AdmissionPolicy {

    /**
     * What a policy carries from one tick to the next, kept in the gate's progress.
     *
     * @param lastTick when the policy last ran; null before the first tick and after a pause (nothing
     *                 is owed for the time before)
     * @param carry    the fraction of a person owed from before
     * @param rate     the adaptive policy's current rate, people/s (0 when never set, and for the others)
     */
    record Memory(Instant lastTick, double carry, double rate) {

        /** Nothing remembered: the first tick owes nothing and an adaptive policy starts at its start rate. */
        public static final Memory NONE = new Memory(null, 0, 0);

        /** At rest (the gate paused or closed): no clock, no carry; the adaptive rate is kept. */
        public Memory resting() {
            return new Memory(null, 0, rate);
        }

        public Memory withLastTick(Instant tick) {
            return new Memory(tick, carry, rate);
        }

        public Memory withCarry(double newCarry) {
            return new Memory(lastTick, newCarry, rate);
        }
    }

    /**
     * What the policy knows at a tick.
     *
     * @param outstanding people admitted whose pass is neither spent nor expired
     * @param health      the protected step's recent health
     */
    record Signals(long outstanding, DownstreamHealth health) {
    }

    /** People to admit now, and the policy's memory for the next tick. */
    record Step(long admit, Memory memory) {
    }

    /** One tick from {@code memory} (its {@code lastTick} null: nothing is owed for the time before {@code now}). */
    Step step(Memory memory, Signals signals, Instant now);

    /** Nominal people per second, for estimates when nothing has been measured yet. */
    double nominalPerSecond();

    /**
     * The rate this policy admits at, given its memory, when the policy itself knows it: a fixed
     * rate, or the adaptive policy's current rate; 0 for a concurrency target, whose pace is only
     * known by measuring it.
     */
    double knownPerSecond(Memory memory);

    /** A fixed number of people per second; fractions carry over between ticks. */
    record FixedRate(double perSecond) implements AdmissionPolicy {
        public FixedRate {
            positive("perSecond", perSecond);
        }

        @Override
        public Step step(Memory memory, Signals signals, Instant now) {
            return accrue(memory, perSecond, 0, now, Long.MAX_VALUE);
        }

        @Override
        public double nominalPerSecond() {
            return perSecond;
        }

        @Override
        public double knownPerSecond(Memory memory) {
            return perSecond;
        }
    }

    /**
     * Keep at most {@code maxOutstanding} people admitted but not yet finished downstream (passes
     * neither spent nor expired), admitting at most {@code maxPerSecond}: refills as passes are
     * spent or expire.
     */
    record ConcurrencyTarget(long maxOutstanding, double maxPerSecond) implements AdmissionPolicy {
        public ConcurrencyTarget {
            if (maxOutstanding < 1) {
                throw new IllegalArgumentException("maxOutstanding must be at least 1, was " + maxOutstanding);
            }
            positive("maxPerSecond", maxPerSecond);
        }

        @Override
        public Step step(Memory memory, Signals signals, Instant now) {
            return accrue(memory, maxPerSecond, 0, now, maxOutstanding - signals.outstanding());
        }

        @Override
        public double nominalPerSecond() {
            return maxPerSecond;
        }

        @Override
        public double knownPerSecond(Memory memory) {
            return 0;
        }
    }

    /**
     * Additive increase, multiplicative decrease on the downstream step's health: every second
     * the step is healthy (p95 latency under {@code latencyTarget}, error ratio under
     * {@code maxErrorRatio}) the rate grows by {@code increasePerSecond}; when it is not, the rate
     * is multiplied by {@code decreaseFactor}; always within [{@code minPerSecond}, {@code maxPerSecond}].
     */
    record Adaptive(double minPerSecond, double maxPerSecond, double startPerSecond, double increasePerSecond,
                    double decreaseFactor, Duration latencyTarget, double maxErrorRatio) implements AdmissionPolicy {
        public Adaptive {
            positive("minPerSecond", minPerSecond);
            positive("maxPerSecond", maxPerSecond);
            positive("increasePerSecond", increasePerSecond);
            if (maxPerSecond < minPerSecond) {
                throw new IllegalArgumentException("maxPerSecond " + maxPerSecond + " is below minPerSecond " + minPerSecond);
            }
            if (!(startPerSecond >= minPerSecond && startPerSecond <= maxPerSecond)) { // NaN fails too
                throw new IllegalArgumentException("startPerSecond " + startPerSecond + " is outside [" + minPerSecond + ", "
                        + maxPerSecond + "]");
            }
            if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
                throw new IllegalArgumentException("decreaseFactor must be between 0 and 1 (exclusive), was " + decreaseFactor);
            }
            Objects.requireNonNull(latencyTarget, "latencyTarget");
            if (latencyTarget.isNegative() || latencyTarget.isZero()) {
                throw new IllegalArgumentException("latencyTarget must be positive, was " + latencyTarget);
            }
            if (!(maxErrorRatio >= 0 && maxErrorRatio <= 1)) {
                throw new IllegalArgumentException("maxErrorRatio must be within [0, 1], was " + maxErrorRatio);
            }
        }

        @Override
        public Step step(Memory memory, Signals signals, Instant now) {
            double current = knownPerSecond(memory);
            double seconds = elapsed(memory.lastTick(), now);
            DownstreamHealth h = signals.health();
            boolean unhealthy = h.samples() > 0
                    && (h.p95Latency().compareTo(latencyTarget) > 0 || h.errorRatio() > maxErrorRatio);
            double next = unhealthy
                    ? current * Math.pow(decreaseFactor, Math.min(1.0, seconds))
                    : current + increasePerSecond * seconds;
            next = Math.clamp(next, minPerSecond, maxPerSecond);
            // This tick admits at the rate reached before it; the new rate applies from the next.
            return accrue(memory, current, next, now, Long.MAX_VALUE);
        }

        @Override
        public double nominalPerSecond() {
            return startPerSecond;
        }

        @Override
        public double knownPerSecond(Memory memory) {
            return memory.rate() <= 0 ? startPerSecond : memory.rate();
        }
    }

    /** Seconds from {@code lastTick} to {@code now}; 0 when time did not move forward. */
    private static double elapsed(Instant lastTick, Instant now) {
        if (lastTick == null || !now.isAfter(lastTick)) {
            return 0;
        }
        return Duration.between(lastTick, now).toNanos() / 1e9;
    }

    /** Accrues {@code perSecond} over the elapsed time; whole people out, the fraction carried, {@code rate} remembered. */
    private static Step accrue(Memory memory, double perSecond, double rate, Instant now, long cap) {
        Instant lastTick = memory.lastTick();
        if (lastTick != null && !now.isAfter(lastTick)) {
            return new Step(0, new Memory(lastTick, memory.carry(), rate));
        }
        double due = memory.carry() + elapsed(lastTick, now) * perSecond;
        long whole = (long) Math.floor(due);
        long admit = Math.min(whole, Math.max(0, cap));
        // Owing more than one person's worth while capped would release a burst later: drop it.
        double left = admit < whole ? 0 : due - whole;
        return new Step(admit, new Memory(now, left, rate));
    }

    private static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, was " + value);
        }
    }
}
