package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.Bucket;
import dev.orderly.booking.BookingRules;
import dev.orderly.booking.ChangeRequest;
import dev.orderly.booking.Holding;
import dev.orderly.booking.Offer;
import dev.orderly.booking.ReferenceInUseException;
import dev.orderly.booking.Remembered;
import dev.orderly.booking.Reservation;
import dev.orderly.booking.StoreAnswer;
import dev.orderly.booking.WorkingSet;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs booking commands, one or many, in one PostgreSQL transaction: lock, decide, write, commit.
 *
 * <p>Design note. The transaction (1) reads the remembered answers of the commands' keys,
 * (2) locks the active reservation rows of their people, in person order, (3) reads the offers
 * involved, (4) locks every capacity row the commands may touch (dose-1 day through the end of the
 * dose-2 interval, and the days of the reservations held), in (clinic, product, day, group desc)
 * order, (5) checks whether the new references are taken. It then lets {@link BookingRules}
 * decide each command in turn on a bounded {@link WorkingSet} of exactly those rows, and writes
 * what changed with one statement per table (capacity deltas, reservation updates then inserts,
 * remembered answers, outbox). Answers are handed out only after COMMIT returns.
 *
 * <p>Every path locks reservation rows before capacity rows and each in one global order, so
 * transactions wait on each other but cannot deadlock on those locks. Two transactions can still
 * meet on a unique index (the same person booking through two nodes, or two lanes, at once): one
 * waits for the other and then fails with a unique violation, or PostgreSQL breaks a rare wait
 * cycle as a deadlock. Either way the transaction rolls back and is run again, and then sees the
 * winner's rows and answers accordingly. A batch that keeps failing is split into single commands,
 * so one bad command cannot fail its neighbours.
 */
final class BookingTransaction {

    private static final int ATTEMPTS = 4;

    private final Pool pool;

    BookingTransaction(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code commands} in order; each result is a {@link StoreAnswer} or the RuntimeException that command met. */
    List<Object> run(List<BookingCommand> commands) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return once(commands);
            } catch (RuntimeException e) {
                if (!retryable(e)) {
                    if (commands.size() == 1) {
                        return List.of(e);
                    }
                    break;
                }
                last = e;
            }
        }
        if (commands.size() == 1) {
            return List.of(last == null ? new StoreException("booking transaction failed", null) : last);
        }
        List<Object> one = new ArrayList<>(commands.size());
        for (BookingCommand c : commands) {
            one.add(run(List.of(c)).getFirst());
        }
        return one;
    }

    static boolean retryable(Throwable e) {
        return e instanceof PgException pg && ("23505".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState())
                || "40001".equals(pg.getSqlState()));
    }

    private List<Object> once(List<BookingCommand> commands) {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            try {
                WorkingSet ledger = WorkingSet.bounded();
                load(conn, ledger, commands);
                List<Object> results = new ArrayList<>(commands.size());
                for (BookingCommand c : commands) {
                    try {
                        results.add(decide(ledger, c));
                    } catch (ReferenceInUseException e) {
                        results.add(e);
                    }
                }
                WorkingSet.Changes changes = ledger.changes();
                if (!changes.isEmpty()) {
                    write(conn, changes);
                }
                await(tx.commit());
                return results;
            } catch (RuntimeException e) {
                tx.rollback();
                throw e;
            }
        } finally {
            conn.close();
        }
    }

    private static StoreAnswer decide(WorkingSet ledger, BookingCommand command) {
        return switch (command) {
            case BookingCommand.Book b -> BookingRules.book(ledger, b.request(), b.key(), b.reference(), b.now());
            case BookingCommand.Change c -> BookingRules.change(ledger, c.request(), c.key(), c.now());
            case BookingCommand.Cancel c -> BookingRules.cancel(ledger, c.personId(), c.key(), c.now());
        };
    }

    private record Pair(long clinicId, String product) {
    }

    private static void load(SqlConnection conn, WorkingSet ledger, List<BookingCommand> commands) {
        // 1. remembered answers
        List<Long> keyPersons = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Set<String> seenKeys = new HashSet<>();
        for (BookingCommand c : commands) {
            if (c.key() != null && seenKeys.add(c.personId() + "\u0000" + c.key())) {
                keyPersons.add(c.personId());
                keys.add(c.key());
                ledger.putRemembered(c.personId(), c.key(), null);
            }
        }
        if (!keys.isEmpty()) {
            await(conn.preparedQuery("""
                    SELECT k.person_id, k.key, k.fingerprint, k.answer
                    FROM request_keys k JOIN unnest($1::bigint[], $2::text[]) AS q(person_id, key)
                      ON k.person_id = q.person_id AND k.key = q.key""")
                    .execute(Tuple.tuple().addArrayOfLong(keyPersons.toArray(Long[]::new)).addArrayOfString(keys.toArray(String[]::new))))
                    .forEach(r -> ledger.putRemembered(r.getLong(0), r.getString(1),
                            new Remembered(r.getString(2), AnswerCodec.decode(r.getString(3)))));
        }

        // 2. active reservations of the people, locked
        Set<Long> persons = new TreeSet<>();
        commands.forEach(c -> persons.add(c.personId()));
        persons.forEach(p -> ledger.putHolding(p, null));
        List<Holding> holdings = holdings(await(conn.preparedQuery("""
                SELECT r.reference, r.dose, r.person_id, r.clinic_id, c.name, r.product, r.day, r.grp, r.created_at, r.changed_at
                FROM reservations r JOIN clinics c ON c.id = r.clinic_id
                WHERE r.person_id = ANY($1) AND r.status = 'ACTIVE'
                ORDER BY r.person_id, r.dose FOR UPDATE OF r""").execute(Tuple.of(persons.toArray(Long[]::new)))));
        holdings.forEach(h -> ledger.putHolding(h.reservation().personId(), h));

        // 3. offers
        Set<Pair> pairs = new LinkedHashSet<>();
        for (BookingCommand c : commands) {
            switch (c) {
                case BookingCommand.Book b -> pairs.add(new Pair(b.request().clinicId(), b.request().product()));
                case BookingCommand.Change ch when ch.request() instanceof ChangeRequest.MoveDose1 m -> pairs.add(new Pair(m.clinicId(), m.product()));
                default -> {
                }
            }
        }
        holdings.forEach(h -> pairs.add(new Pair(h.reservation().clinicId(), h.reservation().product())));
        Map<Pair, Offer> offers = new HashMap<>();
        if (!pairs.isEmpty()) {
            await(conn.preparedQuery("""
                    SELECT cp.clinic_id, cp.product, c.name, p.dose2_min_days, p.dose2_max_days
                    FROM unnest($1::bigint[], $2::text[]) AS q(clinic_id, product)
                    JOIN clinic_products cp ON cp.clinic_id = q.clinic_id AND cp.product = q.product
                    JOIN clinics c ON c.id = cp.clinic_id JOIN products p ON p.code = cp.product""")
                    .execute(Tuple.tuple().addArrayOfLong(pairs.stream().map(Pair::clinicId).toArray(Long[]::new))
                            .addArrayOfString(pairs.stream().map(Pair::product).toArray(String[]::new))))
                    .forEach(r -> offers.put(new Pair(r.getLong(0), r.getString(1)), new Offer(r.getString(2), r.getInteger(3), r.getInteger(4))));
        }
        pairs.forEach(p -> ledger.putOffer(p.clinicId(), p.product(), offers.get(p)));

        // 4. capacity rows, locked in one global order
        Map<Pair, LocalDate[]> ranges = new LinkedHashMap<>();
        for (BookingCommand c : commands) {
            switch (c) {
                case BookingCommand.Book b -> cover(ranges, offers, new Pair(b.request().clinicId(), b.request().product()), b.request().day(), null);
                case BookingCommand.Change ch when ch.request() instanceof ChangeRequest.MoveDose1 m ->
                        cover(ranges, offers, new Pair(m.clinicId(), m.product()), m.day(), null);
                default -> {
                }
            }
        }
        for (Holding h : holdings) {
            Reservation r = h.reservation();
            cover(ranges, offers, new Pair(r.clinicId(), r.product()), r.dose1Day(), r.dose2Day());
        }
        if (!ranges.isEmpty()) {
            List<Pair> keysInOrder = new ArrayList<>(ranges.keySet());
            await(conn.preparedQuery("""
                    SELECT dc.clinic_id, dc.product, dc.day, dc.grp, dc.capacity, dc.booked
                    FROM day_capacity dc JOIN unnest($1::bigint[], $2::text[], $3::date[], $4::date[]) AS q(clinic_id, product, lo, hi)
                      ON dc.clinic_id = q.clinic_id AND dc.product = q.product AND dc.day BETWEEN q.lo AND q.hi
                    ORDER BY dc.clinic_id, dc.product, dc.day, dc.grp DESC FOR UPDATE OF dc""")
                    .execute(Tuple.tuple()
                            .addArrayOfLong(keysInOrder.stream().map(Pair::clinicId).toArray(Long[]::new))
                            .addArrayOfString(keysInOrder.stream().map(Pair::product).toArray(String[]::new))
                            .addArrayOfLocalDate(keysInOrder.stream().map(p -> ranges.get(p)[0]).toArray(LocalDate[]::new))
                            .addArrayOfLocalDate(keysInOrder.stream().map(p -> ranges.get(p)[1]).toArray(LocalDate[]::new))))
                    .forEach(r -> ledger.putBucket(new Bucket(r.getLong(0), r.getString(1), r.getLocalDate(2), r.getShort(3)),
                            r.getInteger(4), r.getInteger(5)));
            ranges.forEach((p, range) -> ledger.coverDays(p.clinicId(), p.product(), range[0], range[1]));
        }

        // 5. are the new references taken?
        List<String> references = new ArrayList<>();
        for (BookingCommand c : commands) {
            if (c instanceof BookingCommand.Book b) {
                references.add(b.reference());
                ledger.putReference(b.reference(), false);
            }
        }
        if (!references.isEmpty()) {
            await(conn.preparedQuery("SELECT DISTINCT reference FROM reservations WHERE reference = ANY($1)")
                    .execute(Tuple.of(references.toArray(String[]::new))))
                    .forEach(r -> ledger.putReference(r.getString(0), true));
        }
    }

    /** Widens the locked range of a clinic-product to cover {@code day} through the dose-2 interval (and {@code also}). */
    private static void cover(Map<Pair, LocalDate[]> ranges, Map<Pair, Offer> offers, Pair pair, LocalDate day, LocalDate also) {
        Offer offer = offers.get(pair);
        LocalDate to = offer == null ? day : BookingRules.lastDayTouched(day, offer);
        if (also != null && also.isAfter(to)) {
            to = also;
        }
        LocalDate from = day;
        LocalDate[] range = ranges.get(pair);
        if (range == null) {
            ranges.put(pair, new LocalDate[] {from, to});
        } else {
            range[0] = from.isBefore(range[0]) ? from : range[0];
            range[1] = to.isAfter(range[1]) ? to : range[1];
        }
    }

    /** Holdings from reservation rows (two per reference). */
    static List<Holding> holdings(RowSet<Row> rows) {
        Map<String, Row[]> byReference = new LinkedHashMap<>();
        for (Row r : rows) {
            byReference.computeIfAbsent(r.getString("reference"), k -> new Row[2])[r.getShort("dose") - 1] = r;
        }
        List<Holding> result = new ArrayList<>();
        byReference.forEach((ref, pair) -> {
            if (pair[0] == null || pair[1] == null) {
                throw new IllegalStateException("reservation " + ref + " has an active row for one dose only");
            }
            Row d1 = pair[0];
            Reservation reservation = new Reservation(ref, d1.getLong("person_id"), d1.getLong("clinic_id"), d1.getString("name"),
                    d1.getString("product"), d1.getLocalDate("day"), pair[1].getLocalDate("day"),
                    d1.getOffsetDateTime("created_at").toInstant(), d1.getOffsetDateTime("changed_at").toInstant());
            result.add(new Holding(reservation, d1.getShort("grp"), pair[1].getShort("grp")));
        });
        return result;
    }

    private static void write(SqlConnection conn, WorkingSet.Changes changes) {
        List<Map.Entry<Bucket, Integer>> deltas = changes.capacityDeltas().entrySet().stream().filter(e -> e.getValue() != 0).toList();
        if (!deltas.isEmpty()) {
            await(conn.preparedQuery("""
                    UPDATE day_capacity dc SET booked = dc.booked + q.delta
                    FROM unnest($1::bigint[], $2::text[], $3::date[], $4::smallint[], $5::int[]) AS q(clinic_id, product, day, grp, delta)
                    WHERE dc.clinic_id = q.clinic_id AND dc.product = q.product AND dc.day = q.day AND dc.grp = q.grp""")
                    .execute(Tuple.tuple()
                            .addArrayOfLong(deltas.stream().map(e -> e.getKey().clinicId()).toArray(Long[]::new))
                            .addArrayOfString(deltas.stream().map(e -> e.getKey().product()).toArray(String[]::new))
                            .addArrayOfLocalDate(deltas.stream().map(e -> e.getKey().day()).toArray(LocalDate[]::new))
                            .addArrayOfShort(deltas.stream().map(e -> (short) e.getKey().group()).toArray(Short[]::new))
                            .addArrayOfInteger(deltas.stream().map(Map.Entry::getValue).toArray(Integer[]::new))));
        }
        List<WorkingSet.ReservationWrite> updates = changes.reservations().stream().filter(w -> !w.isNew()).toList();
        if (!updates.isEmpty()) {
            await(conn.preparedQuery("""
                    UPDATE reservations r SET clinic_id = q.clinic_id, product = q.product, day = q.day, grp = q.grp,
                                              status = q.status, changed_at = q.changed_at
                    FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::text[], $5::date[], $6::smallint[], $7::text[],
                                $8::timestamptz[]) AS q(reference, dose, clinic_id, product, day, grp, status, changed_at)
                    WHERE r.reference = q.reference AND r.dose = q.dose""").execute(rows(updates, false)));
        }
        List<WorkingSet.ReservationWrite> inserts = changes.reservations().stream().filter(WorkingSet.ReservationWrite::isNew).toList();
        if (!inserts.isEmpty()) {
            await(conn.preparedQuery("""
                    INSERT INTO reservations (reference, dose, clinic_id, product, day, grp, status, changed_at, person_id, created_at)
                    SELECT * FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::text[], $5::date[], $6::smallint[], $7::text[],
                                         $8::timestamptz[], $9::bigint[], $10::timestamptz[])""").execute(rows(inserts, true)));
        }
        if (!changes.keys().isEmpty()) {
            await(conn.preparedQuery("""
                    INSERT INTO request_keys (person_id, key, fingerprint, answer, created_at)
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])""")
                    .execute(Tuple.tuple()
                            .addArrayOfLong(changes.keys().stream().map(WorkingSet.KeyWrite::personId).toArray(Long[]::new))
                            .addArrayOfString(changes.keys().stream().map(WorkingSet.KeyWrite::key).toArray(String[]::new))
                            .addArrayOfString(changes.keys().stream().map(k -> k.remembered().fingerprint()).toArray(String[]::new))
                            .addArrayOfString(changes.keys().stream().map(k -> AnswerCodec.encode(k.remembered().answer())).toArray(String[]::new))
                            .addArrayOfOffsetDateTime(changes.keys().stream().map(k -> utc(k.at())).toArray(OffsetDateTime[]::new))));
        }
        if (!changes.messages().isEmpty()) {
            await(conn.preparedQuery("""
                    INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at)
                    SELECT k, p, r, b, t, t FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS q(k, p, r, b, t)""")
                    .execute(Tuple.tuple()
                            .addArrayOfString(changes.messages().stream().map(WorkingSet.Message::kind).toArray(String[]::new))
                            .addArrayOfLong(changes.messages().stream().map(m -> m.reservation().personId()).toArray(Long[]::new))
                            .addArrayOfString(changes.messages().stream().map(m -> m.reservation().reference()).toArray(String[]::new))
                            .addArrayOfString(changes.messages().stream().map(m -> Outbox.body(m.kind(), m.reservation())).toArray(String[]::new))
                            .addArrayOfOffsetDateTime(changes.messages().stream().map(m -> utc(m.at())).toArray(OffsetDateTime[]::new))));
        }
    }

    /** Two rows (dose 1, dose 2) per reservation write, as arrays for unnest. */
    private static Tuple rows(List<WorkingSet.ReservationWrite> writes, boolean withPersonAndCreated) {
        int n = writes.size() * 2;
        String[] reference = new String[n];
        Short[] dose = new Short[n];
        Long[] clinic = new Long[n];
        String[] product = new String[n];
        LocalDate[] day = new LocalDate[n];
        Short[] grp = new Short[n];
        String[] status = new String[n];
        OffsetDateTime[] changed = new OffsetDateTime[n];
        Long[] person = new Long[n];
        OffsetDateTime[] created = new OffsetDateTime[n];
        int i = 0;
        for (WorkingSet.ReservationWrite w : writes) {
            Reservation r = w.holding().reservation();
            for (int d = 1; d <= 2; d++, i++) {
                reference[i] = r.reference();
                dose[i] = (short) d;
                clinic[i] = r.clinicId();
                product[i] = r.product();
                day[i] = d == 1 ? r.dose1Day() : r.dose2Day();
                grp[i] = (short) (d == 1 ? w.holding().dose1Group() : w.holding().dose2Group());
                status[i] = w.active() ? "ACTIVE" : "CANCELLED";
                changed[i] = utc(w.changedAt());
                person[i] = r.personId();
                created[i] = utc(r.bookedAt());
            }
        }
        Tuple t = Tuple.tuple().addArrayOfString(reference).addArrayOfShort(dose).addArrayOfLong(clinic).addArrayOfString(product)
                .addArrayOfLocalDate(day).addArrayOfShort(grp).addArrayOfString(status).addArrayOfOffsetDateTime(changed);
        return withPersonAndCreated ? t.addArrayOfLong(person).addArrayOfOffsetDateTime(created) : t;
    }

    static OffsetDateTime utc(java.time.Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
