package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.ClinicAvailability;
import dev.orderly.booking.DayAvailability;
import dev.orderly.booking.Product;
import dev.orderly.booking.Region;
import dev.orderly.booking.Reservation;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Booking on PostgreSQL.
 *
 * <p>One booking is one short transaction: conditional {@code UPDATE ... WHERE booked < capacity}
 * on the dose-1 day, then on the first dose-2 day with room, then the reservation insert. Rows of
 * one clinic and product are always locked in ascending day order (dose 2 is later than dose 1),
 * so two bookings can wait on each other but never deadlock. The table's CHECK
 * {@code booked <= capacity} and the partial unique index on active reservations hold the
 * invariants even against a faulty query. The answer is given after COMMIT, so a "booked" answer
 * is durable.
 */
public final class PostgresBookingStore implements BookingStore {

    private static final String ONE_ACTIVE = "reservations_one_active_per_person";
    private static final String ONE_PER_KEY = "reservations_by_idempotency_key";

    private final Pool pool;

    public PostgresBookingStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public void saveProduct(Product p) {
        await(pool.preparedQuery("""
                INSERT INTO products (code, name, dose2_min_days, dose2_max_days) VALUES ($1, $2, $3, $4)
                ON CONFLICT (code) DO UPDATE SET name = $2, dose2_min_days = $3, dose2_max_days = $4""")
                .execute(Tuple.of(p.code(), p.name(), p.dose2MinDays(), p.dose2MaxDays())));
    }

    @Override
    public void saveClinic(Clinic c) {
        await(pool.withTransaction(conn -> conn.preparedQuery("""
                        INSERT INTO clinics (id, name, province, district, address) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (id) DO UPDATE SET name = $2, province = $3, district = $4, address = $5""")
                .execute(Tuple.of(c.id(), c.name(), c.province(), c.district(), c.address()))
                .compose(x -> conn.preparedQuery("DELETE FROM clinic_products WHERE clinic_id = $1 AND NOT (product = ANY($2))")
                        .execute(Tuple.tuple().addLong(c.id()).addArrayOfString(c.products().toArray(String[]::new))))
                .compose(x -> conn.preparedQuery("""
                                INSERT INTO clinic_products (clinic_id, product) SELECT $1, unnest($2::text[])
                                ON CONFLICT DO NOTHING""")
                        .execute(Tuple.tuple().addLong(c.id()).addArrayOfString(c.products().toArray(String[]::new))))));
    }

    @Override
    public void setCapacity(long clinicId, LocalDate day, String product, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, was " + capacity);
        }
        RowSet<Row> rows = await(pool.preparedQuery("""
                INSERT INTO day_capacity (clinic_id, product, day, capacity) VALUES ($1, $2, $3, $4)
                ON CONFLICT (clinic_id, product, day) DO UPDATE SET capacity = $4 WHERE day_capacity.booked <= $4
                RETURNING capacity""").execute(Tuple.of(clinicId, product, day, capacity)));
        if (rows.rowCount() == 0) {
            throw new IllegalStateException("clinic " + clinicId + " " + product + " on " + day
                    + " has more places booked than the new capacity " + capacity);
        }
    }

    @Override
    public List<Product> products() {
        List<Product> result = new ArrayList<>();
        await(pool.query("SELECT code, name, dose2_min_days, dose2_max_days FROM products ORDER BY code").execute())
                .forEach(r -> result.add(new Product(r.getString(0), r.getString(1), r.getInteger(2), r.getInteger(3))));
        return result;
    }

    @Override
    public Optional<Clinic> clinic(long clinicId) {
        RowSet<Row> rows = await(pool.preparedQuery("""
                SELECT c.id, c.name, c.province, c.district, c.address,
                       coalesce(array_agg(cp.product) FILTER (WHERE cp.product IS NOT NULL), '{}')
                FROM clinics c LEFT JOIN clinic_products cp ON cp.clinic_id = c.id
                WHERE c.id = $1 GROUP BY c.id""").execute(Tuple.of(clinicId)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(clinicOf(rows.iterator().next()));
    }

    private static Clinic clinicOf(Row r) {
        return new Clinic(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                new HashSet<>(Arrays.asList(r.getArrayOfStrings(5))));
    }

    @Override
    public List<Region> regions() {
        Map<String, TreeSet<String>> byProvince = new TreeMap<>();
        await(pool.query("SELECT DISTINCT province, district FROM clinics").execute())
                .forEach(r -> byProvince.computeIfAbsent(r.getString(0), p -> new TreeSet<>()).add(r.getString(1)));
        return byProvince.entrySet().stream().map(e -> new Region(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    @Override
    public List<ClinicAvailability> search(String province, String district, LocalDate from, int days) {
        RowSet<Row> rows = await(pool.preparedQuery("""
                SELECT c.id, c.name, c.province, c.district, c.address,
                       (SELECT coalesce(array_agg(product), '{}') FROM clinic_products WHERE clinic_id = c.id),
                       dc.day, dc.product, dc.capacity, dc.booked
                FROM clinics c
                LEFT JOIN day_capacity dc ON dc.clinic_id = c.id AND dc.day >= $3 AND dc.day < $4
                WHERE c.province = $1 AND ($2::text IS NULL OR c.district = $2)
                ORDER BY c.name, c.id, dc.day, dc.product""")
                .execute(Tuple.of(province, district, from, from.plusDays(days))));
        Map<Long, Clinic> clinics = new LinkedHashMap<>();
        Map<Long, List<DayAvailability>> daysOf = new LinkedHashMap<>();
        for (Row r : rows) {
            Clinic c = clinics.computeIfAbsent(r.getLong(0), id -> clinicOf(r));
            List<DayAvailability> list = daysOf.computeIfAbsent(c.id(), id -> new ArrayList<>());
            if (r.getLocalDate(6) != null) {
                int capacity = r.getInteger(8);
                list.add(new DayAvailability(r.getLocalDate(6), r.getString(7), capacity, Math.max(0, capacity - r.getInteger(9))));
            }
        }
        return clinics.values().stream().map(c -> new ClinicAvailability(c, daysOf.get(c.id()))).toList();
    }

    @Override
    public BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant at) {
        // PostgreSQL keeps microseconds; answer with what a retry will read back.
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        try {
            return inTransaction(conn -> bookIn(conn, request, idempotencyKey, reference, now));
        } catch (RuntimeException e) {
            if (Blocking.isUniqueViolation(e, ONE_ACTIVE) || Blocking.isUniqueViolation(e, ONE_PER_KEY)) {
                // A concurrent request of the same person won; answer as if we had come second.
                return inTransaction(conn -> answerForExisting(conn, request, idempotencyKey))
                        .orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private Optional<BookingOutcome> answerForExisting(SqlConnection conn, BookingRequest request, String key) {
        if (key != null) {
            Optional<BookingOutcome> remembered = remembered(conn, request, key);
            if (remembered.isPresent()) {
                return remembered;
            }
        }
        return activeIn(conn, request.personId()).map(BookingOutcome.AlreadyBooked::new);
    }

    private Optional<BookingOutcome> remembered(SqlConnection conn, BookingRequest request, String key) {
        RowSet<Row> rows = await(conn.preparedQuery(SELECT_RESERVATION + " WHERE r.person_id = $1 AND r.idempotency_key = $2")
                .execute(Tuple.of(request.personId(), key)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        return Optional.of(fingerprint(request).equals(row.getString("request_fingerprint"))
                ? new BookingOutcome.Booked(reservationOf(row))
                : new BookingOutcome.KeyReused(key));
    }

    private BookingOutcome bookIn(SqlConnection conn, BookingRequest request, String key, String reference, Instant now) {
        if (key != null) {
            Optional<BookingOutcome> remembered = remembered(conn, request, key);
            if (remembered.isPresent()) {
                return remembered.get();
            }
        }
        Optional<Reservation> existing = activeIn(conn, request.personId());
        if (existing.isPresent()) {
            // It may be this very request, committed by a concurrent retry after our first look.
            return answerForExisting(conn, request, key).orElse(new BookingOutcome.AlreadyBooked(existing.get()));
        }
        RowSet<Row> offer = await(conn.preparedQuery("""
                SELECT c.name, p.dose2_min_days, p.dose2_max_days
                FROM clinic_products cp JOIN clinics c ON c.id = cp.clinic_id JOIN products p ON p.code = cp.product
                WHERE cp.clinic_id = $1 AND cp.product = $2""").execute(Tuple.of(request.clinicId(), request.product())));
        if (offer.size() == 0) {
            return new BookingOutcome.NotOffered(request.clinicId(), request.product());
        }
        Row o = offer.iterator().next();
        String clinicName = o.getString(0);
        LocalDate dose2From = request.day().plusDays(o.getInteger(1));
        LocalDate dose2To = request.day().plusDays(o.getInteger(2));

        RowSet<Row> dose1 = await(conn.preparedQuery("""
                UPDATE day_capacity SET booked = booked + 1
                WHERE clinic_id = $1 AND product = $2 AND day = $3 AND booked < capacity RETURNING day""")
                .execute(Tuple.of(request.clinicId(), request.product(), request.day())));
        if (dose1.rowCount() == 0) {
            RowSet<Row> day = await(conn.preparedQuery("SELECT 1 FROM day_capacity WHERE clinic_id = $1 AND product = $2 AND day = $3")
                    .execute(Tuple.of(request.clinicId(), request.product(), request.day())));
            return day.size() == 0
                    ? new BookingOutcome.NotOffered(request.clinicId(), request.product())
                    : new BookingOutcome.DayFull(request.clinicId(), request.day(), request.product());
        }
        Optional<LocalDate> dose2Day = takeFirstDayWithRoom(conn, request, dose2From, dose2To);
        if (dose2Day.isEmpty()) {
            throw new Rollback(new BookingOutcome.NoSecondDoseDay(dose2From, dose2To));
        }
        Reservation reservation = new Reservation(reference, request.personId(), request.clinicId(), clinicName,
                request.product(), request.day(), dose2Day.get(), now);
        await(conn.preparedQuery("""
                INSERT INTO reservations (reference, person_id, clinic_id, product, dose1_day, dose2_day, status, booked_at,
                                          idempotency_key, request_fingerprint)
                VALUES ($1, $2, $3, $4, $5, $6, 'ACTIVE', $7, $8, $9)""")
                .execute(Tuple.from(List.of(reference, request.personId(), request.clinicId(), request.product(),
                        request.day(), dose2Day.get(), utc(now))).addString(key).addString(key == null ? null : fingerprint(request))));
        Outbox.enqueue(conn, "BOOKED", reservation, now);
        return new BookingOutcome.Booked(reservation);
    }

    /** Takes a place on the first day in [from, to] that has room, trying the next if one fills meanwhile. */
    private Optional<LocalDate> takeFirstDayWithRoom(SqlConnection conn, BookingRequest request, LocalDate from, LocalDate to) {
        RowSet<Row> candidates = await(conn.preparedQuery("""
                SELECT day FROM day_capacity
                WHERE clinic_id = $1 AND product = $2 AND day BETWEEN $3 AND $4 AND booked < capacity ORDER BY day""")
                .execute(Tuple.of(request.clinicId(), request.product(), from, to)));
        for (Row candidate : candidates) {
            LocalDate day = candidate.getLocalDate(0);
            RowSet<Row> taken = await(conn.preparedQuery("""
                    UPDATE day_capacity SET booked = booked + 1
                    WHERE clinic_id = $1 AND product = $2 AND day = $3 AND booked < capacity RETURNING day""")
                    .execute(Tuple.of(request.clinicId(), request.product(), day)));
            if (taken.rowCount() == 1) {
                return Optional.of(day);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Reservation> active(long personId) {
        return activeIn(null, personId);
    }

    private Optional<Reservation> activeIn(SqlConnection conn, long personId) {
        var client = conn == null ? pool : conn;
        RowSet<Row> rows = await(client.preparedQuery(SELECT_RESERVATION + " WHERE r.person_id = $1 AND r.status = 'ACTIVE'")
                .execute(Tuple.of(personId)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(reservationOf(rows.iterator().next()));
    }

    @Override
    public CancelOutcome cancel(long personId, Instant now) {
        return inTransaction(conn -> {
            RowSet<Row> rows = await(conn.preparedQuery("""
                    UPDATE reservations r SET status = 'CANCELLED', cancelled_at = $2
                    FROM clinics c WHERE c.id = r.clinic_id AND r.person_id = $1 AND r.status = 'ACTIVE'
                    RETURNING r.reference, r.person_id, r.clinic_id, c.name AS clinic_name, r.product, r.dose1_day,
                              r.dose2_day, r.booked_at, r.request_fingerprint""")
                    .execute(Tuple.of(personId, utc(now))));
            if (rows.rowCount() == 0) {
                return new CancelOutcome.NothingToCancel();
            }
            Reservation r = reservationOf(rows.iterator().next());
            await(conn.preparedQuery("""
                    UPDATE day_capacity SET booked = booked - 1
                    WHERE clinic_id = $1 AND product = $2 AND day = ANY($3)""")
                    .execute(Tuple.tuple().addLong(r.clinicId()).addString(r.product())
                            .addArrayOfLocalDate(new LocalDate[] {r.dose1Day(), r.dose2Day()})));
            Outbox.enqueue(conn, "CANCELLED", r, now);
            return new CancelOutcome.Cancelled(r);
        });
    }

    private static final String SELECT_RESERVATION = """
            SELECT r.reference, r.person_id, r.clinic_id, c.name AS clinic_name, r.product, r.dose1_day, r.dose2_day,
                   r.booked_at, r.request_fingerprint
            FROM reservations r JOIN clinics c ON c.id = r.clinic_id""";

    private static Reservation reservationOf(Row r) {
        return new Reservation(r.getString("reference"), r.getLong("person_id"), r.getLong("clinic_id"),
                r.getString("clinic_name"), r.getString("product"), r.getLocalDate("dose1_day"),
                r.getLocalDate("dose2_day"), r.getOffsetDateTime("booked_at").toInstant());
    }

    private static String fingerprint(BookingRequest r) {
        return r.clinicId() + "|" + r.day() + "|" + r.product();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Ends a transaction with ROLLBACK and this outcome as the answer. */
    private static final class Rollback extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient BookingOutcome outcome;

        Rollback(BookingOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private <T> T inTransaction(java.util.function.Function<SqlConnection, T> work) {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            T result;
            try {
                result = work.apply(conn);
            } catch (Rollback r) {
                await(tx.rollback());
                @SuppressWarnings("unchecked")
                T outcome = (T) r.outcome;
                return outcome;
            } catch (RuntimeException e) {
                tx.rollback();
                throw e;
            }
            await(tx.commit());
            return result;
        } finally {
            conn.close();
        }
    }

    /** Every clinic-day-product whose bookings exceed its capacity (must always be empty). */
    public Set<String> overbookedDays() {
        Set<String> result = new HashSet<>();
        await(pool.query("SELECT clinic_id, product, day FROM day_capacity WHERE booked > capacity").execute())
                .forEach(r -> result.add(r.getLong(0) + "/" + r.getString(1) + "/" + r.getLocalDate(2)));
        return result;
    }
}
