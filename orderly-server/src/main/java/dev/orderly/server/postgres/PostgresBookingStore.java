package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.CapacitySetting;
import dev.orderly.booking.ChangeOutcome;
import dev.orderly.booking.ChangeRequest;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.ClinicBuckets;
import dev.orderly.booking.IntegrityReport;
import dev.orderly.booking.Product;
import dev.orderly.booking.Region;
import dev.orderly.booking.Remembered;
import dev.orderly.booking.Reservation;
import dev.orderly.booking.StoreAnswer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Booking on PostgreSQL, by one of two engines ({@link Engine}), both passing the same contract.
 * Every booking, change and cancellation is decided by {@code BookingRules} on rows read into
 * memory: locked, or in an optimistic batch read from the snapshot and checked again as they are
 * written. The plain design the benchmark compares them with — conditional updates of the
 * capacity rows, deciding a booking in SQL — is not production code and lives beside the
 * benchmark, in {@code orderly-bench} ({@code ConditionalUpdateBookingStore}).
 *
 * <p>Design note. The tables hold the invariants whatever the code does: {@code 0 <= booked <=
 * capacity} per bucket (CHECK), one active appointment per person and dose (partial unique
 * index), one remembered answer per person and key (primary key). The engines differ in how they
 * get there under contention; see {@link BookingTransaction} (lock rows, decide, write) and
 * {@link BookingLanes} (serialise per clinic in memory, commit many bookings at once). Every
 * answer is given after COMMIT. Changes and cancellations always run as their own locking
 * transaction; only booking is batched.
 */
public final class PostgresBookingStore implements BookingStore, AutoCloseable {

    /** How bookings reach the database. */
    public enum Engine {
        /**
         * One transaction per booking: SELECT ... FOR UPDATE on the capacity rows, decide, write. The transaction
         * changes and cancellations always run; for bookings, the naive baseline ({@code ORDERLY_BOOKING_LANES=0}).
         */
        LOCK_ROWS,
        /** Bookings serialised per clinic in lanes and committed in batches ({@link BookingLanes}). The default. */
        BATCHED
    }

    private final Pool pool;
    private final Engine engine;
    private final BookingTransaction transaction;
    private final BookingLanes lanes;
    private final BookingMetrics metrics;
    /** Each step of a verified person reads their reservation: those that come together go in one statement. */
    private final BatchedReads<Long, Reservation> activeReads = new BatchedReads<>(this::activeAmong, 256);

    /** The default engine: {@link Engine#BATCHED} with 4 lanes of at most 256 bookings a commit. */
    public PostgresBookingStore(Pool pool) {
        this(pool, Engine.BATCHED, 4, 256);
    }

    /**
     * @param lanes    for {@link Engine#BATCHED}: lanes (each holds one connection while it commits); at least 1
     * @param maxBatch for {@link Engine#BATCHED}: most bookings committed together; at least 1
     */
    public PostgresBookingStore(Pool pool, Engine engine, int lanes, int maxBatch) {
        this(pool, engine, lanes, maxBatch, new BookingMetrics());
    }

    /** @param metrics where this store counts its engine's work */
    public PostgresBookingStore(Pool pool, Engine engine, int lanes, int maxBatch, BookingMetrics metrics) {
        this.pool = pool;
        this.engine = engine;
        this.metrics = metrics;
        this.transaction = new BookingTransaction(pool, metrics);
        this.lanes = engine == Engine.BATCHED
                ? new BookingLanes(transaction, metrics, lanes, maxBatch, b -> Long.hashCode(b.request().clinicId()))
                : null;
    }

    public Engine engine() {
        return engine;
    }

    /** What this store's engine has done: time per phase, transactions run again, batches. */
    public BookingMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (lanes != null) {
            lanes.close();
        }
    }

    // ------------------------------------------------------------------ catalogue and capacity

    @Override
    public void saveProduct(Product p) {
        await(pool.preparedQuery("""
                INSERT INTO products (code, name, dose2_min_days, dose2_max_days, name_en) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (code) DO UPDATE SET name = $2, dose2_min_days = $3, dose2_max_days = $4, name_en = $5""")
                .execute(Tuple.of(p.code(), p.name(), p.dose2MinDays(), p.dose2MaxDays(), p.nameEn())));
    }

    @Override
    public void saveClinic(Clinic c) {
        String[] products = c.products().toArray(String[]::new);
        inTransaction(conn -> {
            RowSet<Row> held = await(conn.preparedQuery("""
                    SELECT product FROM day_capacity WHERE clinic_id = $1 AND NOT (product = ANY($2)) AND booked > 0 LIMIT 1""")
                    .execute(Tuple.tuple().addLong(c.id()).addArrayOfString(products)));
            if (held.size() > 0) {
                throw new IllegalStateException("clinic " + c.id() + " has places booked for " + held.iterator().next().getString(0)
                        + "; it cannot stop offering it");
            }
            await(conn.preparedQuery("""
                    INSERT INTO clinics (id, name, province, district, address, name_en, province_en, district_en, phone)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (id) DO UPDATE SET name = $2, province = $3, district = $4, address = $5, name_en = $6,
                        province_en = $7, district_en = $8, phone = $9""")
                    .execute(Tuple.tuple().addLong(c.id()).addString(c.name()).addString(c.province()).addString(c.district())
                            .addString(c.address()).addString(c.nameEn()).addString(c.provinceEn()).addString(c.districtEn())
                            .addString(c.phone())));
            await(conn.preparedQuery("DELETE FROM clinic_products WHERE clinic_id = $1 AND NOT (product = ANY($2))")
                    .execute(Tuple.tuple().addLong(c.id()).addArrayOfString(products)));
            await(conn.preparedQuery("""
                    INSERT INTO clinic_products (clinic_id, product) SELECT $1, unnest($2::text[])
                    ON CONFLICT DO NOTHING""").execute(Tuple.tuple().addLong(c.id()).addArrayOfString(products)));
            return null;
        });
    }

    @Override
    public void setCapacity(List<CapacitySetting> settings) {
        for (CapacitySetting s : settings) {
            if (s.capacity() < 0) {
                throw new IllegalArgumentException("capacity must not be negative, was " + s.capacity());
            }
        }
        if (settings.isEmpty()) {
            return;
        }
        inTransaction(conn -> {
            RowSet<Row> notOffered = await(conn.preparedQuery("""
                    SELECT q.clinic_id, q.product FROM unnest($1::bigint[], $2::text[]) AS q(clinic_id, product)
                    WHERE NOT EXISTS (SELECT 1 FROM clinic_products cp WHERE cp.clinic_id = q.clinic_id AND cp.product = q.product)
                    LIMIT 1""").execute(Tuple.tuple()
                    .addArrayOfLong(settings.stream().map(s -> s.bucket().clinicId()).toArray(Long[]::new))
                    .addArrayOfString(settings.stream().map(s -> s.bucket().product()).toArray(String[]::new))));
            if (notOffered.size() > 0) {
                Row r = notOffered.iterator().next();
                throw new IllegalArgumentException("clinic " + r.getLong(0) + " does not offer " + r.getString(1));
            }
            RowSet<Row> set = await(conn.preparedQuery("""
                    INSERT INTO day_capacity (clinic_id, product, day, grp, capacity)
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::smallint[], $5::int[])
                    ON CONFLICT (clinic_id, product, day, grp) DO UPDATE SET capacity = excluded.capacity
                    WHERE day_capacity.booked <= excluded.capacity
                    RETURNING clinic_id, product, day, grp""").execute(Tuple.tuple()
                    .addArrayOfLong(settings.stream().map(s -> s.bucket().clinicId()).toArray(Long[]::new))
                    .addArrayOfString(settings.stream().map(s -> s.bucket().product()).toArray(String[]::new))
                    .addArrayOfLocalDate(settings.stream().map(s -> s.bucket().day()).toArray(LocalDate[]::new))
                    .addArrayOfShort(settings.stream().map(s -> (short) s.bucket().group()).toArray(Short[]::new))
                    .addArrayOfInteger(settings.stream().map(CapacitySetting::capacity).toArray(Integer[]::new))));
            Set<Bucket> done = new HashSet<>();
            set.forEach(r -> done.add(bucket(r)));
            for (CapacitySetting s : settings) {
                if (!done.contains(s.bucket())) {
                    Bucket b = s.bucket();
                    throw new IllegalStateException("clinic " + b.clinicId() + " " + b.product() + " on " + b.day()
                            + (b.group() == Bucket.SHARED ? "" : " (group " + b.group() + ")")
                            + " has more places booked than the new capacity " + s.capacity());
                }
            }
            return null;
        });
    }

    @Override
    public List<BucketCapacity> capacity(long clinicId, LocalDate from, int days) {
        List<BucketCapacity> result = new ArrayList<>();
        await(pool.preparedQuery("""
                SELECT product, day, grp, capacity, booked FROM day_capacity
                WHERE clinic_id = $1 AND day >= $2 AND day < $3 ORDER BY day, product, grp""")
                .execute(Tuple.of(clinicId, from, from.plusDays(days))))
                .forEach(r -> result.add(new BucketCapacity(new Bucket(clinicId, r.getString(0), r.getLocalDate(1), r.getShort(2)),
                        r.getInteger(3), r.getInteger(4))));
        return result;
    }

    @Override
    public List<Product> products() {
        List<Product> result = new ArrayList<>();
        await(pool.query("SELECT code, name, dose2_min_days, dose2_max_days, name_en FROM products ORDER BY code").execute())
                .forEach(r -> result.add(new Product(r.getString(0), r.getString(1), r.getInteger(2), r.getInteger(3), r.getString(4))));
        return result;
    }

    @Override
    public Optional<Clinic> clinic(long clinicId) {
        RowSet<Row> rows = await(pool.preparedQuery("""
                SELECT c.id, c.name, c.province, c.district, c.address,
                       coalesce(array_agg(cp.product) FILTER (WHERE cp.product IS NOT NULL), '{}'),
                       c.name_en, c.province_en, c.district_en, c.phone
                FROM clinics c LEFT JOIN clinic_products cp ON cp.clinic_id = c.id
                WHERE c.id = $1 GROUP BY c.id""").execute(Tuple.of(clinicId)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(clinicOf(rows.iterator().next()));
    }

    private static Clinic clinicOf(Row r) {
        return new Clinic(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                new HashSet<>(Arrays.asList(r.getArrayOfStrings(5))), r.getString(6), r.getString(7), r.getString(8), r.getString(9));
    }

    @Override
    public List<Region> regions() {
        Map<String, TreeSet<String>> byProvince = new TreeMap<>();
        Map<String, String> provinceEn = new java.util.HashMap<>();
        Map<String, Map<String, String>> districtEn = new java.util.HashMap<>();
        await(pool.query("SELECT province, district, max(province_en), max(district_en) FROM clinics GROUP BY province, district").execute())
                .forEach(r -> {
                    byProvince.computeIfAbsent(r.getString(0), p -> new TreeSet<>()).add(r.getString(1));
                    if (!r.getString(2).isEmpty()) {
                        provinceEn.putIfAbsent(r.getString(0), r.getString(2));
                    }
                    if (!r.getString(3).isEmpty()) {
                        districtEn.computeIfAbsent(r.getString(0), p -> new TreeMap<>()).put(r.getString(1), r.getString(3));
                    }
                });
        return byProvince.entrySet().stream().map(e -> new Region(e.getKey(), List.copyOf(e.getValue()),
                provinceEn.getOrDefault(e.getKey(), ""), districtEn.getOrDefault(e.getKey(), Map.of()))).toList();
    }

    private static final String SEARCH_DISTRICT = """
            SELECT c.id, c.name, c.province, c.district, c.address, cp.products,
                   c.name_en, c.province_en, c.district_en, c.phone,
                   d.days, d.day_products, d.groups, d.capacities, d.booked
            FROM clinics c
            CROSS JOIN LATERAL (SELECT coalesce(array_agg(product), '{}') AS products
                            FROM clinic_products WHERE clinic_id = c.id) cp
            CROSS JOIN LATERAL (SELECT array_agg(dc.day ORDER BY dc.day, dc.product, dc.grp) AS days,
                                   array_agg(dc.product ORDER BY dc.day, dc.product, dc.grp) AS day_products,
                                   array_agg(dc.grp ORDER BY dc.day, dc.product, dc.grp) AS groups,
                                   array_agg(dc.capacity ORDER BY dc.day, dc.product, dc.grp) AS capacities,
                                   array_agg(dc.booked ORDER BY dc.day, dc.product, dc.grp) AS booked
                            FROM day_capacity dc
                            WHERE dc.clinic_id = c.id AND dc.product = ANY (cp.products)
                              AND dc.day >= $3 AND dc.day < $4) d
            WHERE c.province = $1 AND c.district = $2
            ORDER BY c.name, c.id""";
    private static final String SEARCH_PROVINCE = SEARCH_DISTRICT.replace("c.district = $2", "$2::text IS NULL");

    @Override
    public List<ClinicBuckets> searchBuckets(String province, String district, LocalDate from, int days) {
        // MVCC: this read never waits for the row locks bookings hold; it sees the last committed counts.
        // Each clinic drives a lookup on day_capacity's key prefix (clinic, product = its products, day
        // range): joined on clinic and day alone, the scan skipped over the product column and read
        // about nine times the pages (issue #17: the search was 46 % of PostgreSQL's time in the walk;
        // EXPLAIN in docs/benchmarks.md).
        // One statement per shape: with "$2 IS NULL OR district = $2" the cached generic plan reads
        // every clinic of the province. One row per clinic, its buckets as arrays: a row per clinic-day
        // repeated the clinic's ten columns some 40 times (720 rows for a district of 19 clinics),
        // which PostgreSQL sent and this node decoded on every search.
        RowSet<Row> rows = await(pool.preparedQuery(district == null ? SEARCH_PROVINCE : SEARCH_DISTRICT)
                .execute(Tuple.of(province, district, from, from.plusDays(days))));
        List<ClinicBuckets> found = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Clinic clinic = clinicOf(r);
            found.add(new ClinicBuckets(clinic, bucketsOf(clinic.id(), r)));
        }
        return found;
    }

    /** A clinic's buckets as the search aggregates them: five arrays in step, null when it has none in the range. */
    private static List<BucketCapacity> bucketsOf(long clinicId, Row r) {
        LocalDate[] days = r.getArrayOfLocalDates(10);
        if (days == null) {
            return List.of();
        }
        String[] products = r.getArrayOfStrings(11);
        Short[] groups = r.getArrayOfShorts(12);
        Integer[] capacities = r.getArrayOfIntegers(13);
        Integer[] booked = r.getArrayOfIntegers(14);
        List<BucketCapacity> list = new ArrayList<>(days.length);
        for (int i = 0; i < days.length; i++) {
            list.add(new BucketCapacity(new Bucket(clinicId, products[i], days[i], groups[i]), capacities[i], booked[i]));
        }
        return list;
    }

    // ------------------------------------------------------------------ booking, changing, cancelling

    @Override
    public BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant at) {
        // PostgreSQL keeps microseconds; answer with what a retry will read back.
        BookingCommand.Book command = new BookingCommand.Book(request, idempotencyKey, reference, at.truncatedTo(ChronoUnit.MICROS));
        return (BookingOutcome) switch (engine) {
            case BATCHED -> lanes.submit(command);
            case LOCK_ROWS -> single(command);
        };
    }

    @Override
    public ChangeOutcome change(ChangeRequest request, String idempotencyKey, Instant at) {
        return (ChangeOutcome) single(new BookingCommand.Change(request, idempotencyKey, at.truncatedTo(ChronoUnit.MICROS)));
    }

    @Override
    public CancelOutcome cancel(long personId, String idempotencyKey, Instant at) {
        return (CancelOutcome) single(new BookingCommand.Cancel(personId, idempotencyKey, at.truncatedTo(ChronoUnit.MICROS)));
    }

    /**
     * Books {@code request} as {@link #book} does, in a locking transaction of its own, with
     * {@code guard}'s say in that same transaction (a standby claim marks its offer claimed there).
     */
    BookingOutcome bookGuarded(BookingRequest request, String idempotencyKey, String reference, Instant at, BookingTransaction.Guard guard) {
        BookingCommand.Book command = new BookingCommand.Book(request, idempotencyKey, reference, at.truncatedTo(ChronoUnit.MICROS));
        return (BookingOutcome) transaction.runGuarded(command, guard).answerOrThrow();
    }

    private StoreAnswer single(BookingCommand command) {
        return transaction.run(List.of(command)).getFirst().answerOrThrow();
    }

    @Override
    public Optional<Reservation> active(long personId) {
        return Optional.ofNullable(activeReads.get(personId));
    }

    private Future<Map<Long, Reservation>> activeAmong(List<Long> personIds) {
        Future<RowSet<Row>> rows = pool.preparedQuery("""
                SELECT r1.reference, r1.person_id, r1.clinic_id, c.name, r1.product, r1.day, r2.day, r1.created_at, r1.changed_at
                FROM reservations r1 JOIN reservations r2 ON r2.reference = r1.reference AND r2.dose = 2
                JOIN clinics c ON c.id = r1.clinic_id
                WHERE r1.person_id = ANY($1) AND r1.dose = 1 AND r1.status = 'ACTIVE'""")
                .execute(Tuple.of((Object) personIds.toArray(Long[]::new)));
        return BatchedReads.byKey(rows, r -> r.getLong(1), r -> new Reservation(r.getString(0), r.getLong(1), r.getLong(2),
                r.getString(3), r.getString(4), r.getLocalDate(5), r.getLocalDate(6), r.getOffsetDateTime(7).toInstant(),
                r.getOffsetDateTime(8).toInstant()));
    }

    @Override
    public Optional<Remembered> remembered(long personId, String idempotencyKey) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT fingerprint, answer FROM request_keys WHERE person_id = $1 AND key = $2")
                .execute(Tuple.of(personId, idempotencyKey)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Remembered(r.getString(0), AnswerCodec.decode(r.getString(1))));
    }

    // ------------------------------------------------------------------ plumbing and checks

    private <T> T inTransaction(Function<SqlConnection, T> work) {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            T result;
            try {
                result = work.apply(conn);
            } catch (RuntimeException e) {
                await(tx.rollback());
                throw e;
            }
            await(tx.commit());
            return result;
        } finally {
            conn.close();
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public IntegrityReport checkIntegrity() {
        List<String> overbooked = new ArrayList<>();
        await(pool.query("SELECT clinic_id, product, day, grp, booked, capacity FROM day_capacity WHERE booked > capacity").execute())
                .forEach(r -> overbooked.add(IntegrityReport.overbookedBucket(bucket(r), r.getInteger(4), r.getInteger(5))));
        List<String> mismatches = new ArrayList<>();
        await(pool.query("""
                SELECT coalesce(dc.clinic_id, a.clinic_id), coalesce(dc.product, a.product), coalesce(dc.day, a.day),
                       coalesce(dc.grp, a.grp), coalesce(dc.booked, 0), coalesce(a.n, 0)
                FROM day_capacity dc
                FULL JOIN (SELECT clinic_id, product, day, grp, count(*)::int AS n FROM reservations WHERE status = 'ACTIVE'
                           GROUP BY clinic_id, product, day, grp) a
                  ON a.clinic_id = dc.clinic_id AND a.product = dc.product AND a.day = dc.day AND a.grp = dc.grp
                WHERE coalesce(dc.booked, 0) <> coalesce(a.n, 0)""").execute())
                .forEach(r -> mismatches.add(IntegrityReport.countMismatch(bucket(r), r.getInteger(4), r.getInteger(5))));
        List<String> doubleBooked = new ArrayList<>();
        await(pool.query("""
                SELECT person_id, dose, count(*) FROM reservations WHERE status = 'ACTIVE' GROUP BY person_id, dose HAVING count(*) > 1""")
                .execute())
                .forEach(r -> doubleBooked.add("person " + r.getLong(0) + " holds " + r.getLong(2) + " active appointments for dose "
                        + r.getShort(1)));
        return new IntegrityReport(overbooked, doubleBooked, mismatches);
    }

    private static Bucket bucket(Row r) {
        return new Bucket(r.getLong(0), r.getString(1), r.getLocalDate(2), r.getShort(3));
    }
}
