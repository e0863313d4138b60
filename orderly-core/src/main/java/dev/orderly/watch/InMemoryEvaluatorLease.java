package dev.orderly.watch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The lease of nodes sharing one process (tests, a single node). */
public final class InMemoryEvaluatorLease implements EvaluatorLease {

    private final Clock clock;
    private String holder;
    private Instant until = Instant.MIN;

    public InMemoryEvaluatorLease(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Holding tryHold(String node, Duration ttl) {
        Instant now = clock.instant();
        if (holder == null || holder.equals(node) || !now.isBefore(until)) {
            holder = node;
            until = now.plus(ttl);
            return new Holding(true, now);
        }
        return new Holding(false, now);
    }

    @Override
    public synchronized void release(String node) {
        if (node.equals(holder)) {
            holder = null;
            until = Instant.MIN;
        }
    }
}
