package dev.orderly.surge.replay;

import dev.orderly.surge.metrics.Endpoint;
import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.metrics.RunMetrics.Outcome;
import dev.orderly.surge.scenario.Scenario;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The replay engine: simulated people walk a running Orderly (gate, identity, booking gate,
 * booking) as browsers would, obeying the server's poll times, while cheaters try their tricks
 * and bots hammer the join.
 *
 * <p>Design: one Vert.x event loop drives everything. Each {@link Person} (and each of their
 * {@link Tab}s) is a small state machine moved by timers and answers; no thread waits. Because
 * only that loop touches the people, the {@link Night} they share and {@link RunMetrics}, none
 * needs a lock. People are created when they arrive (from {@link Arrivals} drawn up front, a
 * {@code long} each), so memory follows the people in flight, not the night's total. Every random
 * choice comes from the seed, one stream per person.
 *
 * <p>This class is the run's orchestration: it sets the gates, draws the arrivals, releases people
 * and bots on time, closes each second and ends the run. The loop measures itself
 * ({@link LoopProbe}): its thread's CPU and its lag (how late a 100 ms timer fires). When it is
 * saturated, the figures measure the generator, not the server; the report says so.
 */
public final class Replay {
    /** What a replay needs besides the scenario. */
    public record Options(List<URI> targets, Scenario scenario, long seed, String operatorToken,
            int connectionsPerTarget, int residentOffset, PrintStream progress) {
    }

    /** What a run produced: the figures, the settings it ran with, and what it noted. */
    public record Result(RunMetrics metrics, Instant startedAt, Instant opensAt, double seconds, long peoplePlanned,
            List<String> notes, JsonObject integrity, boolean gatesConfigured, boolean followedServerOpening,
            BotTickets.Audit botTickets) {

        /** A result with no bots asked about (tests, and runs without bots). */
        public Result(RunMetrics metrics, Instant startedAt, Instant opensAt, double seconds, long peoplePlanned, List<String> notes,
                JsonObject integrity, boolean gatesConfigured, boolean followedServerOpening) {
            this(metrics, startedAt, opensAt, seconds, peoplePlanned, notes, integrity, gatesConfigured, followedServerOpening,
                    BotTickets.none());
        }
    }

    private final Options options;
    private final Scenario scenario;
    private final RunMetrics metrics = new RunMetrics();
    private final List<String> notes = new ArrayList<>();
    private Vertx vertx;
    private Night night;
    private List<Setup.Resident> residents;
    private Arrivals arrivals;
    private int eligibleSeen;
    private long startNanos;
    private long opensAtNanos;
    private long endNanos;
    private LoopProbe probe;
    private long serverWaiting = -1;
    /** Set from another thread (Ctrl+C): end at the next second, as if the duration were up. */
    private volatile boolean endNow;
    private final Promise<Void> done = Promise.promise();
    private long bots;
    private BotTickets botTickets;

    public Replay(Options options) {
        this.options = options;
        this.scenario = options.scenario();
    }

    /** Ends the run at its next second (from any thread); the figures so far make the report. */
    public void endNow() {
        endNow = true;
    }

    /** Runs the whole replay; blocks the calling thread until the report's figures are in. */
    public Result run() throws InterruptedException {
        Setup setup = new Setup(options.targets().getFirst(), options.operatorToken());
        for (URI t : options.targets()) {
            new Setup(t, options.operatorToken()).checkDemo();
        }
        long people = scenario.scaled(scenario.peopleAtScaleOne());
        long eligible = Math.min(people, scenario.scaled(scenario.population().eligible()));
        if (eligible > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("too many people for one generator: " + eligible);
        }
        residents = setup.residents((int) eligible, options.residentOffset());
        if (residents.size() < eligible) {
            throw new IllegalArgumentException("the server lists " + residents.size() + " residents of the open cohort from offset "
                    + options.residentOffset() + ", the scenario needs " + eligible + " eligible people at scale "
                    + scenario.scale() + ": lower --scale, or start the server with more ORDERLY_DEMO_PEOPLE");
        }
        List<String> provinces = setup.provinces();
        Instant now = Instant.now();
        Setup.GateTimes server = setup.gateTimes("identity");
        // A gate still before its opening is the night the server was set up for: the arrivals follow its clock.
        boolean follow = server != null && now.isBefore(server.opensAt());
        Instant opensAt;
        Instant preQueueFrom;
        boolean configured;
        if (follow) {
            opensAt = server.opensAt();
            preQueueFrom = server.joinFrom().isAfter(now) ? server.joinFrom() : now;
            configured = configureGates(setup, null, null);
            notes.add(String.format(Locale.ROOT, "The identity gate had not opened: the arrivals followed the server's gate, "
                    + "pre-queue arrivals (%.0f%%) over the %.1f s from %s to its opening at %s, the spike at the opening "
                    + "(arrivals.preQueue not used)%s.", scenario.arrivals().beforeOpening() * 100,
                    Duration.between(preQueueFrom, opensAt).toMillis() / 1000.0, preQueueFrom, opensAt,
                    preQueueFrom.equals(opensAt) ? "; the gate has no pre-queue, so they arrived with the spike" : ""));
        } else {
            opensAt = now.plus(scenario.arrivals().preQueue());
            preQueueFrom = now;
            configured = configureGates(setup, now, opensAt);
            if (server != null && !configured) {
                notes.add("The identity gate was already open when the run started (since " + server.opensAt() + "): the replay "
                        + "kept its own arrival curve, and its pre-queue arrivals joined an open line (none shuffled; fairness "
                        + "counts them). Start the server with ORDERLY_GATES_OPEN_AT in the future to replay a pre-queue.");
            }
        }
        Instant startedAt = Instant.now();
        long wallAtStart = System.nanoTime();
        arrivals = Arrivals.draw(options.seed(), scenario.arrivals(), people, eligible, nanosBetween(startedAt, preQueueFrom),
                nanosBetween(startedAt, opensAt));
        long runId = new Random(options.seed()).nextInt(1_000_000) ^ (System.currentTimeMillis() / 1000 % 1_000_000);
        bots = scenario.bots().count() == 0 ? 0 : scenario.scaled(scenario.bots().count());
        botTickets = new BotTickets(options.seed());

        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        night = new Night(vertx, options.targets(), options.connectionsPerTarget(), metrics, this::botsActive, scenario,
                options.seed(), runId, provinces);
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> start(wallAtStart, Duration.ofNanos(nanosBetween(startedAt, opensAt))));
        try {
            done.future().toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the replay failed", e.getCause());
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        // Let answers in flight land, so that nobody is counted as still walking by mistake.
        Thread.sleep(500);
        JsonObject integrity = null;
        if (options.operatorToken() != null) {
            Setup.Reply r = setup.call("GET", "/api/operator/integrity", null, true);
            integrity = r.status() == 200 ? r.json() : new JsonObject().put("error", "answered " + r.status() + ": " + r.body());
        } else {
            notes.add("Integrity (overbooked clinic-days, people with two appointments) not checked: no operator token.");
        }
        var finished = new java.util.concurrent.CompletableFuture<Void>();
        context.runOnContext(v -> {
            metrics.outcome(Outcome.UNFINISHED, night.active());
            finished.complete(null);
        });
        BotTickets.Audit botAudit = BotTickets.none();
        if (bots > 0) {
            var audited = new java.util.concurrent.CompletableFuture<BotTickets.Audit>();
            context.runOnContext(v -> night.http.send(Endpoint.FIGURES, HttpMethod.GET, "/api/gates/identity", null, "192.0.2.1", null)
                    .compose(a -> botTickets.audit(night.http, a.ok() ? a.json().getLong("admitted", 0L) : 0L))
                    .onComplete(a -> {
                        if (a.succeeded()) {
                            audited.complete(a.result());
                        } else {
                            audited.completeExceptionally(a.cause());
                        }
                    }));
            try {
                botAudit = audited.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                notes.add("asking about the bots' tickets after the run: " + e);
            }
        }
        try {
            finished.get(5, TimeUnit.SECONDS);
            night.http.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            notes.add("closing the client: " + e);
        }
        try {
            // The once-a-second timer writes the figures until the loop is closed: wait, or the report reads them as they change.
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            notes.add("closing the event loop: " + e);
        }
        RunMetrics.Totals totals = metrics.totals();
        if (totals.arrivals() > 20 && totals.peopleRateLimited() > totals.arrivals() / 2) {
            notes.add("Most people (" + totals.peopleRateLimited() + " of " + totals.arrivals() + ") were refused with 429 at the "
                    + "gate: the server probably counts them all as one address. Run it with ORDERLY_TRUST_FORWARDED_FOR=true "
                    + "so that X-Forwarded-For gives each household its own address.");
        }
        return new Result(metrics, startedAt, opensAt, seconds, people, List.copyOf(notes), integrity, configured, follow, botAudit);
    }

    private static long nanosBetween(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos());
    }

    /**
     * Sets the gates as the scenario says: rates, and the identity gate's pre-queue and opening
     * when {@code opensAt} is given (null: the server's opening stands). True when all of it was set.
     */
    private boolean configureGates(Setup setup, Instant joinFrom, Instant opensAt) {
        if (options.operatorToken() == null) {
            notes.add("No operator token: the gates ran as they were set (the scenario's opening and rates were not applied).");
            return false;
        }
        setup.checkOperatorToken();
        if (!scenario.gates().configure()) {
            notes.add("gates.configure is false: the gates ran as they were set.");
            return false;
        }
        boolean opened = setGate(setup, "identity", scenario.scaledRate(scenario.gates().identityRate()), joinFrom, opensAt);
        setGate(setup, "booking", scenario.scaledRate(scenario.gates().bookingRate()), null, null);
        return opensAt == null || opened;
    }

    /** Sets a gate's rate and, when {@code opensAt} is given, its pre-queue and opening. */
    private boolean setGate(Setup setup, String gate, double perSecond, Instant joinFrom, Instant opensAt) {
        JsonObject admission = new JsonObject().put("policy", "FIXED_RATE").put("perSecond", perSecond);
        if (opensAt != null) {
            Setup.Reply current = setup.call("GET", "/api/operator/gates/" + gate, null, true);
            if (current.status() == 200) {
                JsonObject c = current.json();
                JsonObject config = new JsonObject().put("opensAt", opensAt.toString()).put("joinFrom", joinFrom.toString())
                        .put("admission", admission);
                for (String keep : List.of("passLifetimeSeconds", "keyedByPerson", "maxPollSeconds")) {
                    if (c.containsKey(keep)) {
                        config.put(keep, c.getValue(keep));
                    }
                }
                Setup.Reply put = setup.call("PUT", "/api/operator/gates/" + gate, config, true);
                if (put.status() == 200 || put.status() == 201) {
                    return true;
                }
                notes.add("The " + gate + " gate could not take a new opening (" + put.status() + "; a gate that has opened keeps "
                        + "its opening): the pre-queue arrivals joined an open line, so fewer joins are shuffled.");
            }
        }
        Setup.Reply r = setup.call("PUT", "/api/operator/gates/" + gate + "/admission", admission, true);
        if (r.status() != 200) {
            notes.add("Setting the " + gate + " gate's rate answered " + r.status() + ": " + r.body());
        }
        return false;
    }

    // ---- the loop ----

    private void start(long wallAtStart, Duration untilOpening) {
        startNanos = wallAtStart;
        opensAtNanos = startNanos + untilOpening.toNanos();
        endNanos = startNanos + scenario.duration().toNanos();
        probe = new LoopProbe();
        vertx.setPeriodic(10, id -> spawnDue());
        vertx.setPeriodic(LoopProbe.LAG_PERIOD_MILLIS, id -> probe.lagTick());
        vertx.setPeriodic(1000, id -> everySecond());
        for (int b = 0; b < bots; b++) {
            startBot(b);
        }
    }

    private void everySecond() {
        long now = System.nanoTime();
        int t = (int) ((now - startNanos) / 1_000_000_000L);
        LoopProbe.Reading loop = probe.read();
        metrics.second(t, serverWaiting, loop.processCpuCores(), loop.loopCpu(), loop.lagMs(), botsActive());
        night.http.send(Endpoint.FIGURES, HttpMethod.GET, "/api/gates/identity", null, "192.0.2.1", null).onSuccess(a -> {
            if (a.ok()) {
                serverWaiting = a.json().getLong("waiting", -1L);
            }
        });
        progressLine(t);
        boolean everyoneDone = arrivals.allArrived() && night.active() == 0;
        if (!night.stopped() && (now >= endNanos || everyoneDone || endNow)) {
            night.stop();
            if (!everyoneDone) {
                notes.add((endNow && now < endNanos ? "The run was stopped early (interrupted) at " + t + " s" : "The run ended at its duration")
                        + " with " + night.active() + " people still walking (counted as unfinished).");
            }
            progressEnd();
            done.complete();
        }
    }

    private void progressLine(int t) {
        PrintStream out = options.progress();
        if (out == null) {
            return;
        }
        RunMetrics.Totals m = metrics.totals();
        String line = String.format(Locale.ROOT, "%5ds  arrivals %,d  waiting %,d  admitted %,d  booked %,d  errors %,d",
                t, m.arrivals(), m.waiting(), m.admittedIdentity(), m.booked(), m.unexpected());
        if (System.console() != null) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void progressEnd() {
        if (options.progress() != null && System.console() != null) {
            options.progress().println();
        }
    }

    private void spawnDue() {
        if (night.stopped()) {
            return;
        }
        arrivals.releaseDue(System.nanoTime() - startNanos, (index, eligible) -> {
            Setup.Resident resident = eligible ? residents.get(eligibleSeen++) : null;
            new Person(night, index, resident).arrive();
        });
    }

    /** Bots join in bursts of 10 s every 20 s from the opening, through the arrival window. */
    private boolean botsActive() {
        if (bots == 0) {
            return false;
        }
        long sinceOpening = System.nanoTime() - opensAtNanos;
        if (sinceOpening < 0 || sinceOpening > scenario.arrivals().window().toNanos()) {
            return false;
        }
        return (sinceOpening / 10_000_000_000L) % 2 == 0;
    }

    private void startBot(int b) {
        String address = "198.18." + ((b >> 8) & 0xff) + "." + (b & 0xff);
        long period = Math.max(1, Math.round(1000 / scenario.bots().rate()));
        vertx.setPeriodic(period, id -> {
            if (night.stopped()) {
                vertx.cancelTimer(id);
                return;
            }
            if (botsActive()) {
                metrics.botJoinSent();
                // A fresh cookie jar each join: a bot opens a new ticket with every request and keeps none.
                Browser jar = new Browser(address);
                night.http.send(Endpoint.BOT_JOIN, HttpMethod.POST, "/api/gates/identity/join", jar, null, null).onSuccess(a -> {
                    if (a.status() == 429) {
                        metrics.botJoinRefused();
                    } else if (a.status() == 201 || a.status() == 200) {
                        botTickets.joined(jar, a.json().getLong("rank", 0L));
                    }
                });
            }
        });
    }
}
