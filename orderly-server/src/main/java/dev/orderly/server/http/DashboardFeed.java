package dev.orderly.server.http;

import dev.orderly.booking.BookingTallies;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateFigures;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.ops.NodeBoard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' live figures, made once a second on each node and pushed to every console
 * connected to it (Server-Sent Events). Traffic (joins, checks, bookings, errors per second) is
 * each node's own, posted to the {@link NodeBoard} and summed over every node that posted in the
 * last {@link #FRESH}; gate figures and booking tallies come from the shared stores, so every node
 * shows the same deployment-wide numbers.
 *
 * <p>A sample that cannot reach a store still goes out, with what failed in {@code problems}: a
 * dashboard that froze when the database did would hide the one thing the operator must see.
 */
public final class DashboardFeed implements AutoCloseable {

    static final Duration FRESH = Duration.ofSeconds(5);
    /** How long after the last look the store-backed figures are still read every second. */
    static final Duration WATCHED_FOR = Duration.ofMinutes(2);
    static final Duration TALLY_EVERY = Duration.ofSeconds(15);
    /** The window traffic lights judge providers over. */
    static final int LIGHT_WINDOW = 10;
    private static final int SECONDS_KEPT = 3600;
    private static final int MINUTES_KEPT = 24 * 60;
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

    private final Vertx vertx;
    private final NodeRates rates;
    private final WaitingRoom waitingRoom;
    private final BookingTallies tallies;
    private final NodeBoard board;
    private final String node;
    private final Clock clock;
    private final Executor blocking;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
    private final Deque<Map<String, Double>> lastSeconds = new ArrayDeque<>();
    private final Deque<JsonArray> seconds = new ArrayDeque<>();
    private final Deque<JsonArray> minutes = new ArrayDeque<>();
    private final Map<String, Long> marks = new HashMap<>();
    private NodeRates.Totals previous;
    private long previousMarkNanos;
    private BookingTallies.Tallies counted;
    private Instant countedAt;
    private Instant nextTally = Instant.MIN;
    private double[] minuteSum = new double[0];
    private int minuteSamples;
    private long minuteOf = -1;
    private volatile JsonObject latest = new JsonObject().put("starting", true);
    private long timer = -1;
    private volatile java.util.function.Supplier<Map<String, Double>> levels = Map::of;
    private volatile SecondListener listener = (sum, nodes, seconds) -> { };
    /** System.nanoTime until which the stores are read; starts "now" (nobody has looked). Never Long.MIN_VALUE: the difference would overflow. */
    private volatile long watchedUntil = System.nanoTime();

    public DashboardFeed(Vertx vertx, MeterRegistry meters, WaitingRoom waitingRoom, BookingTallies tallies, NodeBoard board, String node,
                  Clock clock, Executor blocking) {
        this.vertx = vertx;
        this.rates = new NodeRates(meters);
        this.waitingRoom = waitingRoom;
        this.tallies = tallies;
        this.board = board;
        this.node = node;
        this.clock = clock;
        this.blocking = blocking;
    }

    /** Hears every second's deployment-wide rates (the watchdog counts them), watched or not. */
    public interface SecondListener {
        void second(Map<String, Double> sumPerSecond, Map<String, NodeBoard.Post> nodes, double seconds);
    }

    /** Levels this node posts beside its rates (its clock skew, its canary's failures), read each second. */
    public void withLevels(java.util.function.Supplier<Map<String, Double>> levels) {
        this.levels = levels;
    }

    public void listen(SecondListener listener) {
        this.listener = listener;
    }

    public void start() {
        timer = vertx.setPeriodic(1000, id -> {
            // One sample at a time: a slow store skips a second rather than piling samples up.
            if (sampling.compareAndSet(false, true)) {
                try {
                    blocking.execute(() -> {
                        try {
                            sample();
                        } catch (RuntimeException e) {
                            LOG.warn("dashboard sample failed: {}", e.toString());
                        } finally {
                            sampling.set(false);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // The node is stopping and its blocking threads are gone: nothing more to sample.
                    vertx.cancelTimer(id);
                }
            }
        });
    }

    JsonObject latest() {
        watched();
        return latest;
    }

    /** The charts' data: one point a second for the last hour, one a minute for the last day. */
    JsonObject history() {
        synchronized (seconds) {
            return new JsonObject().put("fields", new JsonArray(java.util.List.of(POINT_FIELDS)))
                .put("seconds", new JsonArray(new java.util.ArrayList<>(seconds)))
                .put("minutes", new JsonArray(new java.util.ArrayList<>(minutes)));
        }
    }

    /** Streams every sample to {@code response} until it closes. */
    void subscribe(HttpServerResponse response) {
        watched();
        streams.add(response);
        response.closeHandler(v -> streams.remove(response));
        response.exceptionHandler(e -> streams.remove(response));
        response.write("retry: 2000\n\n" + event(latest));
    }

    private void watched() {
        watchedUntil = System.nanoTime() + WATCHED_FOR.toNanos();
    }

    /**
     * Whether anyone looks: a console connected to this node, or a snapshot asked for lately. The
     * node's own rates are posted every second regardless (a console on another node sums them);
     * the figures read from the stores — the gate list each second, the booking tallies (whole-table
     * counts) every 15 s — only while someone looks, so an unwatched node spends nothing on them.
     */
    private boolean isWatched() {
        return !streams.isEmpty() || System.nanoTime() - watchedUntil < 0;
    }

    private static String event(JsonObject snapshot) {
        return "event: figures\ndata: " + snapshot.encode() + "\n\n";
    }

    static final String[] POINT_FIELDS = {"t", "joins", "admitted", "waiting", "verified", "booked", "errors", "limited"};

    /**
     * One sample. Never synchronized as a whole: it waits on stores whose answers arrive on the
     * event loop, and an event-loop reader waiting for its lock would never let them arrive.
     * {@link #start} runs one sample at a time; only the history is shared with readers.
     */
    void sample() {
        Instant now = clock.instant();
        long nanos = System.nanoTime();
        JsonArray problems = new JsonArray();
        NodeRates.Totals totals = rates.totals(nanos);
        Map<String, Double> mine = previous == null ? Map.of() : NodeRates.perSecond(previous, totals);
        double elapsed = previous == null ? 0 : (totals.nanos() - previous.nanos()) / 1e9;
        previous = totals;
        Map<String, Double> own = levels.get();
        if (!own.isEmpty()) {
            mine = new HashMap<>(mine);
            mine.putAll(own);
        }
        Map<String, NodeBoard.Post> nodes = Map.of(node, new NodeBoard.Post(now, mine));
        try {
            board.post(node, mine, now);
            nodes = board.fresh(now, FRESH);
        } catch (RuntimeException e) {
            problems.add("node board: " + e.getMessage());
        }
        Map<String, Double> sum = new TreeMap<>();
        nodes.values().forEach(p -> p.ratesPerSecond().forEach((k, v) -> sum.merge(k, v, Double::sum)));
        try {
            listener.second(sum, nodes, elapsed);
        } catch (RuntimeException e) {
            problems.add("watchdog: " + e.getMessage());
        }
        lastSeconds.addLast(sum);
        while (lastSeconds.size() > LIGHT_WINDOW) {
            lastSeconds.removeFirst();
        }

        JsonArray gates = new JsonArray();
        double admittedPerSecond = 0;
        long waiting = 0;
        boolean watched = isWatched();
        if (!watched) {
            // Nobody looks: the rates are posted, the charts keep them, the store is left alone.
            remember(now, new double[] {prefixSum(sum, "joins|"), Double.NaN, Double.NaN,
                    suffixSum(sum, "checks|", "|Verified"), sum.getOrDefault("book|Booked", 0.0),
                    prefixSum(sum, "http|5"), sum.getOrDefault("http|429", 0.0)});
            previousMarkNanos = 0;
            return;
        }
        try {
            double seconds = previousMarkNanos == 0 ? 0 : (nanos - previousMarkNanos) / 1e9;
            for (GateConfig c : waitingRoom.gates()) {
                if (dev.orderly.watch.CanaryLanes.isLane(c.name())) {
                    // The canary's own lanes are no figure of the deployment's.
                    continue;
                }
                GateFigures f = waitingRoom.figures(c.name()).orElse(null);
                if (f == null) {
                    continue;
                }
                Long before = marks.put(c.name(), f.admitted());
                double actual = before == null || seconds <= 0 ? 0 : Math.max(0, f.admitted() - before) / seconds;
                admittedPerSecond += actual;
                waiting += f.waiting();
                gates.add(new JsonObject().put("name", c.name()).put("phase", f.phase().name()).put("mode", c.mode().name())
                        .put("waiting", f.waiting()).put("issued", f.issued()).put("admittedUpTo", f.admitted())
                        .put("setPerSecond", round(c.admitPerSecond())).put("measuredPerSecond", round(f.admitPerSecond()))
                        .put("actualPerSecond", round(actual)).put("etaOfLastSeconds", f.etaOfLast().toSeconds())
                        .put("outstanding", f.outstanding()).put("joinsPerSecond", round(sum.getOrDefault("joins|" + c.name(), 0.0)))
                        .put("policy", c.admission().getClass().getSimpleName())
                        .put("notice", dev.orderly.server.gate.GateConfigJson.write(c.notice()))
                        .put("opensAt", c.opensAt().toString()).put("joinFrom", c.joinFrom().toString()));
            }
            previousMarkNanos = nanos;
        } catch (RuntimeException e) {
            problems.add("gates: " + e.getMessage());
        }

        if (!now.isBefore(nextTally) || counted == null) {
            nextTally = now.plus(TALLY_EVERY);
            try {
                counted = tallies.count(LocalDate.ofInstant(now, SEOUL));
                countedAt = now;
            } catch (RuntimeException e) {
                problems.add("booking tallies: " + e.getMessage());
            }
        }

        JsonObject identity = identity(sum);
        JsonObject booking = booking(sum);
        JsonObject errors = new JsonObject().put("http5xxPerSecond", round(prefixSum(sum, "http|5")))
                .put("http503PerSecond", round(sum.getOrDefault("http|503", 0.0)))
                .put("http429PerSecond", round(sum.getOrDefault("http|429", 0.0)));
        JsonObject snapshot = new JsonObject().put("at", now.toString()).put("node", node)
                .put("nodes", new JsonArray(new java.util.ArrayList<>(nodes.keySet()))).put("nodesUp", nodes.size())
                .put("gates", gates).put("identity", identity).put("booking", booking).put("errors", errors)
                .put("problems", problems);
        latest = snapshot;
        remember(now, new double[] {prefixSum(sum, "joins|"), admittedPerSecond, waiting,
                identity.getDouble("verifiedPerSecond"), booking.getDouble("bookedPerSecond"),
                errors.getDouble("http5xxPerSecond"), errors.getDouble("http429PerSecond")});
        String event = event(snapshot);
        for (HttpServerResponse r : streams) {
            if (r.closed()) {
                streams.remove(r);
            } else if (!r.writeQueueFull()) {
                // A console that cannot keep up skips a second; it never holds the node's memory.
                r.write(event);
            }
        }
    }

    private JsonObject identity(Map<String, Double> sum) {
        Map<String, Double> window = new TreeMap<>();
        lastSeconds.forEach(s -> s.forEach((k, v) -> window.merge(k, v, Double::sum)));
        JsonArray providers = new JsonArray();
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (String k : window.keySet()) {
            String[] parts = k.split("\\|");
            if (parts.length >= 2 && (parts[0].equals("challenges") || parts[0].equals("checks") || parts[0].startsWith("provider."))) {
                names.add(parts[1]);
            }
        }
        for (String p : names) {
            double calls = window.getOrDefault("provider.calls|" + p, 0.0);
            double failed = window.getOrDefault("provider.failed|" + p, 0.0);
            double meanMs = calls == 0 ? 0 : window.getOrDefault("provider.ms|" + p, 0.0) / calls;
            double errorRatio = calls == 0 ? 0 : failed / calls;
            providers.add(new JsonObject().put("name", p)
                    .put("challengesPerSecond", round(prefixSum(sum, "challenges|" + p + "|")))
                    .put("checksPerSecond", round(prefixSum(sum, "checks|" + p + "|")))
                    .put("verifiedPerSecond", round(sum.getOrDefault("checks|" + p + "|Verified", 0.0)))
                    .put("meanLatencyMs", round(meanMs)).put("errorRatio", round(errorRatio))
                    .put("light", TrafficLight.of(calls, meanMs, errorRatio).name().toLowerCase(java.util.Locale.ROOT)));
        }
        double checks = prefixSum(sum, "checks|");
        double verified = suffixSum(sum, "checks|", "|Verified");
        double windowChecks = prefixSum(window, "checks|");
        double windowVerified = suffixSum(window, "checks|", "|Verified");
        return new JsonObject().put("challengesPerSecond", round(prefixSum(sum, "challenges|")))
                .put("checksPerSecond", round(checks)).put("verifiedPerSecond", round(verified))
                .put("successRate", windowChecks == 0 ? null : round(windowVerified / windowChecks))
                .put("providers", providers);
    }

    private JsonObject booking(Map<String, Double> sum) {
        JsonObject refusals = new JsonObject();
        sum.forEach((k, v) -> {
            if (k.startsWith("book|") && !k.equals("book|Booked") && v > 0) {
                refusals.put(k.substring("book|".length()), round(v));
            }
        });
        JsonObject b = new JsonObject().put("bookedPerSecond", round(sum.getOrDefault("book|Booked", 0.0)))
                .put("refusedPerSecond", refusals)
                .put("changesPerSecond", round(prefixSum(sum, "change|")))
                .put("cancelsPerSecond", round(prefixSum(sum, "cancel|")));
        if (counted != null) {
            b.put("talliedAt", countedAt.toString());
            b.put("cohorts", new JsonArray(counted.cohorts().stream().map(c -> new JsonObject().put("id", c.cohortId())
                    .put("name", c.name()).put("eligible", c.eligible()).put("booked", c.booked()).put("rate", round4(c.rate()))).toList()));
            b.put("digits", new JsonArray(counted.digits().stream().map(d -> new JsonObject().put("digit", d.digit())
                    .put("eligible", d.eligible()).put("booked", d.booked()).put("rate", round4(d.rate()))).toList()));
            b.put("capacity", new JsonArray(counted.capacity().stream().map(c -> new JsonObject().put("province", c.province())
                    .put("product", c.product()).put("capacity", c.capacity()).put("booked", c.booked()).put("left", c.left())).toList()));
        }
        return b;
    }

    private void remember(Instant now, double[] values) {
        synchronized (seconds) {
            rememberLocked(now, values);
        }
    }

    private void rememberLocked(Instant now, double[] values) {
        JsonArray point = new JsonArray().add(now.getEpochSecond());
        for (double v : values) {
            point.add(Double.isNaN(v) ? null : round(v));
        }
        seconds.addLast(point);
        while (seconds.size() > SECONDS_KEPT) {
            seconds.removeFirst();
        }
        long minute = now.getEpochSecond() / 60;
        if (minute != minuteOf && minuteSamples > 0) {
            JsonArray m = new JsonArray().add(minuteOf * 60);
            for (double v : minuteSum) {
                m.add(Double.isNaN(v) ? null : round(v / minuteSamples));
            }
            minutes.addLast(m);
            while (minutes.size() > MINUTES_KEPT) {
                minutes.removeFirst();
            }
            minuteSamples = 0;
        }
        if (minute != minuteOf || minuteSum.length != values.length) {
            minuteSum = new double[values.length];
            minuteOf = minute;
        }
        for (int i = 0; i < values.length; i++) {
            minuteSum[i] += values[i];
        }
        minuteSamples++;
    }

    private static double prefixSum(Map<String, Double> m, String prefix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }

    private static double suffixSum(Map<String, Double> m, String prefix, String suffix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(suffix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        streams.forEach(r -> {
            if (!r.closed()) {
                r.end();
            }
        });
        streams.clear();
    }
}
