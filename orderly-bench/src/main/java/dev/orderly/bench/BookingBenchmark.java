package dev.orderly.bench;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingReferences;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.CapacitySetting;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.IntegrityReport;
import dev.orderly.booking.Product;
import dev.orderly.booking.ReferenceInUseException;
import dev.orderly.server.postgres.BookingMetrics;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.PostgresBookingStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The booking benchmark: a storm of bookers against PostgreSQL, for each booking engine in the
 * same run, each on a fresh database with the same data.
 *
 * <p>200 clinics (one province, 25 districts) whose popularity follows a Zipf law (s = 1.1), 14
 * days of dose-1 capacity of 100 a clinic-day and as much for dose 2 (interval 21–28 days). Each
 * person picks a clinic by popularity and asks for the first day; on "day full" (or no dose-2
 * day) the next day, and after the last day another clinic. Every attempt carries its own
 * Idempotency-Key, as the web page sends one, so refusals are remembered too. A few searchers
 * read availability of the busiest districts at a fixed rate meanwhile.
 *
 * <p>Reported per engine: bookings per second (committed, answered "booked"), attempts per
 * second, latency of attempts (p50, p99, max), search latency. After each run it checks in the
 * database that no bucket is overbooked, every bucket's count equals its active appointments,
 * nobody holds two active appointments for a dose, and the active reservations are exactly the
 * ones answered "booked" (none lost, none extra). Synchronous commit must be on, or it refuses to
 * run.
 *
 * <p>Run: {@code java -cp "orderly-bench/target/orderly-bench.jar:orderly-bench/target/lib/*"
 * dev.orderly.bench.BookingBenchmark [--name=value ...]}; {@code --help} lists the options.
 */
public final class BookingBenchmark {

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("database-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
        DEFAULTS.put("database-user", "postgres");
        DEFAULTS.put("database-password", "");
        DEFAULTS.put("engines", "LOCK_ROWS,CONDITIONAL_UPDATE,BATCHED");
        DEFAULTS.put("clinics", "200");
        DEFAULTS.put("days", "14");
        DEFAULTS.put("capacity", "100");
        DEFAULTS.put("zipf", "1.1");
        DEFAULTS.put("people", "60000");
        DEFAULTS.put("warmup-people", "5000");
        DEFAULTS.put("bookers", "400");
        DEFAULTS.put("pool", "32");
        DEFAULTS.put("lanes", "4");
        DEFAULTS.put("max-batch", "256");
        DEFAULTS.put("search-rate", "100");
        DEFAULTS.put("seed", "20210809");
        DEFAULTS.put("keep-databases", "false");
    }

    private static final String PRODUCT = "PFZ";
    private static final int DOSE2_MIN = 21;
    private static final int DOSE2_MAX = 28;
    private static final String PROVINCE = "서울특별시";
    private static final LocalDate FIRST_DAY = LocalDate.of(2021, 8, 16);
    private static final int DISTRICTS = 25;

    private BookingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(DEFAULTS);
        for (String a : args) {
            if (a.equals("--help") || !a.startsWith("--") || !a.contains("=")) {
                System.out.println("options (--name=value), with defaults:");
                DEFAULTS.forEach((k, v) -> System.out.println("  --" + k + "=" + v));
                System.exit(a.equals("--help") ? 0 : 2);
            }
            String name = a.substring(2, a.indexOf('='));
            if (!DEFAULTS.containsKey(name)) {
                System.err.println("unknown option --" + name + "; see --help");
                System.exit(2);
            }
            o.put(name, a.substring(a.indexOf('=') + 1));
        }
        Config config = new Config(o.get("database-url"), o.get("database-user"), o.get("database-password"),
                Integer.parseInt(o.get("clinics")), Integer.parseInt(o.get("days")), Integer.parseInt(o.get("capacity")),
                Double.parseDouble(o.get("zipf")), Integer.parseInt(o.get("people")), Integer.parseInt(o.get("warmup-people")),
                Integer.parseInt(o.get("bookers")), Integer.parseInt(o.get("pool")), Integer.parseInt(o.get("lanes")),
                Integer.parseInt(o.get("max-batch")), Integer.parseInt(o.get("search-rate")), Long.parseLong(o.get("seed")),
                Boolean.parseBoolean(o.get("keep-databases")));
        List<Engine> engines = Arrays.stream(o.get("engines").split(","))
                .map(String::trim).map(Engine::valueOf).toList();

        System.out.println("# Booking benchmark");
        System.out.println();
        System.out.println("command options: " + String.join(" ", args));
        machine(config).forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.println("workload: " + config.clinics + " clinics (Zipf s=" + config.zipf + "), " + config.days + " days x "
                + config.capacity + " places (dose 1) + dose-2 days " + DOSE2_MIN + "-" + DOSE2_MAX + " later, " + config.people
                + " people, " + config.bookers + " concurrent bookers, searches " + config.searchRate + "/s");
        System.out.println();

        Vertx vertx = Vertx.vertx();
        List<Result> results = new ArrayList<>();
        try {
            for (Engine engine : engines) {
                if (config.warmupPeople > 0) {
                    run(vertx, config, engine, config.warmupPeople, "warm-up");
                }
                Result r = run(vertx, config, engine, config.people, "measured");
                results.add(r);
                System.out.println(r.line());
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        System.out.println();
        System.out.println("| engine | bookings/s | attempts/s | attempt p50 ms | attempt p99 ms | max ms | booked | attempts | requests a commit | CPU ms a booking (java + postgres) | search p50 / p99 ms | cached search p50 / p99 ms | searches | checks |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        results.forEach(r -> System.out.println(r.row()));
        Result baseline = results.stream().filter(r -> r.engine == Engine.LOCK_ROWS).findFirst().orElse(null);
        if (baseline != null) {
            System.out.println();
            results.forEach(r -> System.out.printf(Locale.ROOT, "%s: %.2fx the naive baseline (LOCK_ROWS) in bookings/s%n", r.engine,
                    r.bookingsPerSecond() / baseline.bookingsPerSecond()));
        }
        boolean ok = results.stream().allMatch(r -> r.problems.isEmpty());
        System.out.println();
        System.out.println(ok ? "all checks passed" : "CHECKS FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** The engines compared: the server's two, and the plain design that lives here ({@link ConditionalUpdateBookingStore}). */
    enum Engine {
        LOCK_ROWS, CONDITIONAL_UPDATE, BATCHED;

        Store open(Pool pool, Config config) {
            return switch (this) {
                case LOCK_ROWS -> Store.of(new PostgresBookingStore(pool, PostgresBookingStore.Engine.LOCK_ROWS, 1, 1));
                case BATCHED -> Store.of(new PostgresBookingStore(pool, PostgresBookingStore.Engine.BATCHED, config.lanes, config.maxBatch));
                case CONDITIONAL_UPDATE -> {
                    ConditionalUpdateBookingStore store = new ConditionalUpdateBookingStore(pool);
                    yield new Store(store, store.metrics(), store);
                }
            };
        }
    }

    /** A booking store under test, what its engine counts, and how to stop it. */
    record Store(BookingStore booking, BookingMetrics metrics, AutoCloseable closer) {
        static Store of(PostgresBookingStore store) {
            return new Store(store, store.metrics(), store);
        }

        void close() throws Exception {
            closer.close();
        }
    }

    record Config(String url, String user, String password, int clinics, int days, int capacity, double zipf, int people,
                  int warmupPeople, int bookers, int pool, int lanes, int maxBatch, int searchRate, long seed, boolean keep) {
    }

    record Result(Engine engine, int booked, int attempts, double seconds, long[] latencies, long[] searches,
                  List<String> problems, double meanBatch, double javaCpuMsPerBooking, double pgCpuMsPerBooking, long[] cachedSearches) {
        double bookingsPerSecond() {
            return booked / seconds;
        }

        String line() {
            return String.format(Locale.ROOT, "%-18s %8.0f bookings/s  %8.0f attempts/s  p50 %6.2f ms  p99 %7.2f ms  (%d booked, %d attempts, %.1f s, %.1f a commit, CPU a booking: java %.3f ms + postgres %.3f ms)  %s",
                    engine, bookingsPerSecond(), attempts / seconds, ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)),
                    booked, attempts, seconds, meanBatch, javaCpuMsPerBooking, pgCpuMsPerBooking, problems.isEmpty() ? "checks ok" : "PROBLEMS: " + problems);
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f | %.1f | %d | %d | %.1f | %.3f + %.3f | %.2f / %.2f | %.3f / %.3f | %d | %s |", engine,
                    bookingsPerSecond(), attempts / seconds, ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)),
                    ms(percentile(latencies, 1.0)), booked, attempts, meanBatch, javaCpuMsPerBooking, pgCpuMsPerBooking,
                    ms(percentile(searches, 0.50)), ms(percentile(searches, 0.99)),
                    ms(percentile(cachedSearches, 0.50)), ms(percentile(cachedSearches, 0.99)),
                    searches.length, problems.isEmpty() ? "ok" : String.join("; ", problems));
        }
    }

    private static Result run(Vertx vertx, Config config, Engine engine, int people, String phase) throws Exception {
        String dbName = "orderly_bench_" + engine.name().toLowerCase(Locale.ROOT) + "_" + ProcessHandle.current().pid() + "_" + phase.replace("-", "");
        String base = config.url.substring(0, config.url.lastIndexOf('/') + 1);
        try (Connection admin = DriverManager.getConnection(config.url, config.user, config.password); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + dbName);
            s.execute("CREATE DATABASE " + dbName);
        }
        Database db = Database.external(vertx, base + dbName, config.user, config.password, config.pool);
        // Searches use connections of their own, so that their CPU is measured apart from the bookings'.
        Database searchDb = Database.external(vertx, base + dbName, config.user, config.password, 4);
        Store store = engine.open(db.pool(), config);
        PostgresBookingStore searchStore = new PostgresBookingStore(searchDb.pool(), PostgresBookingStore.Engine.LOCK_ROWS, 1, 1);
        try {
            String sync = query(db, "SHOW synchronous_commit");
            if (!"on".equals(sync)) {
                throw new IllegalStateException("synchronous_commit is " + sync + ", not on: the figures would not be durable bookings");
            }
            setUp(store.booking(), config);
            return storm(store, db, searchStore, searchDb, config, engine, people);
        } finally {
            store.close();
            searchStore.close();
            db.close();
            searchDb.close();
            if (!config.keep) {
                try (Connection admin = DriverManager.getConnection(config.url, config.user, config.password);
                     Statement s = admin.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + dbName);
                }
            }
        }
    }

    private static void setUp(BookingStore store, Config config) {
        store.saveProduct(new Product(PRODUCT, "Pfizer-BioNTech", DOSE2_MIN, DOSE2_MAX));
        List<CapacitySetting> settings = new ArrayList<>();
        for (long c = 1; c <= config.clinics; c++) {
            store.saveClinic(new Clinic(c, "Clinic " + c, PROVINCE, district(c), c + " Sejong-daero", Set.of(PRODUCT)));
            for (int d = 0; d < config.days; d++) {
                settings.add(new CapacitySetting(new Bucket(c, PRODUCT, FIRST_DAY.plusDays(d), Bucket.SHARED), config.capacity));
            }
            for (int d = DOSE2_MIN; d < config.days + DOSE2_MAX; d++) {
                settings.add(new CapacitySetting(new Bucket(c, PRODUCT, FIRST_DAY.plusDays(d), Bucket.SHARED), config.capacity));
            }
        }
        store.setCapacity(settings);
    }

    private static String district(long clinic) {
        return "District " + (char) ('A' + (clinic - 1) % DISTRICTS);
    }

    private static Result storm(Store store, Database db, PostgresBookingStore searchStore, Database searchDb, Config config,
                                Engine engine, int people) throws Exception {
        double[] cdf = zipf(config.clinics, config.zipf);
        AtomicInteger nextPerson = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        Map<Long, String> booked = new ConcurrentHashMap<>();
        List<long[]> latencyParts = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stormOn = new AtomicBoolean(true);
        List<Long> searchLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> cachedLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        dev.orderly.booking.AvailabilityCache cache = new dev.orderly.booking.AvailabilityCache(searchStore, java.time.Clock.systemUTC(),
                java.time.Duration.ofSeconds(1), 10_000);
        Instant now = Instant.parse("2021-08-09T11:00:00Z");
        BookingReferences references = new BookingReferences(new SplittableRandom(config.seed ^ engine.ordinal()));
        Object referenceLock = new Object();
        // What the bookers' searches show: days answered "day full" are not asked for again.
        Set<Long> full = ConcurrentHashMap.newKeySet();

        try (ExecutorService bookers = Executors.newVirtualThreadPerTaskExecutor()) {
            Thread searcher = Thread.ofVirtual().start(() -> {
                long interval = config.searchRate <= 0 ? Long.MAX_VALUE : 1_000_000_000L / config.searchRate;
                long next = System.nanoTime();
                SplittableRandom random = new SplittableRandom(config.seed + 7);
                while (stormOn.get() && config.searchRate > 0) {
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                    next += interval;
                    long clinic = pick(cdf, random);
                    long t0 = System.nanoTime();
                    searchStore.search(PROVINCE, district(clinic), FIRST_DAY, config.days);
                    searchLatencies.add(System.nanoTime() - t0);
                    // The same search through a 1-second cache, as the HTTP API answers it.
                    long t1 = System.nanoTime();
                    cache.search(PROVINCE, district(pick(cdf, random)), FIRST_DAY, config.days, Bucket.EVERY_GROUP);
                    cachedLatencies.add(System.nanoTime() - t1);
                }
            });
            Map<Integer, Long> backendsBefore = backendCpu(db, false);
            BookingMetrics.Snapshot engineBefore = store.metrics().snapshot();
            long javaBefore = javaCpu();
            long started = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int b = 0; b < config.bookers; b++) {
                int booker = b;
                running.add(bookers.submit(() -> {
                    SplittableRandom random = new SplittableRandom(config.seed * 31 + booker);
                    long[] mine = new long[1024];
                    int n = 0;
                    for (int p = nextPerson.getAndIncrement(); p < people; p = nextPerson.getAndIncrement()) {
                        long person = p + 1;
                        long clinic = pick(cdf, random);
                        for (int attempt = 0; attempt < 500; attempt++) {
                            int day = firstOpenDay(full, clinic, config.days);
                            if (day < 0) {
                                clinic = attempt < 20 ? pick(cdf, random) : 1 + random.nextInt(config.clinics);
                                continue;
                            }
                            BookingRequest request = new BookingRequest(person, clinic, FIRST_DAY.plusDays(day), PRODUCT);
                            String reference;
                            synchronized (referenceLock) {
                                reference = references.next();
                            }
                            long t0 = System.nanoTime();
                            BookingOutcome outcome;
                            try {
                                outcome = store.booking().book(request, "p" + person + "-" + attempt, reference, now);
                            } catch (ReferenceInUseException e) {
                                continue;
                            }
                            long t = System.nanoTime() - t0;
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = t;
                            attempts.incrementAndGet();
                            if (outcome instanceof BookingOutcome.Booked ok) {
                                if (booked.put(person, ok.reservation().reference()) != null) {
                                    throw new IllegalStateException("person " + person + " was answered 'booked' twice");
                                }
                                break;
                            }
                            if (!(outcome instanceof BookingOutcome.DayFull || outcome instanceof BookingOutcome.NoSecondDoseDay)) {
                                throw new IllegalStateException("unexpected answer " + outcome + " to " + request);
                            }
                            full.add(clinic * 1000 + day);
                        }
                    }
                    latencyParts.add(Arrays.copyOf(mine, n));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long javaCpu = javaCpu() - javaBefore;
            Map<Integer, Long> backendsAfter = backendCpu(db, false);
            Map<Integer, Long> searchBackends = backendCpu(db, true);
            long pgCpu = backendsAfter.entrySet().stream().filter(e -> !searchBackends.containsKey(e.getKey()))
                    .mapToLong(e -> e.getValue() - backendsBefore.getOrDefault(e.getKey(), 0L)).sum();
            stormOn.set(false);
            searcher.join();

            List<String> problems = new ArrayList<>();
            IntegrityReport integrity = store.booking().checkIntegrity();
            problems.addAll(integrity.overbooked().stream().map(d -> "overbooked " + d).toList());
            problems.addAll(integrity.doubleBooked());
            problems.addAll(integrity.countMismatches());
            Map<Long, String> active = new HashMap<>();
            try (Connection c = db.jdbc(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT person_id, reference FROM reservations WHERE status = 'ACTIVE' AND dose = 1")) {
                while (rs.next()) {
                    active.put(rs.getLong(1), rs.getString(2));
                }
            }
            if (!active.equals(booked)) {
                long lost = booked.entrySet().stream().filter(e -> !e.getValue().equals(active.get(e.getKey()))).count();
                long extra = active.entrySet().stream().filter(e -> !e.getValue().equals(booked.get(e.getKey()))).count();
                problems.add(lost + " bookings answered 'booked' are not active, " + extra + " active reservations were never answered 'booked'");
            }
            long[] latencies = latencyParts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            long[] searches = searchLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] cached = cachedLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
            BookingMetrics.Snapshot work = store.metrics().snapshot().since(engineBefore);
            Map<BookingMetrics.Phase, Long> phaseMillis = new java.util.EnumMap<>(BookingMetrics.Phase.class);
            work.phaseNanos().forEach((phase, nanos) -> phaseMillis.put(phase, nanos / 1_000_000));
            System.out.println("  " + engine + " " + people + " people: time in booking transactions by phase, ms summed over threads: "
                    + phaseMillis + "; transactions run again: " + work.reruns());
            return new Result(engine, booked.size(), attempts.get(), seconds, latencies, searches, problems,
                    work.meanBatch(), javaCpu / 1e6 / booked.size(), pgCpu / 1e6 / booked.size(), cached);
        }
    }

    /** CPU time (ns) of this JVM. */
    private static long javaCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time (ns) used so far by each PostgreSQL backend serving the benchmark's database (Linux
     * /proc): those whose last statement was a search when {@code searches}, the others otherwise.
     */
    private static Map<Integer, Long> backendCpu(Database db, boolean searches) throws SQLException {
        Map<Integer, Long> cpu = new HashMap<>();
        String name = db.jdbcUrl().substring(db.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection c = db.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + name + "' AND pid <> pg_backend_pid()"
                     + " AND (query LIKE '%LEFT JOIN day_capacity%') = " + searches)) {
            while (rs.next()) {
                int pid = rs.getInt(1);
                try {
                    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // utime and stime, fields 14 and 15 of stat, in clock ticks (100 a second on Linux)
                    cpu.put(pid, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L);
                } catch (java.io.IOException | RuntimeException e) {
                    // the backend is gone, or PostgreSQL runs elsewhere: its share is not counted
                }
            }
        }
        return cpu;
    }

    private static int firstOpenDay(Set<Long> full, long clinic, int days) {
        for (int d = 0; d < days; d++) {
            if (!full.contains(clinic * 1000 + d)) {
                return d;
            }
        }
        return -1;
    }

    private static double[] zipf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** A clinic id 1..n, clinic k with probability proportional to 1/k^s. */
    private static long pick(double[] cdf, SplittableRandom random) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return (i >= 0 ? i : -i - 1) + 1L;
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String query(Database db, String sql) throws SQLException {
        try (Connection c = db.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<String, String> machine(Config config) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        String cpu = "unknown";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        }
        m.put("machine", Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + ManagementFactory.getOperatingSystemMXBean().getName() + " " + System.getProperty("os.version") + ", "
                + (((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() >> 30) + " GiB");
        m.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        try (Connection c = DriverManager.getConnection(config.url, config.user, config.password); Statement s = c.createStatement()) {
            for (String[] q : new String[][] {{"postgresql", "SELECT version()"}, {"synchronous_commit", "SHOW synchronous_commit"},
                {"fsync", "SHOW fsync"}, {"wal_sync_method", "SHOW wal_sync_method"}, {"shared_buffers", "SHOW shared_buffers"},
                {"max_connections", "SHOW max_connections"}}) {
                try (ResultSet rs = s.executeQuery(q[1])) {
                    rs.next();
                    m.put(q[0], rs.getString(1));
                }
            }
        }
        m.put("postgresql host", config.url.replaceFirst("jdbc:postgresql://", "").replaceFirst("/.*", "") + " (same machine)");
        m.put("engine settings", "pool " + config.pool + " connections, BATCHED: " + config.lanes + " lanes, at most " + config.maxBatch
                + " bookings a commit");
        return m;
    }
}
