package dev.orderly.server.postgres;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one booking store's engine did: time per phase of its transactions, transactions run again,
 * batches and the bookings in them. Given to the store, so each store (and each benchmark run)
 * counts its own work.
 */
public final class BookingMetrics {

    /** The phases of a booking transaction, in the order they run. */
    public enum Phase {
        /** A connection from the pool, and BEGIN. */
        CONNECT,
        /** The remembered answers of the commands' idempotency keys. */
        REMEMBERED,
        /** The people's active reservations. */
        HOLDINGS,
        /** The clinics' offers. */
        OFFERS,
        /** The capacity rows touched. */
        CAPACITY,
        /** Whether the new references are taken. */
        REFERENCES,
        /** The decisions, in memory. */
        DECIDE,
        /** The writes. */
        WRITE,
        /** COMMIT. */
        COMMIT
    }

    private final Map<Phase, LongAdder> nanos = new EnumMap<>(Phase.class);
    private final LongAdder reruns = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batched = new LongAdder();

    public BookingMetrics() {
        for (Phase p : Phase.values()) {
            nanos.put(p, new LongAdder());
        }
    }

    /** Adds the time since {@code since} (System.nanoTime) to {@code phase}; returns now. */
    long lap(Phase phase, long since) {
        long now = System.nanoTime();
        nanos.get(phase).add(now - since);
        return now;
    }

    void rerun() {
        reruns.increment();
    }

    void batch(int commands) {
        batches.increment();
        batched.add(commands);
    }

    public Snapshot snapshot() {
        Map<Phase, Long> phases = new EnumMap<>(Phase.class);
        nanos.forEach((p, n) -> phases.put(p, n.sum()));
        return new Snapshot(Map.copyOf(phases), reruns.sum(), batches.sum(), batched.sum());
    }

    /**
     * @param phaseNanos     nanoseconds spent per phase, summed over threads
     * @param reruns         transactions run again after a conflict, deadlock, unique violation or rolled-back commit
     * @param batches        batches the lanes committed (0 for the engines without lanes)
     * @param batchedCommands bookings in those batches
     */
    public record Snapshot(Map<Phase, Long> phaseNanos, long reruns, long batches, long batchedCommands) {

        /** What happened since {@code earlier}. */
        public Snapshot since(Snapshot earlier) {
            Map<Phase, Long> phases = new EnumMap<>(Phase.class);
            phaseNanos.forEach((p, n) -> phases.put(p, n - earlier.phaseNanos.get(p)));
            return new Snapshot(Map.copyOf(phases), reruns - earlier.reruns, batches - earlier.batches,
                    batchedCommands - earlier.batchedCommands);
        }

        /** Bookings per batch; 1 when nothing was batched. */
        public double meanBatch() {
            return batches == 0 ? 1.0 : (double) batchedCommands / batches;
        }
    }
}
