package dev.orderly.surge.simulate;

/**
 * One component of the deployment (the app nodes, Redis, PostgreSQL, the identity provider) as a
 * fluid queue, advanced in fixed steps: what the national-scale run uses where a request-by-request
 * {@link Station} would need billions of events.
 *
 * <p>Model. Work arrives in units of server-seconds ({@code 1 / capacity} per request of a kind);
 * the resource does {@code capacity × step} of it per step, first come first served. Below
 * capacity a request waits the M/D/1 mean, Pollaczek–Khinchine {@code ρ / (2μ(1−ρ))} with
 * μ = capacity (the test {@code ResourceTest} checks this against the exact station); above it a
 * backlog builds and a request waits {@code backlog / capacity}. A client gives up after
 * {@code timeout}: backlog beyond {@code capacity × timeout} is work whose requests would wait
 * longer than that, so it is dropped and counted as errors (the newest requests, those that arrived
 * last).
 */
final class Resource {

    private final String name;
    private final double capacity;
    private final double timeout;
    private double backlog;
    private double offeredNow;
    private double lastDelay;
    private double lastDropRatio;
    private double peakOffered;
    private double peakServed;
    private double peakDelay;
    private double totalOffered;
    private double totalDropped;
    private double busySeconds;

    /**
     * @param capacity work per second, in server-seconds per second (so 1.0 for "one request of
     *                 cost {@code 1/c} each at c requests per second"); or in requests per second
     *                 when each request costs {@code 1/capacity}
     * @param timeout  seconds a client waits before it gives up
     */
    Resource(String name, double capacity, double timeout) {
        if (!(capacity > 0)) {
            throw new IllegalArgumentException(name + ": capacity must be positive, was " + capacity);
        }
        this.name = name;
        this.capacity = capacity;
        this.timeout = timeout;
    }

    String name() {
        return name;
    }

    double capacity() {
        return capacity;
    }

    /** Work arriving in the current step, in the same unit as the capacity. */
    void offer(double work) {
        offeredNow += work;
    }

    /** Ends the current step of {@code dt} seconds: serves, drops what timed out, records the figures. */
    void advance(double dt) {
        double rho = offeredNow / (capacity * dt);
        double queued = backlog / capacity;
        double pk = rho < 1 ? rho / (2 * capacity * (1 - rho)) : 0;
        lastDelay = Math.min(timeout, queued + pk);
        double total = backlog + offeredNow;
        double served = Math.min(total, capacity * dt);
        double left = total - served;
        double limit = capacity * timeout;
        double dropped = Math.max(0, left - limit);
        backlog = left - dropped;
        lastDropRatio = offeredNow > 0 ? Math.min(1, dropped / offeredNow) : 0;
        peakOffered = Math.max(peakOffered, offeredNow / dt);
        peakServed = Math.max(peakServed, served / dt);
        peakDelay = Math.max(peakDelay, lastDelay);
        totalOffered += offeredNow;
        totalDropped += dropped;
        busySeconds += served / capacity;
        offeredNow = 0;
    }

    /** Queueing delay a request arriving in the last step met, seconds (at most the timeout). */
    double delay() {
        return lastDelay;
    }

    /** Share of the last step's work that timed out. */
    double dropRatio() {
        return lastDropRatio;
    }

    double backlog() {
        return backlog;
    }

    double peakOffered() {
        return peakOffered;
    }

    double peakServed() {
        return peakServed;
    }

    double peakDelay() {
        return peakDelay;
    }

    double totalOffered() {
        return totalOffered;
    }

    double totalDropped() {
        return totalDropped;
    }

    double busySeconds() {
        return busySeconds;
    }
}
