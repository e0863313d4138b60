package dev.orderly.surge.replay;

import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.metrics.RunMetrics.Cheat;
import dev.orderly.surge.metrics.RunMetrics.Outcome;
import dev.orderly.surge.scenario.Scenario;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replay engine: simulated people walk a running Orderly (gate, identity, booking gate,
 * booking) as browsers would, obeying the server's poll times, while cheaters try their tricks
 * and bots hammer the join.
 *
 * <p>Design: one Vert.x event loop drives everything. Each person is a small state machine moved
 * by timers and answers; no thread waits. Because only that loop touches the people and
 * {@link RunMetrics}, neither needs a lock. People are created when they arrive (from arrival
 * times drawn up front, a {@code long} each), so memory follows the people in flight, not the
 * night's total. Every random choice comes from the seed, one stream per person.
 *
 * <p>The loop measures itself: its thread's CPU and its lag (how late a 100 ms timer fires).
 * When it is saturated, the figures measure the generator, not the server; the report says so.
 */
public final class Replay {
    /** What a replay needs besides the scenario. */
    public record Options(List<URI> targets, Scenario scenario, long seed, String operatorToken,
            int connectionsPerTarget, int residentOffset, PrintStream progress) {
    }

    /** What a run produced: the figures, the settings it ran with, and what it noted. */
    public record Result(RunMetrics metrics, Instant startedAt, Instant opensAt, double seconds, long peoplePlanned,
            List<String> notes, JsonObject integrity, boolean gatesConfigured, boolean followedServerOpening) {
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final String[] FAR_TIMES = {"Mon, 01 Jan 2035 00:00:00 GMT", "Thu, 01 Jan 2015 00:00:00 GMT"};

    private final Options options;
    private final Scenario scenario;
    private final RunMetrics metrics = new RunMetrics();
    private final List<String> notes = new ArrayList<>();
    private Vertx vertx;
    private Http http;
    private List<Setup.Resident> residents;
    private List<String> provinces;
    private long[] arrivalNanos;
    private boolean[] eligibleByArrival;
    private int nextArrival;
    private int active;
    private long startNanos;
    private long opensAtNanos;
    private long endNanos;
    private boolean stopped;
    /** Set from another thread (Ctrl+C): end at the next second, as if the duration were up. */
    private volatile boolean endNow;
    private final Promise<Void> done = Promise.promise();
    private String stolenTicket;
    private String stolenPass;
    private long bots;
    private long runId;

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
        provinces = setup.provinces();
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
        drawArrivals(people, eligible, nanosBetween(startedAt, preQueueFrom), nanosBetween(startedAt, opensAt));
        runId = new Random(options.seed()).nextInt(1_000_000) ^ (System.currentTimeMillis() / 1000 % 1_000_000);
        bots = scenario.bots().count() == 0 ? 0 : scenario.scaled(scenario.bots().count());

        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        http = new Http(vertx, options.targets(), options.connectionsPerTarget(), metrics, this::botsActive, () -> stopped);
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
            metrics.outcomes.merge(Outcome.UNFINISHED, (long) active, Long::sum);
            finished.complete(null);
        });
        try {
            finished.get(5, TimeUnit.SECONDS);
            http.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            notes.add("closing the client: " + e);
        }
        vertx.close();
        if (metrics.arrivals > 20 && metrics.peopleRateLimited > metrics.arrivals / 2) {
            notes.add("Most people (" + metrics.peopleRateLimited + " of " + metrics.arrivals + ") were refused with 429 at the "
                    + "gate: the server probably counts them all as one address. Run it with ORDERLY_TRUST_FORWARDED_FOR=true "
                    + "so that X-Forwarded-For gives each household its own address.");
        }
        return new Result(metrics, startedAt, opensAt, seconds, people, List.copyOf(notes), integrity, configured, follow);
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

    /**
     * Arrival times (nanoseconds from the start), sorted: the pre-queue share uniformly from
     * {@code preQueueFrom} to {@code opening}, the rest decaying from the opening; and which
     * arrivals are eligible people.
     */
    private void drawArrivals(long people, long eligible, long preQueueFrom, long opening) {
        SplittableRandom random = new SplittableRandom(options.seed());
        double pre = opening - preQueueFrom;
        double lambda = Math.log(2) / scenario.arrivals().halfLife().toNanos();
        double window = scenario.arrivals().window().toNanos();
        double cut = 1 - Math.exp(-lambda * window);
        arrivalNanos = new long[(int) people];
        for (int i = 0; i < people; i++) {
            if (random.nextDouble() < scenario.arrivals().beforeOpening()) {
                arrivalNanos[i] = preQueueFrom + (long) (random.nextDouble() * pre);
            } else {
                arrivalNanos[i] = opening + (long) (-Math.log(1 - random.nextDouble() * cut) / lambda);
            }
        }
        Arrays.sort(arrivalNanos);
        eligibleByArrival = new boolean[(int) people];
        int[] order = new int[(int) people];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < eligible; i++) {
            eligibleByArrival[order[i]] = true;
        }
    }

    // ---- the loop ----

    private long loopThreadId;
    private long lastLoopCpu;
    private long lastLagProbe;
    private double maxLagMs;
    private long serverWaiting = -1;
    private int eligibleSeen;

    private void start(long wallAtStart, Duration untilOpening) {
        startNanos = wallAtStart;
        opensAtNanos = startNanos + untilOpening.toNanos();
        endNanos = startNanos + scenario.duration().toNanos();
        loopThreadId = Thread.currentThread().threadId();
        lastLagProbe = System.nanoTime();
        vertx.setPeriodic(10, id -> spawnDue());
        vertx.setPeriodic(100, id -> probeLag());
        vertx.setPeriodic(1000, id -> everySecond());
        for (int b = 0; b < bots; b++) {
            startBot(b);
        }
    }

    private void probeLag() {
        long now = System.nanoTime();
        maxLagMs = Math.max(maxLagMs, Math.max(0, (now - lastLagProbe) / 1e6 - 100));
        lastLagProbe = now;
    }

    private void everySecond() {
        long now = System.nanoTime();
        int t = (int) ((now - startNanos) / 1_000_000_000L);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getThreadCpuTime(loopThreadId);
        double loopCpu = lastLoopCpu == 0 ? 0 : (cpu - lastLoopCpu) / 1e9;
        lastLoopCpu = cpu;
        double processCores = processCpuCores();
        metrics.second(t, serverWaiting, processCores, loopCpu, maxLagMs, botsActive());
        maxLagMs = 0;
        http.send("figures", HttpMethod.GET, "/api/gates/identity", null, "192.0.2.1", null).onSuccess(a -> {
            if (a.ok()) {
                serverWaiting = a.json().getLong("waiting", -1L);
            }
        });
        progressLine(t);
        boolean everyoneDone = nextArrival >= arrivalNanos.length && active == 0;
        if (!stopped && (now >= endNanos || everyoneDone || endNow)) {
            stopped = true;
            if (!everyoneDone) {
                notes.add((endNow && now < endNanos ? "The run was stopped early (interrupted) at " + t + " s" : "The run ended at its duration")
                        + " with " + active + " people still walking (counted as unfinished).");
            }
            progressEnd();
            done.complete();
        }
    }

    private static double processCpuCores() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : load * Runtime.getRuntime().availableProcessors();
        }
        return 0;
    }

    private void progressLine(int t) {
        PrintStream out = options.progress();
        if (out == null) {
            return;
        }
        String line = String.format(Locale.ROOT, "%5ds  arrivals %,d  waiting %,d  admitted %,d  booked %,d  errors %,d",
                t, metrics.arrivals, metrics.waiting, metrics.admittedIdentity, metrics.booked, metrics.unexpected);
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
        if (stopped) {
            return;
        }
        long elapsed = System.nanoTime() - startNanos;
        while (nextArrival < arrivalNanos.length && arrivalNanos[nextArrival] <= elapsed) {
            int index = nextArrival++;
            Setup.Resident resident = eligibleByArrival[index] ? residents.get(eligibleSeen++) : null;
            new Person(index, resident).arrive();
        }
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
            if (stopped) {
                vertx.cancelTimer(id);
                return;
            }
            if (botsActive()) {
                metrics.botRequests++;
                http.send("bot.join", HttpMethod.POST, "/api/gates/identity/join", null, address, null).onSuccess(a -> {
                    if (a.status() == 429) {
                        metrics.botRefused++;
                    }
                });
            }
        });
    }

    private static String addressOf(int person) {
        int n = person + 1;
        return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private long thinkMillis(SplittableRandom random) {
        double mean = scenario.behaviour().thinkTime().toMillis();
        return Math.max(1, Math.round(-mean * Math.log(1 - random.nextDouble())));
    }

    private void later(long millis, Runnable r) {
        vertx.setTimer(Math.max(1, millis), id -> {
            if (!stopped) {
                r.run();
            }
        });
    }

    private String[] skewHeaders(Person p) {
        if (p.cheat != Cheat.CLOCK_SKEW) {
            return new String[0];
        }
        String far = FAR_TIMES[p.id % 2];
        return new String[] {"Date", far, "X-Client-Time", far.contains("2035") ? "2035-01-01T00:00:00Z" : "2015-01-01T00:00:00Z"};
    }

    private enum Phase { WAITING, VERIFYING, BOOKING_LINE, BOOKING, DONE }

    /** One tab (or device) of a person, waiting at one gate. */
    private final class Tab {
        final Person person;
        final Browser browser;
        final String gate;
        String ticket;
        long rank;
        boolean preQueue;
        boolean stopped;
        boolean wentOffline;

        Tab(Person person, Browser browser, String gate) {
            this.person = person;
            this.browser = browser;
            this.gate = gate;
        }

        void join(boolean refresh) {
            if (stopped || person.phase == Phase.DONE) {
                return;
            }
            long sent = System.nanoTime();
            http.send(gate + ".join", HttpMethod.POST, "/api/gates/" + gate + "/join", browser, null, null, skewHeaders(person))
                    .onSuccess(a -> joined(a, sent, refresh));
        }

        private void joined(Http.Answer a, long sent, boolean refresh) {
            if (stopped || person.phase == Phase.DONE) {
                return;
            }
            if (a.status() == 429) {
                metrics.rateLimitedAnswers++;
                person.rateLimited();
                later(a.retryAfterSeconds() * 1000, () -> join(refresh));
                return;
            }
            if (!a.ok()) {
                metrics.unexpected(gate + ".join", a.status(), a.problem());
                stop();
                person.tabGone();
                return;
            }
            JsonObject s = a.json();
            String newTicket = s.getString("ticket");
            if (ticket != null && newTicket != null && !newTicket.equals(ticket)) {
                metrics.rankChanges++;
            }
            if (a.status() == 201 && ticket == null && !s.getBoolean("inPreQueue", false) && s.getLong("rank", 0L) > 0) {
                metrics.joined(gate, sent, System.nanoTime(), s.getLong("rank"), person.cheat != null);
            }
            if (s.getBoolean("inPreQueue", false) && !person.joinedPreQueue) {
                person.joinedPreQueue = true;
                metrics.preQueueJoiners++;
            }
            if (ticket == null && gate.equals("identity") && person.cheat == null && stolenTicket == null && a.status() == 201) {
                stolenTicket = newTicket;
            }
            ticket = newTicket;
            if (!refresh) {
                person.onFirstJoin(this);
            }
            status(s);
        }

        void poll() {
            if (stopped || person.phase == Phase.DONE) {
                return;
            }
            String query = person.cheat == Cheat.CLOCK_SKEW ? "?now=2035-01-01T00:00:00Z" : "";
            http.send(gate + ".status", HttpMethod.GET, "/api/gates/" + gate + "/status" + query, browser, null, null,
                    skewHeaders(person)).onSuccess(a -> {
                        if (stopped || person.phase == Phase.DONE) {
                            return;
                        }
                        if (a.status() == 200) {
                            status(a.json());
                        } else if (a.status() == 429 || a.status() == 503 || a.status() == 0) {
                            if (a.status() != 429) {
                                metrics.unexpected(gate + ".status", a.status(), a.problem());
                            }
                            later(a.retryAfterSeconds() * 1000, this::poll);
                        } else {
                            metrics.unexpected(gate + ".status", a.status(), a.problem());
                            if (wentOffline) {
                                metrics.placesLostOnReconnect++;
                            }
                            stop();
                            person.tabGone();
                        }
                    });
        }

        private void status(JsonObject s) {
            long newRank = s.getLong("rank", 0L);
            boolean back = wentOffline && person.reconnectPending;
            if (newRank > 0 && rank > 0 && newRank != rank) {
                metrics.rankChanges++;
                if (back) {
                    metrics.placesLostOnReconnect++;
                }
            }
            if (back) {
                person.reconnectPending = false;
                metrics.reconnects++;
            }
            if (newRank > 0) {
                rank = newRank;
            }
            preQueue = s.getBoolean("inPreQueue", false);
            if ("admitted".equals(s.getString("state"))) {
                person.admitted(this, s.getString("pass"));
                return;
            }
            long pollAfter = Math.max(50, s.getLong("pollAfterMs", 1000L));
            if (person.cheat == Cheat.AIRPLANE && !wentOffline && rank > 0 && !preQueue && gate.equals("identity")) {
                wentOffline = true;
                person.reconnectPending = true;
                later(scenario.cheaters().airplaneOffline().toMillis(), this::poll);
                return;
            }
            if (person.refresher && gate.equals("identity")) {
                long interval = scenario.behaviour().refreshers().interval().toMillis();
                if (interval < pollAfter) {
                    later(interval, () -> join(true));
                    return;
                }
            }
            later(pollAfter, this::poll);
        }

        void stop() {
            stopped = true;
        }
    }

    /** One simulated person, from arrival to a booking (or not). */
    private final class Person {
        final int id;
        final Setup.Resident resident;
        final SplittableRandom random;
        final Cheat cheat;
        final boolean refresher;
        final boolean givesUp;
        final String address;
        final List<Tab> tabs = new ArrayList<>(2);
        Phase phase = Phase.WAITING;
        Tab winner;
        int tabsLeft;
        boolean counted429;
        boolean joinedPreQueue;
        boolean reconnectPending;
        int attempts;
        int challengeTries;
        long arrivedAt;
        long bookingLineAt;
        List<JsonObject> choices = List.of();

        Person(int id, Setup.Resident resident) {
            this.id = id;
            this.resident = resident;
            this.random = new SplittableRandom(options.seed() * 1_000_003L + id);
            this.address = addressOf(id);
            this.cheat = drawCheat(random.nextDouble());
            this.refresher = random.nextDouble() < scenario.behaviour().refreshers().share();
            this.givesUp = random.nextDouble() < scenario.behaviour().giveUp().share();
        }

        private Cheat drawCheat(double u) {
            Scenario.Cheaters c = scenario.cheaters();
            double[] shares = {c.clockSkew(), c.replayTicket(), c.forgeTicket(), c.directBooking(), c.airplane()};
            double sum = 0;
            for (int i = 0; i < shares.length; i++) {
                sum += shares[i];
                if (u < sum) {
                    return Cheat.values()[i];
                }
            }
            return null;
        }

        private int drawTabs() {
            double u = random.nextDouble();
            double sum = 0;
            for (Scenario.TabShare t : scenario.population().tabs()) {
                sum += t.share();
                if (u < sum) {
                    return t.tabs();
                }
            }
            return scenario.population().tabs().getLast().tabs();
        }

        void arrive() {
            active++;
            arrivedAt = System.nanoTime();
            int count = drawTabs();
            Browser first = new Browser(address);
            for (int i = 0; i < count; i++) {
                Browser b = i == 0 || random.nextDouble() >= scenario.population().otherDeviceShare() ? first : new Browser(address);
                tabs.add(new Tab(this, b, "identity"));
            }
            tabsLeft = tabs.size();
            metrics.arrived(count);
            if (cheat != null) {
                metrics.cheatPeople.merge(cheat, 1L, Long::sum);
            }
            // The first tab opens now; more tabs of the same browser once it has its cookie, others at once.
            tabs.getFirst().join(false);
            for (int i = 1; i < tabs.size(); i++) {
                Tab t = tabs.get(i);
                if (t.browser != first) {
                    later(random.nextInt(1, 2000), () -> t.join(false));
                }
            }
            if (givesUp) {
                later(scenario.behaviour().giveUp().patience().toMillis(), () -> {
                    if (phase == Phase.WAITING) {
                        metrics.leftWhileWaiting();
                        finish(Outcome.GAVE_UP);
                    }
                });
            }
        }

        void onFirstJoin(Tab tab) {
            if (tab == tabs.getFirst() && tab.gate.equals("identity")) {
                for (int i = 1; i < tabs.size(); i++) {
                    Tab t = tabs.get(i);
                    if (t.browser == tab.browser) {
                        later(random.nextInt(1, 2000), () -> t.join(false));
                    }
                }
                tryTicketTricks(tab);
                if (cheat == Cheat.DIRECT_BOOKING) {
                    // Straight to the protected step without a pass (after the join, so the browser id is settled).
                    http.send("cheat", HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity())
                            .onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
                }
            }
        }

        private void tryTicketTricks(Tab tab) {
            if (cheat == Cheat.REPLAY_TICKET && stolenTicket != null && !stolenTicket.equals(tab.ticket)) {
                http.send("cheat", HttpMethod.GET, "/api/gates/identity/status", tab.browser, null, null, "Orderly-Ticket", stolenTicket)
                        .onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
            } else if (cheat == Cheat.FORGE_TICKET && tab.ticket != null) {
                http.send("cheat", HttpMethod.GET, "/api/gates/identity/status", tab.browser, null, null,
                        "Orderly-Ticket", Forgery.tamperedTicket(tab.ticket)).onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
            }
        }

        void rateLimited() {
            if (!counted429) {
                counted429 = true;
                metrics.peopleRateLimited++;
            }
        }

        void tabGone() {
            tabsLeft--;
            if (tabsLeft <= 0 && (phase == Phase.WAITING || phase == Phase.BOOKING_LINE)) {
                if (phase == Phase.WAITING) {
                    metrics.leftWhileWaiting();
                }
                finish(Outcome.FAILED);
            }
        }

        void admitted(Tab tab, String pass) {
            tab.stop();
            if (tab.gate.equals("identity") && phase == Phase.WAITING) {
                phase = Phase.VERIFYING;
                winner = tab;
                metrics.admittedIdentity((System.nanoTime() - arrivedAt) / 1_000_000);
                stopOthers(tab);
                if (cheat == null && pass != null) {
                    stolenPass = pass;
                }
                passTricks(tab);
                later(thinkMillis(random), () -> challenge(tab));
            } else if (tab.gate.equals("booking") && phase == Phase.BOOKING_LINE) {
                phase = Phase.BOOKING;
                winner = tab;
                metrics.admittedBooking((System.nanoTime() - bookingLineAt) / 1_000_000);
                stopOthers(tab);
                later(thinkMillis(random), this::search);
            }
        }

        private void stopOthers(Tab keep) {
            for (Tab t : tabs) {
                if (t != keep) {
                    t.stop();
                }
            }
        }

        private void passTricks(Tab tab) {
            if (cheat == Cheat.REPLAY_TICKET && stolenPass != null) {
                http.send("cheat", HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity(), "Orderly-Pass", stolenPass)
                        .onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
            } else if (cheat == Cheat.FORGE_TICKET && tab.browser.browserId() != null) {
                long now = System.currentTimeMillis() / 1000;
                for (String forged : List.of(Forgery.unsignedPass("identity", tab.browser.browserId(), now),
                        Forgery.badlySignedPass("identity", tab.browser.browserId(), now, new Random(random.nextLong())))) {
                    http.send("cheat", HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity(), "Orderly-Pass", forged)
                            .onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
                }
            }
        }

        /** Name, birth date and phone: a resident's, or made up for someone not in the open cohort. */
        private JsonObject identity() {
            if (resident != null) {
                return new JsonObject().put("name", resident.name()).put("birthDate", resident.birthDate()).put("phone", resident.phone());
            }
            int n = id;
            return new JsonObject().put("name", "Surge Visitor").put("birthDate", "1990-01-" + String.format(Locale.ROOT, "%02d", 1 + n % 28))
                    .put("phone", String.format(Locale.ROOT, "010-9%03d-%04d", (n / 10_000) % 1000, n % 10_000));
        }

        private void challenge(Tab tab) {
            http.send("identity.challenge", HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity(), skewHeaders(this))
                    .onSuccess(a -> {
                        if (phase == Phase.DONE) {
                            return;
                        }
                        String problem = a.problem();
                        if (a.status() == 201) {
                            String challengeId = a.json().getString("challengeId");
                            // The dev inbox is each node's own: the code is read from the node that sent it.
                            later(thinkMillis(random), () -> readCode(tab, challengeId, a.target()));
                        } else if (a.status() == 422 && "no-match".equals(problem) && resident == null) {
                            metrics.notEligibleRefusedAsExpected++;
                            finish(Outcome.NOT_ELIGIBLE);
                        } else if (isPassProblem(problem)) {
                            metrics.bounced("identity");
                            finish(Outcome.BOUNCED);
                        } else if ((a.status() == 429 || a.status() == 503 || a.status() == 0) && ++challengeTries < 5) {
                            if (a.status() != 429) {
                                metrics.unexpected("identity.challenge", a.status(), problem);
                            }
                            later(a.retryAfterSeconds() * 1000, () -> challenge(tab));
                        } else {
                            metrics.unexpected("identity.challenge", a.status(), problem);
                            finish(Outcome.FAILED);
                        }
                    });
        }

        private void readCode(Tab tab, String challengeId, int node) {
            http.sendTo(node, "dev.sms", HttpMethod.GET, "/api/dev/sms?phone=" + enc(resident.phone()), null, "192.0.2.2", null)
                    .onSuccess(a -> {
                        Matcher m = a.ok() ? CODE.matcher(a.json().getString("text", "")) : null;
                        if (m == null || !m.find()) {
                            metrics.unexpected("dev.sms", a.status(), a.problem());
                            finish(Outcome.FAILED);
                            return;
                        }
                        String code = m.group(1);
                        http.send("identity.verify", HttpMethod.POST, "/api/identity/challenges/" + challengeId + "/verify", tab.browser,
                                null, new JsonObject().put("code", code)).onSuccess(v -> {
                                    if (v.status() == 200) {
                                        metrics.verified++;
                                        verified(tab);
                                    } else {
                                        metrics.unexpected("identity.verify", v.status(), v.problem());
                                        finish(Outcome.FAILED);
                                    }
                                });
                    });
        }

        private void verified(Tab tab) {
            if (cheat == Cheat.DIRECT_BOOKING) {
                http.send("cheat", HttpMethod.POST, "/api/reservations", tab.browser, null,
                        new JsonObject().put("clinicId", 1).put("day", "2030-01-01").put("product", "PFZ"),
                        "Idempotency-Key", "surge-" + runId + "-" + id + "-direct").onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
            }
            phase = Phase.BOOKING_LINE;
            bookingLineAt = System.nanoTime();
            // Every tab of the verified browser joins the booking line; they must share one place. New tabs, not the
            // identity gate's: those may still have a poll or a refresh timer pending, which must find them stopped
            // (reviving them sent booking-gate polls before the booking ticket existed: 400 no-ticket).
            List<Tab> line = new ArrayList<>();
            for (Tab t : tabs) {
                if (t.browser == tab.browser) {
                    line.add(new Tab(this, t.browser, "booking"));
                }
            }
            tabs.clear();
            tabs.addAll(line);
            tabsLeft = line.size();
            List<String> tickets = new ArrayList<>();
            for (Tab t : line) {
                later(random.nextInt(1, 500), () -> {
                    t.join(false);
                    sharedPlaceCheck(t, tickets, line.size());
                });
            }
        }

        private void sharedPlaceCheck(Tab t, List<String> tickets, int expected) {
            // Checked once every tab has its ticket: one place for the person.
            vertx.setTimer(1500, id -> {
                if (t.ticket != null) {
                    tickets.add(t.ticket);
                }
                if (tickets.size() == expected && expected > 1) {
                    metrics.sharedPlaceChecks++;
                    if (tickets.stream().map(Replay::placeOf).distinct().count() > 1) {
                        metrics.sharedPlaceViolations++;
                    }
                }
            });
        }

        private void search() {
            String province = provinces.get(random.nextInt(provinces.size()));
            http.send("clinics", HttpMethod.GET, "/api/clinics?province=" + enc(province), winner.browser, null, null)
                    .onSuccess(a -> {
                        if (phase == Phase.DONE) {
                            return;
                        }
                        if (!a.ok()) {
                            metrics.unexpected("clinics", a.status(), a.problem());
                            finish(Outcome.FAILED);
                            return;
                        }
                        List<JsonObject> open = new ArrayList<>();
                        JsonArray clinics = a.json().getJsonArray("clinics", new JsonArray());
                        for (int i = 0; i < clinics.size(); i++) {
                            JsonObject c = clinics.getJsonObject(i);
                            JsonArray days = c.getJsonArray("days", new JsonArray());
                            for (int d = 0; d < days.size(); d++) {
                                JsonObject day = days.getJsonObject(d);
                                if (day.getInteger("remaining", 0) > 0) {
                                    open.add(new JsonObject().put("clinicId", c.getLong("id")).put("day", day.getString("day"))
                                            .put("product", day.getString("product")));
                                }
                            }
                        }
                        choices = open;
                        book();
                    });
        }

        private void book() {
            if (choices.isEmpty() || attempts >= scenario.behaviour().bookingAttempts()) {
                finish(Outcome.NO_PLACE_FOUND);
                return;
            }
            JsonObject choice = choices.remove(random.nextInt(choices.size()));
            choices = new ArrayList<>(choices);
            int attempt = ++attempts;
            http.send("reservations", HttpMethod.POST, "/api/reservations", winner.browser, null, choice,
                    "Idempotency-Key", "surge-" + runId + "-" + id + "-" + attempt).onSuccess(a -> {
                        if (phase == Phase.DONE) {
                            return;
                        }
                        String problem = a.problem();
                        if (a.status() == 201) {
                            metrics.booked();
                            finish(Outcome.BOOKED);
                        } else if ("day-full".equals(problem)) {
                            later(thinkMillis(random), this::book);
                        } else if ("already-booked".equals(problem)) {
                            finish(Outcome.ALREADY_BOOKED);
                        } else if ("not-eligible".equals(problem)) {
                            finish(Outcome.NOT_ELIGIBLE);
                        } else if (isPassProblem(problem)) {
                            metrics.bounced("booking");
                            finish(Outcome.BOUNCED);
                        } else {
                            metrics.unexpected("reservations", a.status(), problem);
                            finish(Outcome.FAILED);
                        }
                    });
        }

        void finish(Outcome outcome) {
            if (phase == Phase.DONE) {
                return;
            }
            phase = Phase.DONE;
            for (Tab t : tabs) {
                t.stop();
            }
            metrics.outcome(outcome);
            active--;
        }
    }

    private static boolean isPassProblem(String problem) {
        return problem != null && (problem.equals("no-pass") || problem.startsWith("pass-") || problem.equals("invalid-pass"));
    }

    /** The place number a ticket holds (its payload is {@code gate|number|...}); tickets of one place may differ in other fields. */
    static String placeOf(String ticket) {
        String[] parts = ticket.split("\\.");
        if (parts.length < 2) {
            return ticket;
        }
        try {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String[] fields = payload.split("\\|");
            return fields.length > 1 ? fields[0] + "|" + fields[1] : payload;
        } catch (IllegalArgumentException e) {
            return ticket;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
