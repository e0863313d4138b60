package dev.orderly.bench;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingRules;
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
import dev.orderly.server.postgres.AnswerCodec;
import dev.orderly.server.postgres.BookingMetrics;
import dev.orderly.server.postgres.Outbox;
import dev.orderly.server.postgres.PostgresBookingStore;
import dev.orderly.server.postgres.PostgresErrors;
import io.vertx.pgclient.PgException;
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
import java.util.List;
import java.util.Optional;

/**
 * The plain design the booking benchmark compares the server's engines with: one transaction per
 * booking, {@code UPDATE day_capacity SET booked = booked + 1 WHERE ... AND booked < capacity} for
 * dose 1 and then for dose 2, then the inserts. The booking is decided in SQL by those conditional
 * updates, not by {@code BookingRules} on rows read into memory as the server's engines decide it;
 * it passes the same contract ({@code ConditionalUpdateBookingStoreIT}). Production never uses it.
 *
 * <p>Everything but booking — catalogue, capacity, search, changes, cancellations — is the
 * server's store with its one-transaction-per-request engine ({@link PostgresBookingStore.Engine#LOCK_ROWS}),
 * which also decides a booking again when this one lost a race on a unique index (the same
 * person, key or reference booking at once).
 */
public final class ConditionalUpdateBookingStore implements BookingStore, AutoCloseable {

    private final Pool pool;
    private final PostgresBookingStore locking;

    public ConditionalUpdateBookingStore(Pool pool) {
        this.pool = pool;
        this.locking = new PostgresBookingStore(pool, PostgresBookingStore.Engine.LOCK_ROWS, 1, 1);
    }

    /** What the locking transactions behind this store did (changes, cancellations, bookings decided again). */
    public BookingMetrics metrics() {
        return locking.metrics();
    }

    @Override
    public void close() {
        locking.close();
    }

    // ------------------------------------------------------------------ all but booking: the server's store

    @Override
    public void saveProduct(Product product) {
        locking.saveProduct(product);
    }

    @Override
    public void saveClinic(Clinic clinic) {
        locking.saveClinic(clinic);
    }

    @Override
    public void setCapacity(List<CapacitySetting> settings) {
        locking.setCapacity(settings);
    }

    @Override
    public List<BucketCapacity> capacity(long clinicId, LocalDate from, int days) {
        return locking.capacity(clinicId, from, days);
    }

    @Override
    public IntegrityReport checkIntegrity() {
        return locking.checkIntegrity();
    }

    @Override
    public List<Product> products() {
        return locking.products();
    }

    @Override
    public Optional<Clinic> clinic(long clinicId) {
        return locking.clinic(clinicId);
    }

    @Override
    public List<Region> regions() {
        return locking.regions();
    }

    @Override
    public List<ClinicBuckets> searchBuckets(String province, String district, LocalDate from, int days) {
        return locking.searchBuckets(province, district, from, days);
    }

    @Override
    public ChangeOutcome change(ChangeRequest request, String idempotencyKey, Instant now) {
        return locking.change(request, idempotencyKey, now);
    }

    @Override
    public CancelOutcome cancel(long personId, String idempotencyKey, Instant now) {
        return locking.cancel(personId, idempotencyKey, now);
    }

    @Override
    public Optional<Reservation> active(long personId) {
        return locking.active(personId);
    }

    @Override
    public Optional<Remembered> remembered(long personId, String idempotencyKey) {
        return locking.remembered(personId, idempotencyKey);
    }

    // ------------------------------------------------------------------ booking by conditional UPDATE

    /** Ends a transaction with ROLLBACK and this outcome as the answer. */
    private static final class Rollback extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient BookingOutcome outcome;

        Rollback(BookingOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    @Override
    public BookingOutcome book(BookingRequest request, String idempotencyKey, String reference, Instant at) {
        // PostgreSQL keeps microseconds; answer with what a retry will read back.
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        try {
            return inTransaction(conn -> conditionally(conn, request, idempotencyKey, reference, now));
        } catch (Rollback r) {
            return idempotencyKey == null ? r.outcome : rememberAlone(request.personId(), idempotencyKey, request.fingerprint(),
                    r.outcome, now);
        } catch (PgException e) {
            if (PostgresErrors.retryable(e)) {
                // A concurrent request of the same person, key or reference won: decide again on locked rows.
                return locking.book(request, idempotencyKey, reference, now);
            }
            throw e;
        }
    }

    private BookingOutcome conditionally(SqlConnection conn, BookingRequest r, String key, String reference, Instant now) {
        // As in the server's engine: cached generic plans must not scan the growing tables whole.
        await(conn.query("SET LOCAL enable_seqscan = off").execute());
        if (key != null) {
            Optional<Remembered> first = rememberedIn(conn, r.personId(), key);
            if (first.isPresent()) {
                return first.get().fingerprint().equals(r.fingerprint())
                        ? (BookingOutcome) first.get().answer()
                        : new BookingOutcome.KeyReused(key);
            }
        }
        BookingOutcome outcome = decideConditionally(conn, r, reference, now);
        if (key != null) {
            await(conn.preparedQuery("INSERT INTO request_keys (person_id, key, fingerprint, answer, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .execute(Tuple.of(r.personId(), key, r.fingerprint(), AnswerCodec.encode(outcome), utc(now))));
        }
        return outcome;
    }

    private BookingOutcome decideConditionally(SqlConnection conn, BookingRequest r, String reference, Instant at) {
        Optional<Reservation> existing = activeIn(conn, r.personId());
        if (existing.isPresent()) {
            return new BookingOutcome.AlreadyBooked(existing.get());
        }
        RowSet<Row> offer = await(conn.preparedQuery("""
                SELECT c.name, p.dose2_min_days, p.dose2_max_days
                FROM clinic_products cp JOIN clinics c ON c.id = cp.clinic_id JOIN products p ON p.code = cp.product
                WHERE cp.clinic_id = $1 AND cp.product = $2""").execute(Tuple.of(r.clinicId(), r.product())));
        if (offer.size() == 0) {
            return new BookingOutcome.NotOffered(r.clinicId(), r.product());
        }
        Row o = offer.iterator().next();
        Integer dose1Group = take(conn, r, r.day(), r.group());
        if (dose1Group == null) {
            RowSet<Row> any = await(conn.preparedQuery("SELECT 1 FROM day_capacity WHERE clinic_id = $1 AND product = $2 AND day = $3 LIMIT 1")
                    .execute(Tuple.of(r.clinicId(), r.product(), r.day())));
            return any.size() == 0 ? new BookingOutcome.NotOffered(r.clinicId(), r.product())
                    : new BookingOutcome.DayFull(r.clinicId(), r.day(), r.product());
        }
        LocalDate from = r.day().plusDays(o.getInteger(1));
        LocalDate to = r.day().plusDays(o.getInteger(2));
        LocalDate dose2Day = null;
        Integer dose2Group = null;
        RowSet<Row> candidates = await(conn.preparedQuery("""
                SELECT day FROM day_capacity
                WHERE clinic_id = $1 AND product = $2 AND day BETWEEN $3 AND $4 AND (grp = -1 OR grp = $5) AND booked < capacity
                GROUP BY day ORDER BY day""").execute(Tuple.of(r.clinicId(), r.product(), from, to, r.group())));
        for (Row candidate : candidates) {
            dose2Group = take(conn, r, candidate.getLocalDate(0), r.group());
            if (dose2Group != null) {
                dose2Day = candidate.getLocalDate(0);
                break;
            }
        }
        if (dose2Day == null) {
            throw new Rollback(new BookingOutcome.NoSecondDoseDay(from, to));
        }
        Reservation reservation = new Reservation(reference, r.personId(), r.clinicId(), o.getString(0), r.product(),
                r.day(), dose2Day, at, at);
        OffsetDateTime now = utc(at);
        await(conn.preparedQuery("""
                INSERT INTO reservations (reference, dose, person_id, clinic_id, product, day, grp, status, created_at, changed_at)
                VALUES ($1, 1, $2, $3, $4, $5, $6, 'ACTIVE', $8, $8), ($1, 2, $2, $3, $4, $7, $9, 'ACTIVE', $8, $8)""")
                .execute(Tuple.from(List.of(reference, r.personId(), r.clinicId(), r.product(), r.day(),
                        dose1Group.shortValue(), dose2Day, now, dose2Group.shortValue()))));
        await(conn.preparedQuery("""
                INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)""")
                .execute(Tuple.of(BookingRules.BOOKED, r.personId(), reference, Outbox.body(BookingRules.BOOKED, reservation), now)));
        return new BookingOutcome.Booked(reservation);
    }

    /** Takes a place on {@code day} from the person's group's bucket, else the shared one; the group taken, or null. */
    private static Integer take(SqlConnection conn, BookingRequest r, LocalDate day, int group) {
        for (int g : group == Bucket.SHARED ? new int[] {Bucket.SHARED} : new int[] {group, Bucket.SHARED}) {
            RowSet<Row> taken = await(conn.preparedQuery("""
                    UPDATE day_capacity SET booked = booked + 1
                    WHERE clinic_id = $1 AND product = $2 AND day = $3 AND grp = $4 AND booked < capacity RETURNING grp""")
                    .execute(Tuple.of(r.clinicId(), r.product(), day, (short) g)));
            if (taken.rowCount() == 1) {
                return g;
            }
        }
        return null;
    }

    /** Remembers a refusal decided in a rolled-back transaction; when a concurrent retry remembered first, answers with that. */
    private BookingOutcome rememberAlone(long personId, String key, String fingerprint, BookingOutcome outcome, Instant now) {
        RowSet<Row> inserted = await(pool.preparedQuery("""
                INSERT INTO request_keys (person_id, key, fingerprint, answer, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING RETURNING 1""").execute(Tuple.of(personId, key, fingerprint, AnswerCodec.encode(outcome), utc(now))));
        if (inserted.rowCount() == 1) {
            return outcome;
        }
        Remembered first = remembered(personId, key).orElseThrow();
        return first.fingerprint().equals(fingerprint) ? (BookingOutcome) first.answer() : new BookingOutcome.KeyReused(key);
    }

    private static Optional<Reservation> activeIn(SqlConnection conn, long personId) {
        RowSet<Row> rows = await(conn.preparedQuery("""
                SELECT r1.reference, r1.person_id, r1.clinic_id, c.name, r1.product, r1.day, r2.day, r1.created_at, r1.changed_at
                FROM reservations r1 JOIN reservations r2 ON r2.reference = r1.reference AND r2.dose = 2
                JOIN clinics c ON c.id = r1.clinic_id
                WHERE r1.person_id = $1 AND r1.dose = 1 AND r1.status = 'ACTIVE'""").execute(Tuple.of(personId)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Reservation(r.getString(0), r.getLong(1), r.getLong(2), r.getString(3), r.getString(4),
                r.getLocalDate(5), r.getLocalDate(6), r.getOffsetDateTime(7).toInstant(), r.getOffsetDateTime(8).toInstant()));
    }

    private static Optional<Remembered> rememberedIn(SqlConnection conn, long personId, String key) {
        RowSet<Row> rows = await(conn.preparedQuery("SELECT fingerprint, answer FROM request_keys WHERE person_id = $1 AND key = $2")
                .execute(Tuple.of(personId, key)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Remembered(r.getString(0), AnswerCodec.decode(r.getString(1))));
    }

    private <T> T inTransaction(java.util.function.Function<SqlConnection, T> work) {
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

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
