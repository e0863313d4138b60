package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides how many more people a gate admits now. Pure: the same inputs always give the same
 * step, so policies are tested with a fake clock and the step is applied by compare-and-set.
 */
public sealed interface AdmissionPolicy {

    /**
     * What the policy knows at a tick.
     *
     * @param outstanding people admitted whose pass is neither spent nor expired
     * @param health      the protected step's recent health
     */
    record Signals(long outstanding, DownstreamHealth health) {
    }

    /** People to admit now, and the policy's memory for the next tick. */
    record Step(long admit, Instant lastTick, double carry, double rate) {
    }

    /**
     * One tick.
     *
     * @param lastTick when the policy last ran; null on the first tick (nothing is owed then)
     * @param carry    fraction of a person owed from before
     * @param rate     the adaptive rate from before (0 when never set)
     */
    Step step(Instant lastTick, double carry, double rate, Signals signals, Instant now);

    static AdmissionPolicy of(AdmissionSettings settings) {
        return switch (settings) {
            case AdmissionSettings.FixedRate f -> new FixedRate(f.perSecond());
            case AdmissionSettings.ConcurrencyTarget c -> new ConcurrencyTarget(c.maxOutstanding(), c.maxPerSecond());
            case AdmissionSettings.Adaptive a -> new Adaptive(a);
        };
    }

    /** Seconds from {@code lastTick} to {@code now}; 0 when time did not move forward. */
    private static double elapsed(Instant lastTick, Instant now) {
        if (lastTick == null || !now.isAfter(lastTick)) {
            return 0;
        }
        return Duration.between(lastTick, now).toNanos() / 1e9;
    }

    /** Accrues {@code perSecond} over the elapsed time; whole people out, the fraction carried. */
    private static Step accrue(Instant lastTick, double carry, double perSecond, double rate, Instant now, long cap) {
        if (lastTick != null && !now.isAfter(lastTick)) {
            return new Step(0, lastTick, carry, rate);
        }
        double due = carry + elapsed(lastTick, now) * perSecond;
        long whole = (long) Math.floor(due);
        long admit = Math.min(whole, Math.max(0, cap));
        // Owing more than one person's worth while capped would release a burst later: drop it.
        double left = admit < whole ? 0 : due - whole;
        return new Step(admit, now, left, rate);
    }

    /** A fixed number of people per second; fractions carry over between ticks. */
    record FixedRate(double perSecond) implements AdmissionPolicy {
        @Override
        public Step step(Instant lastTick, double carry, double rate, Signals signals, Instant now) {
            return accrue(lastTick, carry, perSecond, 0, now, Long.MAX_VALUE);
        }
    }

    /**
     * At most {@code maxOutstanding} admitted and not finished; refills as passes are spent or
     * expire, at most {@code maxPerSecond}.
     */
    record ConcurrencyTarget(long maxOutstanding, double maxPerSecond) implements AdmissionPolicy {
        @Override
        public Step step(Instant lastTick, double carry, double rate, Signals signals, Instant now) {
            return accrue(lastTick, carry, maxPerSecond, 0, now, maxOutstanding - signals.outstanding());
        }
    }

    /** Additive increase, multiplicative decrease on downstream health (see {@link AdmissionSettings.Adaptive}). */
    record Adaptive(AdmissionSettings.Adaptive settings) implements AdmissionPolicy {
        @Override
        public Step step(Instant lastTick, double carry, double rate, Signals signals, Instant now) {
            double current = rate <= 0 ? settings.startPerSecond() : rate;
            double seconds = elapsed(lastTick, now);
            DownstreamHealth h = signals.health();
            boolean unhealthy = h.samples() > 0
                    && (h.p95Latency().compareTo(settings.latencyTarget()) > 0 || h.errorRatio() > settings.maxErrorRatio());
            double next = unhealthy
                    ? current * Math.pow(settings.decreaseFactor(), Math.min(1.0, seconds))
                    : current + settings.increasePerSecond() * seconds;
            next = Math.clamp(next, settings.minPerSecond(), settings.maxPerSecond());
            Step accrued = accrue(lastTick, carry, current, next, now, Long.MAX_VALUE);
            return new Step(accrued.admit(), accrued.lastTick(), accrued.carry(), next);
        }
    }
}
