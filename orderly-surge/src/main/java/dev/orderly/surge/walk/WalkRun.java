package dev.orderly.surge.walk;

import dev.orderly.surge.replay.Setup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Runs walks against one node and measures what they cost: the OS CPU time of the Orderly process
 * and of the PostgreSQL postmaster with its backends over the measured phase, divided by the walks
 * completed in it; walks per second; requests per walk; latency per step; the generator's own CPU.
 *
 * <p>Phases: a warm-up (JIT, caches, pools; not counted), then the measured phase, closed (a fixed
 * number of people walking at once, each starting the next walk when done) or open (walks started
 * at a fixed rate, whatever the answers). The measured phase ends when its last walk ends and the
 * outbox relay has delivered the last booking's confirmation, so the relay's work is in the figure.
 * A bookings-only run prepares people up to the booking instead, then sends all their bookings at
 * once and measures that burst alone.
 */
final class WalkRun {
    record Options(URI target, String operatorToken, int walkers, double rate, Duration warmup, Duration duration, int people,
            int residentOffset, int connections, Long serverPid, Long postgresPid, Long redisPid, int bookings, Duration idle,
            PrintStream log) {
    }

    /**
     * What one measured phase gave.
     *
     * @param seconds    from the first request to the last answer: what the rates are counted over
     * @param cpuSeconds from the first request until the CPU times were read (after the relay sent the
     *                   last confirmation): what the CPU is spread over when it is shown as cores
     */
    record Phase(String name, int walks, int booked, int noPlace, int failed, double seconds, double cpuSeconds, StepLatencies steps,
            double serverCpuMs, double postgresCpuMs, double redisCpuMs, double generatorCpuMs, List<String> failures, Idle idle) {
        double walksPerSecond() {
            return walks / seconds;
        }

        /** The CPU of Orderly and of its stores (PostgreSQL, and Redis when measured). */
        double cpuMs() {
            return serverCpuMs + postgresCpuMs + orNone(redisCpuMs);
        }

        /** This phase with what the measured processes spend anyway (measured with nobody walking) taken off its CPU. */
        double netCpuMs() {
            return cpuMs() - (idle.serverCores() + idle.postgresCores() + orNone(idle.redisCores())) * cpuSeconds * 1000;
        }

        /** Redis is measured only in the distributed mode; otherwise it adds nothing. */
        private static double orNone(double notMeasuredIsNaN) {
            return Double.isNaN(notMeasuredIsNaN) ? 0 : notMeasuredIsNaN;
        }
    }

    /**
     * Cores the server, PostgreSQL and Redis use with nobody walking (timers, the watchdog, the canary,
     * the relay's polls, JIT, GC).
     */
    record Idle(double serverCores, double postgresCores, double redisCores) {
    }

    private final Options options;
    private final Vertx vertx;
    private final WalkHttp http;
    private final Setup setup;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final List<String> notes = new ArrayList<>();
    /** People the burst's lanes have started preparing and not given up on (on the tool's one event loop). */
    private int preparing;
    /** What the run found wrong beyond failed walks: confirmations not delivered, integrity not clean. */
    private final List<String> problems = new ArrayList<>();
    private final ProcessCpu server;
    private final ProcessCpu postgres;
    private final ProcessCpu redis;
    private List<Setup.Resident> residents;
    private List<String[]> districts;
    private int nextResident;
    private Idle idle = new Idle(0, 0, 0);

    WalkRun(Options options) {
        this.options = options;
        // One event loop: the walks' state is touched by one thread only, and the generator's cost stays bounded.
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.http = new WalkHttp(vertx, options.target(), options.connections(), new StepLatencies());
        this.setup = new Setup(options.target(), options.operatorToken());
        long ticks = ProcessCpu.clockTicks();
        this.server = options.serverPid() == null ? null : new ProcessCpu(options.serverPid(), false, ticks);
        this.postgres = options.postgresPid() == null ? null : new ProcessCpu(options.postgresPid(), true, ticks);
        this.redis = options.redisPid() == null ? null : new ProcessCpu(options.redisPid(), false, ticks);
    }

    /** What went wrong besides failed walks (confirmations missing, integrity not clean); empty when nothing did. */
    List<String> problems() {
        return problems;
    }

    List<String> notes() {
        return notes;
    }

    /** Runs the warm-up and the measured phase(s); returns the measured ones. */
    List<Phase> run() throws InterruptedException {
        setup.checkDemo();
        setup.checkOperatorToken();
        if (Stream.of(server, postgres, redis).anyMatch(p -> p != null && !p.available())) {
            throw new IllegalArgumentException("cannot read /proc/<pid>/stat of --server-pid, --postgres-pid or --redis-pid: is the pid right?");
        }
        openGates();
        residents = setup.residents(options.people(), options.residentOffset());
        if (residents.isEmpty()) {
            throw new IllegalArgumentException("the target has no open-cohort resident from offset " + options.residentOffset()
                    + ": lower --resident-offset, or start the server with more people (ORDERLY_DEMO_PEOPLE)");
        }
        districts = setup.districts();
        options.log().printf("walk: %d residents from offset %d, %d districts%n", residents.size(), options.residentOffset(),
                districts.size());
        List<Phase> phases = new ArrayList<>();
        try {
            if (!options.warmup().isZero()) {
                Phase w = measure("warm-up", () -> closed(options.warmup(), new ArrayList<>()));
                options.log().printf("walk: warm-up %d walks in %.1f s%n", w.walks(), w.seconds());
                if (nextResident >= residents.size()) {
                    // Measuring nobody would print a run of NaN figures that looks like a result.
                    throw new IllegalArgumentException("the warm-up walked all " + residents.size()
                            + " residents, so nobody is left to measure: raise --people (the server needs that many open-cohort "
                            + "residents from --resident-offset on, see ORDERLY_DEMO_PEOPLE) or shorten --warmup");
                }
            }
            if (!options.idle().isZero()) {
                idle = measureIdle(options.idle());
                options.log().printf("walk: idle for %d s: Orderly %.3f cores, PostgreSQL %.3f cores%s%n", options.idle().toSeconds(),
                        idle.serverCores(), idle.postgresCores(),
                        redis == null ? "" : String.format(Locale.ROOT, ", Redis %.3f cores", idle.redisCores()));
            }
            if (options.bookings() > 0) {
                phases.add(bookingBurst());
            } else {
                List<Walker> booked = new ArrayList<>();
                phases.add(measure(options.rate() > 0 ? "open at " + options.rate() + " walks/s" : "closed, " + options.walkers()
                        + " walking at once", () -> options.rate() > 0 ? open(booked) : closed(options.duration(), booked),
                        booked));
                checkConfirmations(booked);
            }
            checkIntegrity();
        } finally {
            await(http.close().compose(v -> vertx.close()));
        }
        return phases;
    }

    private void openGates() {
        for (String gate : List.of("identity", "booking")) {
            Setup.Reply r = setup.call("PUT", "/api/operator/gates/" + gate + "/admission",
                    new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 1_000_000), true);
            if (r.status() != 200) {
                throw new IllegalArgumentException("opening the " + gate + " gate wide answered " + r.status() + ": " + r.body());
            }
        }
    }

    /** Counts of a phase's walks, filled on the event loop. */
    private static final class Tally {
        int booked;
        int noPlace;
        int failed;
        final List<String> failures = new ArrayList<>();

        void add(Walker w, Walker.Outcome o, List<Walker> booked) {
            switch (o) {
                case BOOKED -> {
                    this.booked++;
                    booked.add(w);
                }
                case NO_PLACE -> noPlace++;
                case FAILED -> {
                    failed++;
                    if (failures.size() < 20 && w.failedAt != null) {
                        failures.add(w.failedAt);
                    }
                }
            }
        }
    }

    private interface Body {
        Future<Tally> start();
    }

    private Phase measure(String name, Body body) throws InterruptedException {
        return measure(name, body, null);
    }

    private Phase measure(String name, Body body, List<Walker> booked) throws InterruptedException {
        StepLatencies steps = new StepLatencies();
        http.stats = steps;
        double s0 = cpu(server);
        double p0 = cpu(postgres);
        double r0 = cpu(redis);
        double g0 = generatorCpuMs();
        long t0 = System.nanoTime();
        CompletableFuture<Tally> done = new CompletableFuture<>();
        vertx.runOnContext(v -> body.start().onComplete(r -> {
            if (r.succeeded()) {
                done.complete(r.result());
            } else {
                done.completeExceptionally(r.cause());
            }
        }));
        Tally tally = get(done);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (booked != null && !booked.isEmpty()) {
            waitForConfirmation(booked.getLast());
        }
        double cpuSeconds = (System.nanoTime() - t0) / 1e9;
        return new Phase(name, tally.booked + tally.noPlace + tally.failed, tally.booked, tally.noPlace, tally.failed, seconds, cpuSeconds,
                steps, cpu(server) - s0, cpu(postgres) - p0, cpu(redis) - r0, generatorCpuMs() - g0, tally.failures, idle);
    }

    private Idle measureIdle(Duration length) throws InterruptedException {
        double s0 = cpu(server);
        double p0 = cpu(postgres);
        double r0 = cpu(redis);
        long t0 = System.nanoTime();
        Thread.sleep(length.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Idle((cpu(server) - s0) / 1000 / seconds, (cpu(postgres) - p0) / 1000 / seconds, (cpu(redis) - r0) / 1000 / seconds);
    }

    /** {@code walkers} people walking at once, each starting another walk when done, until {@code length} has passed. */
    private Future<Tally> closed(Duration length, List<Walker> booked) {
        long end = System.nanoTime() + length.toNanos();
        Tally tally = new Tally();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < options.walkers(); i++) {
            lanes.add(lane(end, tally, booked));
        }
        return Future.all(lanes).map(v -> {
            if (nextResident >= residents.size() && System.nanoTime() < end) {
                notes.add("The closed run ran out of residents before its end (its last walkers walked alone, so walks/s reads low): "
                        + "raise --people.");
            }
            return tally;
        });
    }

    private Future<Void> lane(long end, Tally tally, List<Walker> booked) {
        if (System.nanoTime() >= end || nextResident >= residents.size()) {
            return Future.succeededFuture();
        }
        Walker w = nextWalker();
        return w.walk().compose(o -> {
            tally.add(w, o, booked);
            return lane(end, tally, booked);
        });
    }

    private Walker nextWalker() {
        int i = nextResident++;
        return new Walker(vertx, http, residents.get(i), options.residentOffset() + i, districts, runId);
    }

    /** Walks started at {@code rate} a second for the duration, whatever the answers; done when the last one ends. */
    private Future<Tally> open(List<Walker> booked) {
        Tally tally = new Tally();
        Promise<Tally> all = Promise.promise();
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        int[] started = {0};
        int[] ended = {0};
        boolean[] stopped = {false};
        vertx.setPeriodic(5, id -> {
            long now = System.nanoTime();
            long due = (long) ((Math.min(now, end) - start) / 1e9 * options.rate());
            while (started[0] < due && nextResident < residents.size()) {
                started[0]++;
                Walker w = nextWalker();
                w.walk().onSuccess(o -> {
                    tally.add(w, o, booked);
                    ended[0]++;
                    if (stopped[0] && ended[0] == started[0]) {
                        all.tryComplete(tally);
                    }
                });
            }
            if (now >= end || nextResident >= residents.size()) {
                if (nextResident >= residents.size() && now < end) {
                    notes.add("The open run ran out of residents before its end: raise --people.");
                }
                vertx.cancelTimer(id);
                stopped[0] = true;
                if (ended[0] == started[0]) {
                    all.tryComplete(tally);
                }
            }
        });
        return all.future();
    }

    /** Prepares {@code bookings} people up to the booking, then sends all their bookings at once. */
    private Phase bookingBurst() throws InterruptedException {
        List<Walker> ready = new ArrayList<>();
        Phase prepared = measure("prepare", () -> {
            Tally t = new Tally();
            List<Future<Void>> lanes = new ArrayList<>();
            for (int i = 0; i < options.walkers(); i++) {
                lanes.add(prepareLane(ready, t));
            }
            return Future.all(lanes).map(t);
        });
        options.log().printf("walk: %d people prepared for the burst in %.1f s (%d failed)%n", ready.size(), prepared.seconds(),
                prepared.failed());
        List<Walker> booked = new ArrayList<>();
        Phase burst = measure("bookings burst", () -> {
            Tally t = new Tally();
            List<Future<Void>> all = new ArrayList<>();
            for (Walker w : ready) {
                all.add(w.book().map(o -> {
                    t.add(w, o, booked);
                    return null;
                }));
            }
            return Future.all(all).map(t);
        }, booked); // the CPU counted runs until the relay has sent the last confirmation: the whole path
        checkConfirmations(booked);
        return burst;
    }

    private Future<Void> prepareLane(List<Walker> ready, Tally tally) {
        // Counted when a lane starts a person, not when one is ready: the lanes run at once, so
        // counting the ready ones prepared up to a lane per walker too many.
        if (preparing >= options.bookings() || nextResident >= residents.size()) {
            return Future.succeededFuture();
        }
        preparing++;
        Walker w = nextWalker();
        return w.prepare().compose(ok -> {
            if (ok) {
                ready.add(w);
            } else {
                preparing--;
                tally.add(w, Walker.Outcome.FAILED, List.of());
            }
            return prepareLane(ready, tally);
        });
    }

    /** Waits (at most 60 s) until the confirmation of {@code last} is in its dev inbox: the relay caught up. */
    private void waitForConfirmation(Walker last) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            if (confirmed(last)) {
                return;
            }
            // Each look is a request the server answers inside the measured CPU: a few a second.
            Thread.sleep(100);
        }
        notes.add("The outbox relay had not delivered the last booking's confirmation 60 s after the walks ended.");
        problems.add("confirmation not delivered");
    }

    private boolean confirmed(Walker w) {
        Setup.Reply r = setup.call("GET", "/api/dev/sms?phone=" + java.net.URLEncoder.encode(w.phone(), java.nio.charset.StandardCharsets.UTF_8),
                null, false);
        return r.status() == 200 && w.reference != null && r.json().getString("text", "").contains(w.reference);
    }

    /**
     * Every booked person's confirmation left through the outbox (up to 200 of them, spread over the
     * run, are read), waiting up to 60 s in all for the relay to catch up: a burst of bookings ends
     * before the relay has sent its texts.
     */
    private void checkConfirmations(List<Walker> booked) throws InterruptedException {
        if (booked.isEmpty()) {
            return;
        }
        long from = System.nanoTime();
        long until = from + Duration.ofSeconds(60).toNanos();
        int step = Math.max(1, booked.size() / 200);
        int read = 0;
        int missing = 0;
        for (int i = 0; i < booked.size(); i += step) {
            read++;
            boolean found = confirmed(booked.get(i));
            while (!found && System.nanoTime() < until) {
                Thread.sleep(20);
                found = confirmed(booked.get(i));
            }
            if (!found) {
                missing++;
            }
        }
        notes.add("Confirmations in the dev inbox (through the outbox relay): " + (read - missing) + " of " + read + " booked people read"
                + (missing == 0 ? "" : "; MISSING " + missing + " 60 s after the last answer")
                + String.format(java.util.Locale.ROOT, " (read %.1f s after the last answer)", (System.nanoTime() - from) / 1e9));
        if (missing > 0) {
            problems.add(missing + " confirmation(s) missing");
        }
    }

    private void checkIntegrity() {
        Setup.Reply r = setup.call("GET", "/api/operator/integrity", null, true);
        notes.add("Integrity after the run (/api/operator/integrity): " + (r.status() == 200 ? r.body() : r.status() + " " + r.body()));
        if (r.status() != 200 || !r.json().getBoolean("clean", false)) {
            problems.add("integrity not clean or not checked");
        }
    }

    private static double cpu(ProcessCpu p) {
        return p == null ? Double.NaN : p.millis();
    }

    private static double generatorCpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e6;
    }

    private static <T> T get(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the walk failed: " + e.getCause(), e.getCause());
        }
    }

    private static void await(Future<?> f) throws InterruptedException {
        CompletableFuture<Object> c = new CompletableFuture<>();
        f.onComplete(r -> c.complete(null));
        get(c);
    }

    /** Per step: count, p50, p99, max in milliseconds. */
    static Map<Step, double[]> percentiles(StepLatencies steps) {
        Map<Step, double[]> out = new EnumMap<>(Step.class);
        for (Step s : Step.values()) {
            Histogram h = steps.of(s);
            out.put(s, new double[] {h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0});
        }
        return out;
    }
}
