package dev.orderly.surge.simulate;

/**
 * What the simulated deployment can do: the capacities the simulator queues requests against.
 * Rates are per second, latencies in seconds. Where these come from (a replay's report, the
 * micro-benchmarks, or an assumption) is the caller's to state.
 *
 * @param nodes                  application nodes behind the load balancer (any node serves any request)
 * @param gateStore              where the gates live: in one node's memory (one node only) or in Redis
 * @param joinPerNode            gate joins one node answers per second when it does nothing else
 * @param statusPerNode          gate status polls one node answers per second when it does nothing else
 * @param otherPerNode           other API requests (identity, booking line, search, booking) one node answers per second
 * @param redisOps               Redis commands per second (shared by every node); ignored with the memory store
 * @param postgresBookings       booking attempts PostgreSQL commits per second
 * @param postgresVerifications  identity transactions (challenge, code check) PostgreSQL commits per second
 * @param identityVerifications  challenges the identity provider (SMS) completes per second
 * @param requestTimeout         how long a client waits for an answer before it counts an error and retries
 * @param joinLatency            a join's own service time, unloaded
 * @param statusLatency          a status poll's own service time, unloaded
 * @param otherLatency           another request's own service time, unloaded
 * @param bookingLatency         a booking attempt's own time in PostgreSQL, unloaded
 * @param latencyTarget          p95 latency of a protected step above which it is unhealthy (the adaptive
 *                               policy's target, and the bearable-rate search's)
 * @param maxErrorRatio          share of a protected step's requests failing above which it is unhealthy
 */
public record Deployment(int nodes, GateStore gateStore, double joinPerNode, double statusPerNode, double otherPerNode,
                         double redisOps, double postgresBookings, double postgresVerifications, double identityVerifications,
                         double requestTimeout, double joinLatency, double statusLatency, double otherLatency,
                         double bookingLatency, double latencyTarget, double maxErrorRatio) {

    /** Where the gates' counters and marks live. */
    public enum GateStore {
        /** In the node's memory: one node only. */
        MEMORY,
        /** In Redis, shared by every node. */
        REDIS
    }

    public Deployment {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        if (gateStore == GateStore.MEMORY && nodes > 1) {
            throw new IllegalArgumentException("gateStore MEMORY serves one node only, nodes was " + nodes
                    + "; several nodes share the gates through Redis");
        }
        positive("joinPerNode", joinPerNode);
        positive("statusPerNode", statusPerNode);
        positive("otherPerNode", otherPerNode);
        positive("redisOps", redisOps);
        positive("postgresBookings", postgresBookings);
        positive("postgresVerifications", postgresVerifications);
        positive("identityVerifications", identityVerifications);
        positive("requestTimeout", requestTimeout);
        positive("latencyTarget", latencyTarget);
        nonNegative("joinLatency", joinLatency);
        nonNegative("statusLatency", statusLatency);
        nonNegative("otherLatency", otherLatency);
        nonNegative("bookingLatency", bookingLatency);
        if (!(maxErrorRatio >= 0 && maxErrorRatio <= 1)) {
            throw new IllegalArgumentException("maxErrorRatio must be within [0, 1], was " + maxErrorRatio);
        }
    }

    /** This deployment with {@code n} nodes; more than one node moves the gates to Redis. */
    public Deployment withNodes(int n) {
        GateStore store = n > 1 ? GateStore.REDIS : gateStore;
        return new Deployment(n, store, joinPerNode, statusPerNode, otherPerNode, redisOps, postgresBookings, postgresVerifications,
                identityVerifications, requestTimeout, joinLatency, statusLatency, otherLatency, bookingLatency, latencyTarget,
                maxErrorRatio);
    }

    private static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, was " + value);
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be zero or more, was " + value);
        }
    }
}
