package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.Bucket;
import dev.orderly.booking.Holding;
import dev.orderly.booking.Offer;
import dev.orderly.booking.WorkingSet;
import dev.orderly.clinic.Appointment;
import dev.orderly.clinic.ClinicStore;
import dev.orderly.clinic.ClosedDay;
import dev.orderly.clinic.DayClosing;
import dev.orderly.clinic.DoseGiven;
import dev.orderly.clinic.Stamp;
import dev.orderly.clinic.Unattended;
import dev.orderly.clinic.Visit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The clinic store on PostgreSQL: appointments are rows of {@code reservations} (joined with the
 * resident's name and birth date, never a phone or resident number), visits and closed days are
 * V9's tables. A visit is written by one statement that checks, under a share lock on the
 * reservation row, that the appointment is still active on its day, and that nothing was recorded
 * that the write would contradict. A day is closed in one transaction with the booking engine's
 * own writes ({@link BookingTransaction#write}), locking capacity rows before reservation rows.
 */
public final class PostgresClinicStore implements ClinicStore {

    private static final int ATTEMPTS = 4;

    private static final String APPOINTMENTS = """
            SELECT r.reference, r.dose, r.person_id, r.clinic_id, r.product, r.day, r.status = 'ACTIVE', r.created_at, p.name, p.birth_date,
                   v.checked_in_at, v.checked_in_by, v.given_at, v.given_by, v.given_product, v.lot, v.dose_number, v.no_show_at, v.no_show_by
            FROM reservations r JOIN residents p ON p.id = r.person_id
            LEFT JOIN clinic_visits v ON v.reference = r.reference AND v.dose = r.dose AND v.day = r.day
            """;

    /** Only if the appointment is active on that day at that clinic (share-locked until the write commits). */
    private static final String STILL_BOOKED = """
            SELECT $1::text, $2::smallint, $3::date, $4::bigint WHERE EXISTS (SELECT 1 FROM reservations WHERE reference = $1 AND dose = $2 AND day = $3
                                                 AND clinic_id = $4 AND status = 'ACTIVE' FOR SHARE)""";

    private final Pool pool;

    public PostgresClinicStore(Pool pool) {
        this.pool = pool;
    }

    private static Appointment appointment(Row r) {
        Optional<Stamp> in = Optional.ofNullable(r.getOffsetDateTime(10)).map(t -> new Stamp(t.toInstant(), r.getString(11)));
        Optional<DoseGiven> given = Optional.ofNullable(r.getOffsetDateTime(12))
                .map(t -> new DoseGiven(new Stamp(t.toInstant(), r.getString(13)), r.getString(14), r.getString(15), r.getShort(16)));
        Optional<Stamp> noShow = Optional.ofNullable(r.getOffsetDateTime(17)).map(t -> new Stamp(t.toInstant(), r.getString(18)));
        return new Appointment(r.getString(0), r.getShort(1), r.getLong(2), r.getLong(3), r.getString(4), r.getLocalDate(5), r.getBoolean(6),
                r.getOffsetDateTime(7).toInstant(), r.getString(8), r.getLocalDate(9), new Visit(in, given, noShow));
    }

    @Override
    public List<Appointment> day(long clinicId, LocalDate day) {
        List<Appointment> list = new ArrayList<>();
        await(pool.preparedQuery(APPOINTMENTS + " WHERE r.clinic_id = $1 AND r.day = $2 ORDER BY r.created_at, r.reference")
                .execute(Tuple.of(clinicId, day))).forEach(r -> list.add(appointment(r)));
        return list;
    }

    @Override
    public List<Unattended> unattended(LocalDate day) {
        List<Unattended> list = new ArrayList<>();
        await(pool.preparedQuery("""
                SELECT r.clinic_id, r.product, count(*) FROM reservations r
                LEFT JOIN clinic_visits v ON v.reference = r.reference AND v.dose = r.dose AND v.day = r.day
                WHERE r.day = $1 AND r.status = 'ACTIVE'
                  AND (v.reference IS NULL OR (v.checked_in_at IS NULL AND v.given_at IS NULL AND v.no_show_at IS NULL))
                GROUP BY r.clinic_id, r.product ORDER BY r.clinic_id, r.product""").execute(Tuple.of(day)))
                .forEach(r -> list.add(new Unattended(r.getLong(0), r.getString(1), (int) r.getLong(2).longValue())));
        return list;
    }

    @Override
    public Optional<Appointment> appointment(String reference, int dose) {
        RowSet<Row> rows = await(pool.preparedQuery(APPOINTMENTS + " WHERE r.reference = $1 AND r.dose = $2")
                .execute(Tuple.of(reference, (short) dose)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(appointment(rows.iterator().next()));
    }

    private Optional<Appointment> write(Appointment a, String sql, Tuple args) {
        RowSet<Row> done = await(pool.preparedQuery(sql).execute(args));
        return done.size() == 0 ? Optional.empty() : appointment(a.reference(), a.dose());
    }

    private static Tuple key(Appointment a) {
        return Tuple.of(a.reference(), (short) a.dose(), a.day(), a.clinicId());
    }

    @Override
    public Optional<Appointment> checkIn(Appointment a, Stamp stamp) {
        return write(a, """
                INSERT INTO clinic_visits (reference, dose, day, clinic_id, checked_in_at, checked_in_by)
                SELECT s.*, $5::timestamptz, $6::text FROM (%s) AS s
                ON CONFLICT (reference, dose, day) DO UPDATE SET checked_in_at = excluded.checked_in_at, checked_in_by = excluded.checked_in_by
                WHERE clinic_visits.checked_in_at IS NULL AND clinic_visits.given_at IS NULL AND clinic_visits.no_show_at IS NULL
                RETURNING 1""".formatted(STILL_BOOKED), key(a).addOffsetDateTime(utc(stamp)).addString(stamp.by()));
    }

    @Override
    public Optional<Appointment> give(Appointment a, DoseGiven g) {
        return write(a, """
                INSERT INTO clinic_visits (reference, dose, day, clinic_id, checked_in_at, checked_in_by, given_at, given_by, given_product,
                                           lot, dose_number)
                SELECT s.*, $5::timestamptz, $6::text, $5::timestamptz, $6::text, $7::text, $8::text, $9::smallint FROM (%s) AS s
                ON CONFLICT (reference, dose, day) DO UPDATE SET
                    checked_in_at = coalesce(clinic_visits.checked_in_at, excluded.checked_in_at),
                    checked_in_by = coalesce(clinic_visits.checked_in_by, excluded.checked_in_by),
                    given_at = excluded.given_at, given_by = excluded.given_by, given_product = excluded.given_product,
                    lot = excluded.lot, dose_number = excluded.dose_number
                WHERE clinic_visits.given_at IS NULL AND clinic_visits.no_show_at IS NULL
                RETURNING 1""".formatted(STILL_BOOKED), key(a).addOffsetDateTime(utc(g.stamp())).addString(g.stamp().by())
                .addString(g.product()).addString(g.lot()).addShort((short) g.doseNumber()));
    }

    @Override
    public Optional<Appointment> noShow(Appointment a, Stamp stamp) {
        return write(a, """
                INSERT INTO clinic_visits (reference, dose, day, clinic_id, no_show_at, no_show_by)
                SELECT s.*, $5::timestamptz, $6::text FROM (%s) AS s
                ON CONFLICT (reference, dose, day) DO UPDATE SET no_show_at = excluded.no_show_at, no_show_by = excluded.no_show_by
                WHERE clinic_visits.checked_in_at IS NULL AND clinic_visits.given_at IS NULL AND clinic_visits.no_show_at IS NULL
                RETURNING 1""".formatted(STILL_BOOKED), key(a).addOffsetDateTime(utc(stamp)).addString(stamp.by()));
    }

    private static OffsetDateTime utc(Stamp s) {
        return BookingTransaction.utc(s.at());
    }

    private static ClosedDay closedDay(Row r) {
        return new ClosedDay(r.getLong(0), r.getLocalDate(1), r.getString(2), r.getString(3),
                new Stamp(r.getOffsetDateTime(4).toInstant(), r.getString(5)), r.getInteger(6), r.getInteger(7), r.getInteger(8));
    }

    private static final String CLOSED = """
            SELECT clinic_id, day, reason_ko, reason_en, closed_at, closed_by, moved, cancelled, kept FROM clinic_closed_days
            WHERE clinic_id = $1 AND day = $2""";

    @Override
    public Optional<ClosedDay> closed(long clinicId, LocalDate day) {
        RowSet<Row> rows = await(pool.preparedQuery(CLOSED).execute(Tuple.of(clinicId, day)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(closedDay(rows.iterator().next()));
    }

    @Override
    public Closing close(long clinicId, LocalDate day, String reasonKo, String reasonEn, Stamp stamp, LocalDate today) {
        for (int attempt = 1; ; attempt++) {
            try {
                return closeOnce(clinicId, day, reasonKo, reasonEn, stamp, today);
            } catch (RuntimeException e) {
                // A booking or change that locked a person of the day before we did: run again.
                if (attempt >= ATTEMPTS || !(PostgresErrors.retryable(e) || PostgresErrors.retryable(e.getCause()))) {
                    throw e;
                }
            }
        }
    }

    private Closing closeOnce(long clinicId, LocalDate day, String reasonKo, String reasonEn, Stamp stamp, LocalDate today) {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            try {
                Closing closing = closeIn(conn, clinicId, day, reasonKo, reasonEn, stamp, today);
                await(tx.commit());
                return closing;
            } catch (RuntimeException e) {
                await(tx.rollback());
                throw e;
            }
        } finally {
            conn.close();
        }
    }

    private Closing closeIn(SqlConnection conn, long clinicId, LocalDate day, String reasonKo, String reasonEn, Stamp stamp, LocalDate today) {
        // The row is the closing's lock too: a second closing of the day waits here, then finds it closed.
        RowSet<Row> inserted = await(conn.preparedQuery("""
                INSERT INTO clinic_closed_days (clinic_id, day, reason_ko, reason_en, closed_at, closed_by) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT DO NOTHING RETURNING 1""").execute(Tuple.of(clinicId, day, reasonKo, reasonEn, utc(stamp), stamp.by())));
        if (inserted.size() == 0) {
            return new Closing.AlreadyClosed(closedDay(await(conn.preparedQuery(CLOSED).execute(Tuple.of(clinicId, day))).iterator().next()));
        }
        WorkingSet ledger = WorkingSet.bounded();
        int longest = 0;
        List<String> products = new ArrayList<>();
        for (Row r : await(conn.preparedQuery("""
                SELECT cp.product, c.name, p.dose2_min_days, p.dose2_max_days FROM clinic_products cp
                JOIN clinics c ON c.id = cp.clinic_id JOIN products p ON p.code = cp.product WHERE cp.clinic_id = $1""")
                .execute(Tuple.of(clinicId)))) {
            products.add(r.getString(0));
            ledger.putOffer(clinicId, r.getString(0), new Offer(r.getString(1), r.getInteger(2), r.getInteger(3)));
            longest = Math.max(longest, r.getInteger(3));
        }
        // Every day a move may reach: dose 1 up to the horizon and its dose 2 after it; and back to
        // the dose 1 of whoever has dose 2 on the closed day (a cancellation gives that place back).
        LocalDate from = day.minusDays(longest);
        LocalDate to = day.plusDays(DayClosing.HORIZON_DAYS + longest);
        for (String p : products) {
            ledger.coverDays(clinicId, p, from, to);
        }
        // Capacity rows first, in the booking engine's order: no booking takes a place of the day meanwhile.
        await(conn.preparedQuery("""
                SELECT product, day, grp, capacity, booked FROM day_capacity WHERE clinic_id = $1 AND day BETWEEN $2 AND $3
                ORDER BY clinic_id, product, day, grp DESC FOR UPDATE""").execute(Tuple.of(clinicId, from, to)))
                .forEach(r -> ledger.putBucket(new Bucket(clinicId, r.getString(0), r.getLocalDate(1), r.getShort(2)), r.getInteger(3),
                        r.getInteger(4)));
        Set<Long> persons = new HashSet<>();
        await(conn.preparedQuery("SELECT DISTINCT person_id FROM reservations WHERE clinic_id = $1 AND day = $2 AND status = 'ACTIVE'")
                .execute(Tuple.of(clinicId, day))).forEach(r -> persons.add(r.getLong(0)));
        List<Holding> holdings = persons.isEmpty() ? List.of() : BookingTransaction.holdings(await(conn.preparedQuery("""
                SELECT r.reference, r.dose, r.person_id, r.clinic_id, c.name, r.product, r.day, r.grp, r.created_at, r.changed_at
                FROM reservations r JOIN clinics c ON c.id = r.clinic_id
                WHERE r.person_id = ANY($1) AND r.status = 'ACTIVE' ORDER BY r.person_id, r.dose FOR UPDATE OF r""")
                .execute(Tuple.of(persons.toArray(Long[]::new)))));
        persons.forEach(p -> ledger.putHolding(p, null));
        holdings.forEach(h -> ledger.putHolding(h.reservation().personId(), h));
        Set<String> keep = new HashSet<>();
        await(conn.preparedQuery("SELECT reference FROM clinic_visits WHERE clinic_id = $1 AND day = $2 AND given_at IS NOT NULL")
                .execute(Tuple.of(clinicId, day))).forEach(r -> keep.add(r.getString(0)));

        DayClosing.Result result = DayClosing.close(ledger, clinicId, day, holdings, keep, today, stamp.at());

        for (Future<RowSet<Row>> f : BookingTransaction.write(conn, ledger.changes(), false)) {
            await(f);
        }
        await(conn.preparedQuery("UPDATE day_capacity SET capacity = booked WHERE clinic_id = $1 AND day = $2").execute(Tuple.of(clinicId, day)));
        RowSet<Row> done = await(conn.preparedQuery("""
                UPDATE clinic_closed_days SET moved = $3, cancelled = $4, kept = $5 WHERE clinic_id = $1 AND day = $2
                RETURNING clinic_id, day, reason_ko, reason_en, closed_at, closed_by, moved, cancelled, kept""")
                .execute(Tuple.of(clinicId, day, result.moved().size(), result.cancelled().size(), result.kept())));
        return new Closing.Closed(closedDay(done.iterator().next()), result);
    }
}
