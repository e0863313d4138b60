package dev.orderly.watch;

import java.time.Duration;
import java.time.Instant;

/**
 * Which node evaluates the rules: one at a time across the deployment, so a condition raises one
 * alert, not one per node. A node holds the lease by renewing it before it runs out; when the
 * holder stops, another takes it after {@code ttl}. Time is the store's own, so nodes whose
 * clocks differ still agree who holds it.
 */
public interface EvaluatorLease {

    /**
     * Takes or renews the lease for {@code node} for {@code ttl} if it is free, run out, or held by
     * {@code node} already.
     */
    Holding tryHold(String node, Duration ttl);

    /** Gives the lease up (a node stopping), so another takes it at its next try. */
    void release(String node);

    /**
     * @param held      whether {@code node} holds the lease now
     * @param storeTime the store's clock when it answered (for the clock-skew rule)
     */
    record Holding(boolean held, Instant storeTime) {
    }
}
