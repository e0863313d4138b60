package dev.orderly.gate;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a gate lets people through: the operator's choice of admission policy and its bounds.
 * Each kind validates its numbers; a bad value is refused with the value in the message.
 */
public sealed interface AdmissionSettings {

    /** Nominal people per second, for estimates when nothing has been measured yet. */
    double nominalPerSecond();

    /** A fixed number of people per second. */
    record FixedRate(double perSecond) implements AdmissionSettings {
        public FixedRate {
            positive("perSecond", perSecond);
        }

        @Override
        public double nominalPerSecond() {
            return perSecond;
        }
    }

    /**
     * Keep at most {@code maxOutstanding} people admitted but not yet finished downstream (passes
     * neither spent nor expired), admitting at most {@code maxPerSecond}.
     */
    record ConcurrencyTarget(long maxOutstanding, double maxPerSecond) implements AdmissionSettings {
        public ConcurrencyTarget {
            if (maxOutstanding < 1) {
                throw new IllegalArgumentException("maxOutstanding must be at least 1, was " + maxOutstanding);
            }
            positive("maxPerSecond", maxPerSecond);
        }

        @Override
        public double nominalPerSecond() {
            return maxPerSecond;
        }
    }

    /**
     * Additive increase, multiplicative decrease on the downstream step's health: every second
     * the step is healthy (p95 latency under {@code latencyTarget}, error ratio under
     * {@code maxErrorRatio}) the rate grows by {@code increasePerSecond}; when it is not, the rate
     * is multiplied by {@code decreaseFactor}; always within [{@code minPerSecond}, {@code maxPerSecond}].
     */
    record Adaptive(double minPerSecond, double maxPerSecond, double startPerSecond, double increasePerSecond,
                    double decreaseFactor, Duration latencyTarget, double maxErrorRatio) implements AdmissionSettings {
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
        public double nominalPerSecond() {
            return startPerSecond;
        }
    }

    private static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, was " + value);
        }
    }
}
