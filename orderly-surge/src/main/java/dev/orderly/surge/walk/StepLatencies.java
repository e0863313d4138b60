package dev.orderly.surge.walk;

import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Latency per step (HdrHistogram, microseconds, 3 significant digits) and counts of answers,
 * for one phase of a walk run. Touched only on the generator's single event loop.
 */
final class StepLatencies {
    private final Map<Step, Histogram> latency = new EnumMap<>(Step.class);
    private final Map<Step, long[]> unexpected = new EnumMap<>(Step.class);
    private long requests;

    StepLatencies() {
        for (Step s : Step.values()) {
            latency.put(s, new Histogram(60_000_000L, 3));
            unexpected.put(s, new long[1]);
        }
    }

    void record(Step step, long micros) {
        requests++;
        latency.get(step).recordValue(Math.min(Math.max(1, micros), 60_000_000L));
    }

    void unexpected(Step step) {
        unexpected.get(step)[0]++;
    }

    long requests() {
        return requests;
    }

    long unexpectedTotal() {
        return unexpected.values().stream().mapToLong(a -> a[0]).sum();
    }

    Histogram of(Step step) {
        return latency.get(step);
    }

    long unexpectedOf(Step step) {
        return unexpected.get(step)[0];
    }
}
