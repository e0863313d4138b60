package dev.orderly.surge.replay;

import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.scenario.Scenario;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * What every person of one replay shares: the scenario, the HTTP client, the figures, the timers,
 * how many people are still walking, whether the run has stopped, and what honest people let slip
 * for cheaters to steal (a ticket, a pass). Touched only on the replay's event loop, so no locks.
 */
final class Night {
    final Vertx vertx;
    final Http http;
    final RunMetrics metrics;
    final Scenario scenario;
    final long seed;
    /** Makes this run's idempotency keys differ from another run's against the same server. */
    final long runId;
    final List<String> provinces;
    /** An honest person's identity ticket and pass, for the replaying cheaters. */
    String stolenTicket;
    String stolenPass;
    private int active;
    private boolean stopped;

    Night(Vertx vertx, List<URI> targets, int connectionsPerTarget, RunMetrics metrics, BooleanSupplier botsActive,
            Scenario scenario, long seed, long runId, List<String> provinces) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.scenario = scenario;
        this.seed = seed;
        this.runId = runId;
        this.provinces = provinces;
        this.http = new Http(vertx, targets, connectionsPerTarget, metrics, botsActive, this::stopped);
    }

    /** Runs {@code r} in {@code millis} (at least 1), unless the run has stopped by then. */
    void later(long millis, Runnable r) {
        vertx.setTimer(Math.max(1, millis), id -> {
            if (!stopped) {
                r.run();
            }
        });
    }

    /** A person's pause before the next step: exponential around the scenario's think time, at least 1 ms. */
    long thinkMillis(SplittableRandom random) {
        double mean = scenario.behaviour().thinkTime().toMillis();
        return Math.max(1, Math.round(-mean * Math.log(1 - random.nextDouble())));
    }

    void personArrived() {
        active++;
    }

    void personFinished() {
        active--;
    }

    /** People who arrived and have not finished. */
    int active() {
        return active;
    }

    /** No new arrivals, steps or polls from now on: the run's time is up. */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }
}
