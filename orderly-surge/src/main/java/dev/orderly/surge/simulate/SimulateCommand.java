package dev.orderly.surge.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.surge.ScenarioOptions;
import dev.orderly.surge.SurgeCli;
import dev.orderly.surge.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code surge simulate}: the scenario's night without a server, for each node count asked, with
 * the highest admission rate the backend bears. Writes {@code simulation.json} and prints a table.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulates the scenario's night at any scale without a server (see docs/surge.md, Simulate).")
public final class SimulateCommand implements Callable<Integer> {

    @Mixin
    ScenarioOptions scenario;

    @Option(names = "--nodes", split = ",", paramLabel = "N[,N...]",
            description = "node counts to simulate; default: the scenario's capacity.nodes")
    List<Integer> nodes;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "a JSON file of measured per-node figures (docs/surge.md, Calibration) that replace the scenario's capacity")
    Path calibration;

    @Option(names = "--gate-store", defaultValue = "auto", paramLabel = "auto|memory|redis",
            description = "where the gates live: auto = memory for one node, Redis for more; default ${DEFAULT-VALUE}")
    String gateStore;

    @Option(names = "--adaptive", description = "the identity gate admits adaptively (AIMD on the identity step's health), "
            + "starting at the scenario's identityRate, instead of at that fixed rate")
    boolean adaptive;

    @Option(names = "--postgres-verifications", defaultValue = "1700", paramLabel = "N",
            description = "identity transactions PostgreSQL commits per second; default ${DEFAULT-VALUE} (from the walk benchmark: "
                    + "PostgreSQL CPU per walk net of idle, less the booking, over the walk's two identity transactions, on 2 cores)")
    double postgresVerifications;

    @Option(names = "--attempts-per-booking", defaultValue = "1.107", paramLabel = "N",
            description = "booking attempts per booking (full days tried again); default ${DEFAULT-VALUE}, from the booking benchmark")
    double attemptsPerBooking;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "D",
            description = "how long a client waits for an answer before it counts an error and retries; default ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--retry-after", defaultValue = "5s", paramLabel = "D",
            description = "how long a client waits before retrying a failed request; default ${DEFAULT-VALUE}")
    Duration retryAfter;

    @Option(names = "--latency-target", defaultValue = "500ms", paramLabel = "D",
            description = "p95 latency of a protected step above which it is unhealthy; default ${DEFAULT-VALUE}")
    Duration latencyTarget;

    @Option(names = "--no-search", description = "skip the search for the highest bearable admission rate")
    boolean noSearch;

    @Override
    public Integer call() throws IOException {
        Scenario s;
        Deployment base;
        try {
            s = scenario.load();
            base = deployment(s.capacity());
            if (calibration != null) {
                base = Calibration.apply(new ObjectMapper().readTree(calibration.toFile()), base);
            }
        } catch (RuntimeException e) {
            System.err.println("surge simulate: " + e.getMessage());
            return SurgeCli.BAD_INPUT;
        }
        List<Integer> counts = nodes == null || nodes.isEmpty() ? List.of(s.capacity().nodes()) : nodes;
        List<ObjectNode> runs = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%s at scale %s: %,.0f people, %,.0f tabs; identity gate %s%n", s.name(), s.scale(),
                (double) s.scaled(s.peopleAtScaleOne()), s.scaled(s.peopleAtScaleOne()) * s.population().meanTabs(),
                adaptive ? "adaptive from " + s.scaledRate(s.gates().identityRate()) + "/s" : s.scaledRate(s.gates().identityRate()) + "/s");
        System.out.println("nodes store  | peak line (tickets) | wait p50 / p90 / p99 / max (s) | line drained (s) | booked     | "
                + "bottleneck (peak load / capacity) | bearable rate/s | run (s)");
        for (int n : counts) {
            Deployment d;
            SurgeModel model;
            try {
                d = withNodes(base, n);
                model = model(s, d);
            } catch (IllegalArgumentException e) {
                System.err.println("surge simulate: " + e.getMessage());
                return SurgeCli.BAD_INPUT;
            }
            long started = System.nanoTime();
            SimulationResult r = new SurgeSimulation(model).run();
            double took = (System.nanoTime() - started) / 1e9;
            BearableRate.Answer bearable = noSearch ? null : BearableRate.search(model, 1, 1_000_000, 12);
            SimulationResult.Component b = r.bottleneck();
            SimulationResult.Sample peak = r.peakQueue();
            System.out.printf(Locale.ROOT, "%5d %-6s | %,19.0f | %6.0f / %6.0f / %6.0f / %6.0f | %16s | %,10.0f | %-20s %12.2f | %15s | %7.1f%n",
                    n, r.gateStore(), peak == null ? 0 : peak.identityWaiting(), r.identityWait().p50(), r.identityWait().p90(),
                    r.identityWait().p99(), r.identityWait().max(),
                    Double.isNaN(r.identityDrained()) ? "not drained" : String.format(Locale.ROOT, "%.0f", r.identityDrained()),
                    r.booked(), b.name(), b.peakUtilisation(), bearable == null ? "-" : bearable.belowSearchRange() ? "none (< 1)"
                            : String.format(Locale.ROOT, "%,.0f%s", bearable.perSecond(), bearable.aboveSearchRange() ? "+" : ""),
                    took);
            ObjectNode json = r.toJson();
            json.set("bearablePerSecond", bearable == null ? NullNode.getInstance() : SimulationResult.number(bearable.perSecond()));
            json.set("wallSeconds", SimulationResult.number(took));
            runs.add(json);
        }
        Files.createDirectories(scenario.out());
        Path out = scenario.out().resolve("simulation.json");
        ObjectNode all = new ObjectMapper().createObjectNode().put("scenario", s.name());
        all.set("scale", SimulationResult.number(s.scale()));
        all.put("seed", scenario.seed()).putArray("runs").addAll(runs);
        Files.writeString(out, all + "\n");
        System.out.println("wrote " + out);
        return SurgeCli.OK;
    }

    private Deployment deployment(Scenario.Capacity c) {
        // Unloaded service times from docs/benchmarks.md (wrk p50s: join 1.26 ms, status 0.91 ms in memory;
        // booking attempt p50 20.88 ms); another request 5 ms is an assumption.
        return new Deployment(c.nodes(), Deployment.GateStore.REDIS, c.joinPerNode(), c.statusPerNode(), c.otherPerNode(), c.redisOps(),
                c.postgresBookings(), postgresVerifications, c.identityVerifications(), seconds(timeout), 0.00126, 0.00091, 0.005,
                0.02088, seconds(latencyTarget), 0.01);
    }

    private Deployment withNodes(Deployment d, int n) {
        Deployment.GateStore store = switch (gateStore.toLowerCase(Locale.ROOT)) {
            case "auto" -> n > 1 ? Deployment.GateStore.REDIS : Deployment.GateStore.MEMORY;
            case "memory" -> Deployment.GateStore.MEMORY;
            case "redis" -> Deployment.GateStore.REDIS;
            default -> throw new IllegalArgumentException("--gate-store must be auto, memory or redis, was " + gateStore);
        };
        return new Deployment(n, store, d.joinPerNode(), d.statusPerNode(), d.otherPerNode(), d.redisOps(), d.postgresBookings(),
                d.postgresVerifications(), d.identityVerifications(), d.requestTimeout(), d.joinLatency(), d.statusLatency(),
                d.otherLatency(), d.bookingLatency(), d.latencyTarget(), d.maxErrorRatio());
    }

    /** The scenario as the simulator's model, scaled. */
    SurgeModel model(Scenario s, Deployment d) {
        Scenario.Population p = s.population();
        double tabs = p.meanTabs();
        double tickets = 1 + p.otherDeviceShare() * (tabs - 1);
        double identityRate = s.scaledRate(s.gates().identityRate());
        AdmissionPolicy identity = adaptive
                ? new AdmissionPolicy.Adaptive(1, identityRate * 10, identityRate, Math.max(1, identityRate / 20), 0.7,
                        latencyTarget, d.maxErrorRatio())
                : new AdmissionPolicy.FixedRate(identityRate);
        AdmissionPolicy booking = new AdmissionPolicy.FixedRate(s.scaledRate(s.gates().bookingRate()));
        Scenario.Arrivals a = s.arrivals();
        Scenario.Behaviour b = s.behaviour();
        return new SurgeModel(s.scaled(s.peopleAtScaleOne()), 1 - p.notEligibleShare(), tickets, tabs, seconds(a.preQueue()),
                a.beforeOpening(), seconds(a.halfLife()), seconds(a.window()), seconds(b.thinkTime()), b.refreshers().share(),
                seconds(b.refreshers().interval()), b.giveUp().share(), seconds(b.giveUp().patience()), attemptsPerBooking,
                seconds(retryAfter), identity, booking, 600, 60, d, 86_400, scenario.seed(),
                s.scaled(s.bots().count()) * s.bots().rate());
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A replay's measured figures onto the deployment (see docs/surge.md, Simulate, calibration). */
    static final class Calibration {
        private Calibration() {
        }

        static Deployment apply(JsonNode report, Deployment d) {
            JsonNode c = report.has("calibration") ? report.get("calibration") : report;
            double join = figure(c, "joinPerNode", d.joinPerNode());
            double status = figure(c, "statusPerNode", d.statusPerNode());
            double other = figure(c, "otherPerNode", d.otherPerNode());
            double bookings = figure(c, "postgresBookings", d.postgresBookings());
            double verifications = figure(c, "identityVerifications", d.identityVerifications());
            if (c.path("generatorLimited").asBoolean(false)) {
                System.err.println("surge simulate: the replay was limited by its own load generator; its figures are lower bounds "
                        + "of the nodes' capacity, and the simulation is pessimistic");
            }
            return new Deployment(d.nodes(), d.gateStore(), join, status, other, d.redisOps(), bookings, d.postgresVerifications(),
                    verifications, d.requestTimeout(), d.joinLatency(), d.statusLatency(), d.otherLatency(), d.bookingLatency(),
                    d.latencyTarget(), d.maxErrorRatio());
        }

        private static double figure(JsonNode c, String field, double fallback) {
            JsonNode v = c.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber() || !(v.asDouble() > 0)) {
                throw new IllegalArgumentException("calibration." + field + " must be a positive number, was " + v);
            }
            return v.asDouble();
        }
    }
}
