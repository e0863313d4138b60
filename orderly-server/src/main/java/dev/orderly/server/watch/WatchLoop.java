package dev.orderly.server.watch;

import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateFigures;
import dev.orderly.gate.GatePhase;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.watch.AlertBook;
import dev.orderly.watch.CanaryLanes;
import dev.orderly.watch.EvaluatorLease;
import dev.orderly.watch.Figures;
import dev.orderly.watch.Watchdog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog's turn on a node, every {@link #EVERY}: every node renews or tries for the lease
 * (one statement, which also answers the database's clock for the skew this node posts); the
 * node holding it reads the figures — the deployment's counts it already has from the node
 * board, each gate's figures, the outbox backlog — and evaluates the rules, then hands what is
 * due to the alert relay. A node that does not hold the lease does nothing more.
 *
 * <p>Cost while idle: one lease statement per node every 5 s; on the holder, a read per gate
 * and a count over the unsent outbox rows (a partial index) besides. Nothing depends on a
 * console being open.
 */
public final class WatchLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchLoop.class);
    public static final Duration EVERY = Duration.ofSeconds(5);
    /** Long enough to outlast two missed turns; short enough that a dead holder is replaced within a rule's minute. */
    static final Duration LEASE = Duration.ofSeconds(15);

    /** What the loop needs besides the core's parts. */
    public record Parts(EvaluatorLease lease, Watchdog watchdog, AlertBook book, WaitingRoom waitingRoom, DeploymentCounts counts,
                        LongSupplier outboxBacklog, Runnable relay, String node, MeterRegistry meters) {
    }

    private final Vertx vertx;
    private final Parts parts;
    private final Clock clock;
    private final Executor blocking;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Map<String, Double> gateOpen = new ConcurrentHashMap<>();
    private final Map<String, Double> overdue = new ConcurrentHashMap<>();
    private volatile double skewMillis = Double.NaN;
    private volatile boolean holding;
    private volatile double backlog = Double.NaN;
    private volatile int active;
    private long timer = -1;

    public WatchLoop(Vertx vertx, Parts parts, Clock clock, Executor blocking) {
        this.vertx = vertx;
        this.parts = parts;
        this.clock = clock;
        this.blocking = blocking;
        MeterRegistry m = parts.meters();
        Gauge.builder("orderly.clock.skew", () -> skewMillis / 1000).baseUnit("seconds")
                .description("this node's clock minus the database's (NaN until measured)").register(m);
        Gauge.builder("orderly.watch.evaluator", () -> holding ? 1.0 : 0.0)
                .description("1 on the node that evaluates the alert rules now").register(m);
        Gauge.builder("orderly.outbox.backlog", () -> backlog)
                .description("messages not yet sent, read by the evaluating node (NaN elsewhere)").register(m);
        Gauge.builder("orderly.watch.alerts.active", () -> holding ? active : Double.NaN)
                .description("alerts active now, on the evaluating node (NaN elsewhere)").register(m);
    }

    public void start() {
        timer = vertx.setPeriodic(EVERY.toMillis(), id -> {
            if (running.compareAndSet(false, true)) {
                try {
                    blocking.execute(() -> {
                        try {
                            turn();
                        } catch (RuntimeException e) {
                            LOG.warn("watchdog turn failed: {}", e.toString());
                        } finally {
                            running.set(false);
                        }
                    });
                } catch (RejectedExecutionException closing) {
                    running.set(false);
                }
            }
        });
    }

    /** This node's levels for the node board: its clock skew (when measured). */
    public Map<String, Double> levels() {
        double s = skewMillis;
        return Double.isNaN(s) ? Map.of() : Map.of(DeploymentCounts.SKEW_MS, s);
    }

    /** One turn; public for tests that drive it. */
    public void turn() {
        Instant before = clock.instant();
        EvaluatorLease.Holding h = parts.lease().tryHold(parts.node(), LEASE);
        Instant after = clock.instant();
        Instant mid = before.plus(Duration.between(before, after).dividedBy(2));
        skewMillis = Duration.between(h.storeTime(), mid).toMillis();
        holding = h.held();
        if (!h.held()) {
            backlog = Double.NaN;
            return;
        }
        Figures f = figures(clock.instant());
        Watchdog.Changes changes = parts.watchdog().evaluate(f);
        changes.raised().forEach(a -> LOG.warn("ALERT {} ({}): {} — runbook: docs/runbook.md#{}", a.rule(), a.subject(), a.detail(), a.runbook()));
        changes.resolved().forEach(a -> LOG.info("alert resolved {} ({})", a.rule(), a.subject()));
        active = parts.book().active().size();
        try {
            parts.relay().run();
        } catch (RuntimeException e) {
            LOG.warn("alert relay failed: {}", e.toString());
        }
    }

    private Figures figures(Instant now) {
        List<Figures.GateReading> gates = new ArrayList<>();
        for (GateConfig c : parts.waitingRoom().gates()) {
            if (CanaryLanes.isLane(c.name())) {
                continue;
            }
            GateFigures g = parts.waitingRoom().figures(c.name()).orElse(null);
            if (g == null) {
                continue;
            }
            Instant back = c.notice().expectedBack();
            gates.add(new Figures.GateReading(c.name(), g.phase(), g.waiting(), g.admitted(), back, c.admitPerSecond()));
            gateGauges(c.name(), g.phase() == GatePhase.OPEN ? 1 : 0,
                    g.phase() == GatePhase.PAUSED && back != null && now.isAfter(back) ? Duration.between(back, now).toSeconds() : 0);
        }
        long b;
        try {
            b = parts.outboxBacklog().getAsLong();
        } catch (RuntimeException e) {
            LOG.debug("outbox backlog unread: {}", e.toString());
            b = -1;
        }
        backlog = b < 0 ? Double.NaN : b;
        DeploymentCounts c = parts.counts();
        return new Figures(now, c.counts(), gates, c.providerMs(), b, c.skew(), c.canary());
    }

    private void gateGauges(String gate, double open, double overdueSeconds) {
        if (gateOpen.put(gate, open) == null) {
            Gauge.builder("orderly.gate.open", () -> holding ? gateOpen.getOrDefault(gate, 0.0) : Double.NaN).tag("gate", gate)
                    .description("1 while the gate admits (phase OPEN), read by the evaluating node").register(parts.meters());
            Gauge.builder("orderly.gate.paused.overdue", () -> holding ? overdue.getOrDefault(gate, 0.0) : Double.NaN).tag("gate", gate)
                    .baseUnit("seconds").description("how long a paused gate is past the restart time its operator announced").register(parts.meters());
        }
        overdue.put(gate, overdueSeconds);
    }

    /** The alerts every node shows. */
    public AlertBook book() {
        return parts.book();
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (holding) {
            try {
                parts.lease().release(parts.node());
            } catch (RuntimeException e) {
                LOG.debug("lease not released: {}", e.toString());
            }
        }
    }
}
