package dev.orderly.server.gate;

import com.nimbusds.jose.jwk.JWKSet;
import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.DownstreamHealth;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateStore;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.token.SigningKeys;
import dev.orderly.watch.CanaryLanes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiting room of one node, wired: its store, the pass signer, the standard gates (one per
 * identity method, e.g. {@code identity}, and {@code booking}, keyed by person) created when absent, health measurement of the steps behind them, and a ticker that
 * moves the marks every {@value #TICK_MILLIS} ms on a thread of its own (the store may block).
 */
public final class Gates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gates.class);
    private static final long TICK_MILLIS = 100;
    public static final String IDENTITY = "identity";
    public static final String BOOKING = "booking";
    /** The call centre's line, keyed by agent; its rate is the operator's to set like any gate's. */
    public static final String AGENT = "agent";
    /** The agent gate's rate until an operator sets another: a call centre's agents book a few a second at most. */
    public static final double AGENT_RATE = 5;

    private final WaitingRoom waitingRoom;
    private final JwtPassSigner passes;
    /**
     * A shared store counts the outstanding passes from its spent marks of the last pass lifetime:
     * once a second per gate and node rather than at every tick (see WaitingRoom).
     */
    static final Duration OUTSTANDING_RECOUNT = Duration.ofSeconds(1);

    private final boolean storeIsLocal;
    private final Map<String, StepHealth> health = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final Clock clock;
    private boolean tickFailing;

    /**
     * A gate every run has, created when absent: active, at a fixed rate, opening at the given
     * time (taking joins into the pre-queue for the given period before it).
     */
    public record Standard(String name, double perSecond, boolean keyedByPerson) {
    }

    public Gates(GateStore store, boolean storeIsLocal, SigningKeys keys, JWKSet passKeys, Clock clock, MeterRegistry meters,
                 java.util.List<Standard> standard, Duration passLifetime, java.time.Instant opensAt, Duration preQueue) {
        this(store, storeIsLocal, keys, passKeys, clock, meters, standard, passLifetime, opensAt, preQueue, null);
    }

    /** @param claimGrace tickets nobody polls for twice their interval plus this are passed over; null: never */
    public Gates(GateStore store, boolean storeIsLocal, SigningKeys keys, JWKSet passKeys, Clock clock, MeterRegistry meters,
                 java.util.List<Standard> standard, Duration passLifetime, java.time.Instant opensAt, Duration preQueue,
                 Duration claimGrace) {
        this.clock = clock;
        this.storeIsLocal = storeIsLocal;
        this.passes = new JwtPassSigner(passKeys);
        // Poll jitter needs no secrecy, and a shared SecureRandom is a lock on every status answer.
        java.util.random.RandomGenerator jitter = new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                return java.util.concurrent.ThreadLocalRandom.current().nextLong();
            }
        };
        this.waitingRoom = new WaitingRoom(store, new GateTokens(keys), passes, clock, jitter,
                gate -> health.containsKey(gate) ? health.get(gate).health() : DownstreamHealth.UNKNOWN, claimGrace,
                storeIsLocal ? Duration.ZERO : OUTSTANDING_RECOUNT);
        for (Standard g : standard) {
            boolean lane = CanaryLanes.isLane(g.name());
            if (store.config(g.name()).isEmpty()) {
                // The canary's lanes are open from the start: the canary checks the machinery before an opening too.
                Instant laneOpens = lane ? clock.instant() : opensAt;
                waitingRoom.configure(new GateConfig(g.name(), laneOpens.minus(lane ? Duration.ZERO : preQueue), laneOpens,
                        new AdmissionPolicy.FixedRate(g.perSecond()), passLifetime, g.keyedByPerson(), GateMode.ACTIVE, "",
                        GateConfig.DEFAULT_MAX_POLL));
            }
            if (lane) {
                // No figure of the deployment's, as the dashboard's (see CanaryLanes).
                continue;
            }
            String gate = g.name();
            Gauge.builder("orderly.gate.waiting", () -> waitingRoom.figures(gate).map(f -> (double) f.waiting()).orElse(0.0))
                    .tag("gate", gate).register(meters);
            Gauge.builder("orderly.gate.admitted", () -> waitingRoom.figures(gate).map(f -> (double) f.admitted()).orElse(0.0))
                    .tag("gate", gate).register(meters);
            Gauge.builder("orderly.gate.admit.rate", () -> waitingRoom.figures(gate).map(f -> f.admitPerSecond()).orElse(0.0))
                    .tag("gate", gate).register(meters);
            Gauge.builder("orderly.gate.passed.over", () -> (double) waitingRoom.passedOver(gate))
                    .description("places this node's ticks passed over because nobody asked for them (unclaimed tickets)")
                    .tag("gate", gate).register(meters);
            Gauge.builder("orderly.gate.outstanding", () -> waitingRoom.figures(gate).map(f -> (double) f.outstanding()).orElse(0.0))
                    .tag("gate", gate).register(meters);
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orderly-gate-ticker");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            waitingRoom.tick();
            if (tickFailing) {
                tickFailing = false;
                LOG.info("gate ticks run again");
            }
        } catch (RuntimeException e) {
            // A store outage must not kill the ticker: the next tick tries again. Ten ticks a second
            // fail alike during an outage, so the log gets the first failure, not every one.
            if (!tickFailing) {
                tickFailing = true;
                LOG.warn("gate tick failed (logged once until ticks succeed again): {}", e.toString());
            }
        }
    }

    public WaitingRoom waitingRoom() {
        return waitingRoom;
    }

    public boolean storeIsLocal() {
        return storeIsLocal;
    }

    public String publicJwks() {
        return passes.publicJwks();
    }

    /** Feeds a finished request of a protected step into its gate's health. */
    public void observe(String route, long nanos, int status) {
        String gate = route.startsWith("/api/identity/challenges") ? IDENTITY
                : route.startsWith("/api/reservations") || route.startsWith("/api/clinics") ? BOOKING : null;
        if (gate != null) {
            health.computeIfAbsent(gate, g -> new StepHealth(clock, Duration.ofSeconds(10))).record(nanos, status >= 500);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
