package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.BookingRules;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.ChangeRequest;
import dev.orderly.booking.Holding;
import dev.orderly.booking.Offer;
import dev.orderly.booking.ReferenceInUseException;
import dev.orderly.booking.Remembered;
import dev.orderly.booking.Reservation;
import dev.orderly.booking.StoreAnswer;
import dev.orderly.booking.WorkingSet;
import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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
 *
 * <p>When the connection breaks after COMMIT was sent, the batch may have committed or not, and
 * running it again would answer from its own writes ("already booked", "nothing to cancel").
 * So the transaction's id and a random mark (a row in {@code booking_commit_marks}) travel with the
 * writes, and the outcome is then read from PostgreSQL on another connection: while
 * {@code pg_xact_status} says the id is in progress, it is asked again; once it says committed, the
 * mark decides (after a crash an id whose commit never reached the disk is given to a new
 * transaction, whose commit must not be taken for this one's — PostgresOutageIT met exactly that):
 * the mark there, the decided answers are the truth; aborted or no mark, the batch runs again; unknowable (the database stays away), each command fails
 * with a {@link StoreUnavailableException} that says so, and a retry with the same idempotency key reads what
 * committed.
 */
final class BookingTransaction {

    private static final int ATTEMPTS = 4;

    /** One batch in this many that writes also deletes the commit marks older than an hour. */
    private static final int MARK_CLEANUP_ONE_IN = 1024;

    /** How long an unknown commit outcome is asked after before the commands fail as unknown. */
    private static final long RESOLVE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Pool pool;
    private final BookingMetrics metrics;
    /** Dose-2 intervals by product, so an optimistic batch can ask for capacity before its offers arrive. */
    private volatile Map<String, Interval> intervals = Map.of();

    BookingTransaction(Pool pool, BookingMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    /** A product's dose-2 interval, in days after dose 1. */
    private record Interval(int minDays, int maxDays) {
        boolean matches(Offer offer) {
            return minDays == offer.dose2MinDays() && maxDays == offer.dose2MaxDays();
        }
    }

    /** Days {@code from} through {@code to}, both included. */
    private record DayRange(LocalDate from, LocalDate to) {
    }

    /** The products' intervals changed since they were cached: run again. */
    private static final class StaleIntervals extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleIntervals() {
            super("a product's dose-2 interval changed", null, false, false);
        }
    }

    /** The connection broke after COMMIT was sent; {@code xid} is null when its answer was lost too. */
    private static final class CommitOutcomeUnknown extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String xid;
        private final UUID mark;
        private final transient List<CommandResult> results;

        CommitOutcomeUnknown(String xid, UUID mark, List<CommandResult> results, Throwable cause) {
            super("the connection broke after COMMIT was sent", cause);
            this.xid = xid;
            this.mark = mark;
            this.results = results;
        }
    }

    private Map<String, Interval> intervals(List<BookingCommand> commands) {
        Map<String, Interval> known = intervals;
        boolean missing = commands.stream().anyMatch(c -> c instanceof BookingCommand.Book b && !known.containsKey(b.request().product()));
        return missing ? refreshIntervals() : known;
    }

    private Map<String, Interval> refreshIntervals() {
        Map<String, Interval> fresh = new HashMap<>();
        await(pool.query("SELECT code, dose2_min_days, dose2_max_days FROM products").execute())
                .forEach(r -> fresh.put(r.getString(0), new Interval(r.getInteger(1), r.getInteger(2))));
        intervals = Map.copyOf(fresh);
        return intervals;
    }

    /** Runs {@code commands} in order, locking first; one result per command, in order. */
    List<CommandResult> run(List<BookingCommand> commands) {
        return run(commands, false);
    }

    /**
     * Runs {@code commands} in order; one result per command, in order.
     *
     * @param optimistic first try without locking what is read (bookings only): capacity is read
     *                   from the snapshot and written with a check that aborts the whole
     *                   transaction if another one changed it meanwhile; the next tries lock
     */
    List<CommandResult> run(List<BookingCommand> commands, boolean optimistic) {
        return run(commands, optimistic, null);
    }

    /**
     * Another table's say in a booking, inside the booking's own transaction: what it locks is
     * locked right after BEGIN (before the booking's rows: reservation and capacity rows are only
     * ever locked after it, so the order stays global), it may refuse before the booking is
     * decided, and it writes with the booking, or refuses after, rolling everything back. A
     * refusal is a {@link RuntimeException} that is not retryable; it reaches the caller as the
     * command's failure. The guard is asked again on every attempt.
     */
    interface Guard {
        /** Locks and reads what the guard decides on; sent right after BEGIN. */
        Future<RowSet<Row>> lock(SqlConnection conn);

        /** Decides on the locked rows, before the booking is decided; throws to refuse. */
        void admit(RowSet<Row> locked);

        /**
         * The writes to send with the booking's, once it is decided ({@code changed}: the booking
         * wrote something, i.e. was not only a remembered answer); throws to refuse and roll back.
         */
        List<Future<RowSet<Row>>> writes(SqlConnection conn, StoreAnswer answer, boolean changed);
    }

    /** Runs one command, locking, with {@code guard}'s say in it (see {@link Guard}). */
    CommandResult runGuarded(BookingCommand command, Guard guard) {
        return run(List.of(command), false, guard).getFirst();
    }

    private List<CommandResult> run(List<BookingCommand> commands, boolean optimistic, Guard guard) {
        if (optimistic && !commands.stream().allMatch(c -> c instanceof BookingCommand.Book)) {
            throw new IllegalArgumentException("only bookings may run optimistically");
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return once(commands, optimistic && attempt == 1, guard);
            } catch (StaleIntervals e) {
                metrics.rerun();
                refreshIntervals();
                last = e;
            } catch (CommitOutcomeUnknown e) {
                Boolean committed = committed(e.xid, e.mark);
                if (Boolean.TRUE.equals(committed)) {
                    return e.results;
                }
                if (committed == null) {
                    StoreUnavailableException unknown = new StoreUnavailableException(PostgresErrors.DEPENDENCY, "the outcome of " + commands.size()
                            + " booking command(s) is unknown: the connection broke after COMMIT and the database could not say; "
                            + "a retry with the same idempotency key answers what committed", e);
                    return commands.stream().map(c -> (CommandResult) new CommandResult.Failed(unknown)).toList();
                }
                metrics.rerun();
                last = e;
            } catch (RuntimeException e) {
                if (!PostgresErrors.retryable(e)) {
                    if (commands.size() == 1) {
                        return List.of(new CommandResult.Failed(e));
                    }
                    break;
                }
                metrics.rerun();
                last = e;
            }
        }
        if (commands.size() == 1) {
            return List.of(new CommandResult.Failed(last == null ? new StoreUnavailableException(PostgresErrors.DEPENDENCY, "booking transaction failed", null) : last));
        }
        List<CommandResult> one = new ArrayList<>(commands.size());
        for (BookingCommand c : commands) {
            one.add(run(List.of(c)).getFirst());
        }
        return one;
    }

    /**
     * Whether transaction {@code xid} committed: true, false (rolled back), or null when that cannot
     * be learnt (no id, the database unreachable until the deadline, or the id too old).
     */
    private Boolean committed(String xid, UUID mark) {
        if (xid == null || mark == null) {
            return null;
        }
        long deadline = System.nanoTime() + RESOLVE_NANOS;
        while (true) {
            try {
                String status = await(pool.preparedQuery("SELECT pg_xact_status($1::text::xid8)").execute(Tuple.of(xid)))
                        .iterator().next().getString(0);
                if (status == null) {
                    return null;
                }
                switch (status) {
                    case "committed" -> {
                        // The id may be another transaction's: after a crash an id whose commit never
                        // reached the disk is handed out again. The batch's own mark says which.
                        return await(pool.preparedQuery("SELECT count(*) FROM booking_commit_marks WHERE mark = $1")
                                .execute(Tuple.of(mark))).iterator().next().getLong(0) == 1;
                    }
                    case "aborted" -> {
                        return false;
                    }
                    default -> {
                        // "in progress": its server process has not yet finished the COMMIT, or not yet noticed the lost client.
                    }
                }
            } catch (RuntimeException unreachable) {
                // asked again until the deadline
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private List<CommandResult> once(List<BookingCommand> commands, boolean optimistic, Guard guard) {
        long t = System.nanoTime();
        Map<String, Interval> assumed = optimistic ? intervals(commands) : null;
        SqlConnection conn = await(pool.getConnection());
        boolean open = false;
        boolean commitSent = false;
        Future<RowSet<Row>> xid = null;
        UUID mark = null;
        List<CommandResult> results = null;
        try {
            // Pipelined: BEGIN and the first loads leave together; see the design note.
            // Prepared statements keep the generic plan made when the tables were small; a plan that
            // scans request_keys or reservations whole would grow slower with every booking. Index
            // paths are the right plans here at any size (and where autovacuum never analyzes).
            // One message for both (issue #17: a statement less to send and answer per transaction).
            Future<RowSet<Row>> begin = conn.query("BEGIN; SET LOCAL enable_seqscan = off").execute();
            open = true;
            Future<RowSet<Row>> guarded = guard == null ? null : guard.lock(conn);
            WorkingSet ledger = WorkingSet.bounded();
            Loads loads = sendFirstLoads(conn, ledger, commands, assumed);
            await(begin);
            if (guard != null) {
                guard.admit(await(guarded));
            }
            t = metrics.lap(BookingMetrics.Phase.CONNECT, t);
            t = load(conn, ledger, commands, loads, t);
            results = new ArrayList<>(commands.size());
            for (BookingCommand c : commands) {
                try {
                    results.add(new CommandResult.Answered(decide(ledger, c)));
                } catch (ReferenceInUseException e) {
                    results.add(new CommandResult.Failed(e));
                }
            }
            WorkingSet.Changes changes = ledger.changes();
            List<Future<RowSet<Row>>> guardWrites = guard == null ? List.of()
                    : guard.writes(conn, results.getFirst().answerOrThrow(), !changes.isEmpty());
            if (!guardWrites.isEmpty() && changes.isEmpty()) {
                // The commit-outcome check below keys on the booking's writes; a guard may only add to them.
                throw new IllegalStateException("a guard wrote where the booking wrote nothing");
            }
            t = metrics.lap(BookingMetrics.Phase.DECIDE, t);
            List<Future<RowSet<Row>>> writes = new ArrayList<>();
            if (!changes.isEmpty()) {
                mark = UUID.randomUUID();
                // The mark and the transaction's id, should the answer to COMMIT be lost (a transaction
                // that writes has an id anyway): one statement, not two (issue #17).
                xid = conn.preparedQuery("INSERT INTO booking_commit_marks (mark) VALUES ($1) RETURNING pg_current_xact_id()::text")
                        .execute(Tuple.of(mark));
                writes.add(xid);
                if (ThreadLocalRandom.current().nextInt(MARK_CLEANUP_ONE_IN) == 0) {
                    writes.add(conn.query("DELETE FROM booking_commit_marks WHERE at < now() - interval '1 hour'").execute());
                }
                writes.addAll(write(conn, changes, optimistic));
            }
            writes.addAll(guardWrites);
            Future<RowSet<Row>> commit = conn.query("COMMIT").execute();
            commitSent = true;
            for (Future<RowSet<Row>> w : writes) {
                await(w);
            }
            t = metrics.lap(BookingMetrics.Phase.WRITE, t);
            RowSet<Row> committed = await(commit);
            open = false;
            metrics.lap(BookingMetrics.Phase.COMMIT, t);
            if (committed == null) {
                throw new StoreUnavailableException(PostgresErrors.DEPENDENCY, "COMMIT gave no answer", null);
            }
            return results;
        } catch (RuntimeException e) {
            if (commitSent && !(e instanceof PgException)) {
                // PostgreSQL did not answer (an error it answers rolls the transaction back): it may have committed.
                if (xid == null) {
                    return results; // nothing was written: the answers hold either way
                }
                throw new CommitOutcomeUnknown(xid.succeeded() ? xid.result().iterator().next().getString(0) : null, mark, results, e);
            }
            if (open) {
                // After a failed statement PostgreSQL ends the transaction on ROLLBACK (a pipelined COMMIT also rolls back).
                conn.query("ROLLBACK").execute();
            }
            throw e;
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

    /** The loads that need nothing but the commands, sent at once. */
    private record Loads(Future<RowSet<Row>> keys, Future<RowSet<Row>> holdings, Set<Pair> pairs, Future<RowSet<Row>> offers,
                         Future<RowSet<Row>> references, Map<String, Interval> assumed, List<PairDays> ranges,
                         Future<RowSet<Row>> capacity) {
    }

    /** A clinic-product's day range, one row of the capacity read. */
    private record PairDays(Pair pair, DayRange days) {
    }

    /**
     * Sends the loads that need nothing but the commands. When {@code assumed} intervals are given
     * (an optimistic batch of bookings) the capacity read goes along too, planned with them.
     */
    private static Loads sendFirstLoads(SqlConnection conn, WorkingSet ledger, List<BookingCommand> commands, Map<String, Interval> assumed) {
        boolean optimistic = assumed != null;
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
        Future<RowSet<Row>> keyRows = keys.isEmpty() ? null : conn.preparedQuery("""
                SELECT k.person_id, k.key, k.fingerprint, k.answer
                FROM request_keys k JOIN unnest($1::bigint[], $2::text[]) AS q(person_id, key)
                  ON k.person_id = q.person_id AND k.key = q.key""")
                .execute(Tuple.tuple().addArrayOfLong(keyPersons.toArray(Long[]::new)).addArrayOfString(keys.toArray(String[]::new)));

        // 2. active reservations of the people, locked in person order
        Set<Long> persons = new TreeSet<>();
        commands.forEach(c -> persons.add(c.personId()));
        persons.forEach(p -> ledger.putHolding(p, null));
        // Optimistic bookings only read them: a booking never changes an existing reservation, and a
        // concurrent new one for the same person fails the insert on the unique index.
        Future<RowSet<Row>> holdingRows = conn.preparedQuery(optimistic ? HOLDINGS_READ : HOLDINGS_READ + " FOR UPDATE OF r")
                .execute(Tuple.of(persons.toArray(Long[]::new)));

        // 3. offers of the clinics and products asked for
        Set<Pair> pairs = new LinkedHashSet<>();
        for (BookingCommand c : commands) {
            switch (c) {
                case BookingCommand.Book b -> pairs.add(new Pair(b.request().clinicId(), b.request().product()));
                case BookingCommand.Change ch when ch.request() instanceof ChangeRequest.MoveDose1 m -> pairs.add(new Pair(m.clinicId(), m.product()));
                default -> {
                }
            }
        }
        Future<RowSet<Row>> offerRows = pairs.isEmpty() ? null : offers(conn, pairs);

        // 5. are the new references taken?
        List<String> references = new ArrayList<>();
        for (BookingCommand c : commands) {
            if (c instanceof BookingCommand.Book b) {
                references.add(b.reference());
                ledger.putReference(b.reference(), false);
            }
        }
        Future<RowSet<Row>> referenceRows = references.isEmpty() ? null
                : conn.preparedQuery("SELECT DISTINCT reference FROM reservations WHERE reference = ANY($1)")
                        .execute(Tuple.of(references.toArray(String[]::new)));
        List<PairDays> ranges = new ArrayList<>();
        Future<RowSet<Row>> capacityRows = null;
        if (optimistic) {
            Map<Pair, List<DayRange>> wanted = new LinkedHashMap<>();
            for (BookingCommand c : commands) {
                BookingCommand.Book b = (BookingCommand.Book) c;
                Interval interval = assumed.get(b.request().product());
                if (interval != null) {
                    wanted.computeIfAbsent(new Pair(b.request().clinicId(), b.request().product()), k -> new ArrayList<>())
                            .addAll(dayRanges(BookingRules.daysTouched(b.request().day(), new Offer("", interval.minDays(), interval.maxDays()))));
                }
            }
            capacityRows = sendCapacity(conn, wanted, ranges, true);
        }
        return new Loads(keyRows, holdingRows, pairs, offerRows, referenceRows, assumed, ranges, capacityRows);
    }

    /** Sends the capacity read for the wanted days (merged per clinic-product) and adds its rows to {@code ranges}; null when nothing is wanted. */
    private static Future<RowSet<Row>> sendCapacity(SqlConnection conn, Map<Pair, List<DayRange>> wanted, List<PairDays> ranges,
                                                    boolean optimistic) {
        wanted.forEach((p, days) -> merge(days).forEach(r -> ranges.add(new PairDays(p, r))));
        if (ranges.isEmpty()) {
            return null;
        }
        return conn.preparedQuery(optimistic ? CAPACITY_READ : CAPACITY_READ + " FOR UPDATE OF dc")
                .execute(Tuple.tuple()
                        .addArrayOfLong(ranges.stream().map(r -> r.pair().clinicId()).toArray(Long[]::new))
                        .addArrayOfString(ranges.stream().map(r -> r.pair().product()).toArray(String[]::new))
                        .addArrayOfLocalDate(ranges.stream().map(r -> r.days().from()).toArray(LocalDate[]::new))
                        .addArrayOfLocalDate(ranges.stream().map(r -> r.days().to()).toArray(LocalDate[]::new)));
    }

    private static void putCapacity(WorkingSet ledger, Future<RowSet<Row>> rows, List<PairDays> ranges) {
        if (rows == null) {
            return;
        }
        await(rows).forEach(r -> ledger.putBucket(new Bucket(r.getLong(0), r.getString(1), r.getLocalDate(2), r.getShort(3)),
                r.getInteger(4), r.getInteger(5)));
        for (PairDays r : ranges) {
            ledger.coverDays(r.pair().clinicId(), r.pair().product(), r.days().from(), r.days().to());
        }
    }

    /** The rules' {from, to} pairs as ranges. */
    private static List<DayRange> dayRanges(List<LocalDate[]> days) {
        return days.stream().map(d -> new DayRange(d[0], d[1])).toList();
    }

    private static final String HOLDINGS_READ = """
            SELECT r.reference, r.dose, r.person_id, r.clinic_id, c.name, r.product, r.day, r.grp, r.created_at, r.changed_at
            FROM reservations r JOIN clinics c ON c.id = r.clinic_id
            WHERE r.person_id = ANY($1) AND r.status = 'ACTIVE'
            ORDER BY r.person_id, r.dose""";

    private static Future<RowSet<Row>> offers(SqlConnection conn, Set<Pair> pairs) {
        return conn.preparedQuery("""
                SELECT cp.clinic_id, cp.product, c.name, p.dose2_min_days, p.dose2_max_days
                FROM unnest($1::bigint[], $2::text[]) AS q(clinic_id, product)
                JOIN clinic_products cp ON cp.clinic_id = q.clinic_id AND cp.product = q.product
                JOIN clinics c ON c.id = cp.clinic_id JOIN products p ON p.code = cp.product""")
                .execute(Tuple.tuple().addArrayOfLong(pairs.stream().map(Pair::clinicId).toArray(Long[]::new))
                        .addArrayOfString(pairs.stream().map(Pair::product).toArray(String[]::new)));
    }

    private long load(SqlConnection conn, WorkingSet ledger, List<BookingCommand> commands, Loads loads, long t) {
        if (loads.keys() != null) {
            await(loads.keys()).forEach(r -> ledger.putRemembered(r.getLong(0), r.getString(1),
                    new Remembered(r.getString(2), AnswerCodec.decode(r.getString(3)))));
        }
        t = metrics.lap(BookingMetrics.Phase.REMEMBERED, t);
        List<Holding> holdings = holdings(await(loads.holdings()));
        holdings.forEach(h -> ledger.putHolding(h.reservation().personId(), h));
        t = metrics.lap(BookingMetrics.Phase.HOLDINGS, t);
        Map<Pair, Offer> offers = new HashMap<>();
        if (loads.offers() != null) {
            await(loads.offers()).forEach(r -> offers.put(new Pair(r.getLong(0), r.getString(1)),
                    new Offer(r.getString(2), r.getInteger(3), r.getInteger(4))));
        }
        Set<Pair> pairs = new LinkedHashSet<>(loads.pairs());
        Set<Pair> more = new LinkedHashSet<>();
        holdings.forEach(h -> {
            Pair p = new Pair(h.reservation().clinicId(), h.reservation().product());
            if (pairs.add(p)) {
                more.add(p);
            }
        });
        if (!more.isEmpty()) {
            await(offers(conn, more)).forEach(r -> offers.put(new Pair(r.getLong(0), r.getString(1)),
                    new Offer(r.getString(2), r.getInteger(3), r.getInteger(4))));
        }
        pairs.forEach(p -> ledger.putOffer(p.clinicId(), p.product(), offers.get(p)));
        t = metrics.lap(BookingMetrics.Phase.OFFERS, t);

        // 4. capacity rows, in one global order: locked, or (optimistic) read with the first loads
        if (loads.assumed() != null) {
            for (Map.Entry<Pair, Offer> e : offers.entrySet()) {
                Interval assumed = loads.assumed().get(e.getKey().product());
                if (assumed == null || !assumed.matches(e.getValue())) {
                    throw new StaleIntervals();
                }
            }
            putCapacity(ledger, loads.capacity(), loads.ranges());
        } else {
            Map<Pair, List<DayRange>> wanted = new LinkedHashMap<>();
            for (BookingCommand c : commands) {
                switch (c) {
                    case BookingCommand.Book b -> want(wanted, offers, new Pair(b.request().clinicId(), b.request().product()), b.request().day());
                    case BookingCommand.Change ch when ch.request() instanceof ChangeRequest.MoveDose1 m ->
                            want(wanted, offers, new Pair(m.clinicId(), m.product()), m.day());
                    default -> {
                    }
                }
            }
            for (Holding h : holdings) {
                Pair p = new Pair(h.reservation().clinicId(), h.reservation().product());
                wanted.computeIfAbsent(p, k -> new ArrayList<>()).addAll(dayRanges(BookingRules.daysTouched(h, offers.get(p))));
            }
            List<PairDays> ranges = new ArrayList<>();
            putCapacity(ledger, sendCapacity(conn, wanted, ranges, false), ranges);
        }
        t = metrics.lap(BookingMetrics.Phase.CAPACITY, t);
        if (loads.references() != null) {
            await(loads.references()).forEach(r -> ledger.putReference(r.getString(0), true));
        }
        return metrics.lap(BookingMetrics.Phase.REFERENCES, t);
    }

    private static final String CAPACITY_READ = """
            SELECT dc.clinic_id, dc.product, dc.day, dc.grp, dc.capacity, dc.booked
            FROM day_capacity dc JOIN unnest($1::bigint[], $2::text[], $3::date[], $4::date[]) AS q(clinic_id, product, lo, hi)
              ON dc.clinic_id = q.clinic_id AND dc.product = q.product AND dc.day BETWEEN q.lo AND q.hi
            ORDER BY dc.clinic_id, dc.product, dc.day, dc.grp DESC""";

    /** The days a booking (or dose-1 move) of {@code pair} on {@code day} may touch; nothing when the pair is not offered. */
    private static void want(Map<Pair, List<DayRange>> wanted, Map<Pair, Offer> offers, Pair pair, LocalDate day) {
        Offer offer = offers.get(pair);
        if (offer != null) {
            wanted.computeIfAbsent(pair, k -> new ArrayList<>()).addAll(dayRanges(BookingRules.daysTouched(day, offer)));
        }
    }

    /** Day ranges sorted and merged where they overlap or touch, so no row is read twice. */
    private static List<DayRange> merge(List<DayRange> days) {
        List<DayRange> sorted = new ArrayList<>(days);
        sorted.sort(java.util.Comparator.comparing(DayRange::from));
        List<DayRange> merged = new ArrayList<>();
        for (DayRange r : sorted) {
            DayRange last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && !r.from().isAfter(last.to().plusDays(1))) {
                if (r.to().isAfter(last.to())) {
                    merged.set(merged.size() - 1, new DayRange(last.from(), r.to()));
                }
            } else {
                merged.add(r);
            }
        }
        return merged;
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

    /** Sends the writes (updates before inserts) without waiting; the caller awaits them. */
    static List<Future<RowSet<Row>>> write(SqlConnection conn, WorkingSet.Changes changes, boolean optimistic) {
        List<Future<RowSet<Row>>> sent = new ArrayList<>();
        List<Map.Entry<Bucket, Integer>> deltas = changes.capacityDeltas().entrySet().stream().filter(e -> e.getValue() != 0).toList();
        if (!deltas.isEmpty()) {
            Tuple args = Tuple.tuple()
                    .addArrayOfLong(deltas.stream().map(e -> e.getKey().clinicId()).toArray(Long[]::new))
                    .addArrayOfString(deltas.stream().map(e -> e.getKey().product()).toArray(String[]::new))
                    .addArrayOfLocalDate(deltas.stream().map(e -> e.getKey().day()).toArray(LocalDate[]::new))
                    .addArrayOfShort(deltas.stream().map(e -> (short) e.getKey().group()).toArray(Short[]::new))
                    .addArrayOfInteger(deltas.stream().map(Map.Entry::getValue).toArray(Integer[]::new));
            // Optimistic: the rows were not locked when read; every one must still have room now, or
            // orderly_conflict() aborts the transaction (SQLSTATE 40001) and it runs again, locking.
            sent.add(conn.preparedQuery(optimistic ? """
                    WITH q AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::smallint[], $5::int[])
                                 AS q(clinic_id, product, day, grp, delta)),
                         done AS (UPDATE day_capacity dc SET booked = dc.booked + q.delta FROM q
                                  WHERE dc.clinic_id = q.clinic_id AND dc.product = q.product AND dc.day = q.day AND dc.grp = q.grp
                                    AND dc.booked + q.delta BETWEEN 0 AND dc.capacity
                                  RETURNING 1)
                    SELECT orderly_conflict('capacity changed since it was read') FROM (SELECT count(*) AS n FROM done) d
                    WHERE d.n <> (SELECT count(*) FROM q)""" : """
                    UPDATE day_capacity dc SET booked = dc.booked + q.delta
                    FROM unnest($1::bigint[], $2::text[], $3::date[], $4::smallint[], $5::int[]) AS q(clinic_id, product, day, grp, delta)
                    WHERE dc.clinic_id = q.clinic_id AND dc.product = q.product AND dc.day = q.day AND dc.grp = q.grp""")
                    .execute(args));
        }
        List<WorkingSet.ReservationWrite> updates = changes.reservations().stream().filter(w -> !w.isNew()).toList();
        if (!updates.isEmpty()) {
            sent.add(conn.preparedQuery("""
                    UPDATE reservations r SET clinic_id = q.clinic_id, product = q.product, day = q.day, grp = q.grp,
                                              status = q.status, changed_at = q.changed_at
                    FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::text[], $5::date[], $6::smallint[], $7::text[],
                                $8::timestamptz[]) AS q(reference, dose, clinic_id, product, day, grp, status, changed_at)
                    WHERE r.reference = q.reference AND r.dose = q.dose""").execute(rows(updates, false)));
        }
        List<WorkingSet.ReservationWrite> inserts = changes.reservations().stream().filter(WorkingSet.ReservationWrite::isNew).toList();
        if (!inserts.isEmpty()) {
            sent.add(conn.preparedQuery("""
                    INSERT INTO reservations (reference, dose, clinic_id, product, day, grp, status, changed_at, person_id, created_at)
                    SELECT * FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::text[], $5::date[], $6::smallint[], $7::text[],
                                         $8::timestamptz[], $9::bigint[], $10::timestamptz[])""").execute(rows(inserts, true)));
        }
        if (!changes.keys().isEmpty()) {
            sent.add(conn.preparedQuery("""
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
            sent.add(conn.preparedQuery("""
                    INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at)
                    SELECT k, p, r, b, t, t FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS q(k, p, r, b, t)""")
                    .execute(Tuple.tuple()
                            .addArrayOfString(changes.messages().stream().map(WorkingSet.Message::kind).toArray(String[]::new))
                            .addArrayOfLong(changes.messages().stream().map(m -> m.reservation().personId()).toArray(Long[]::new))
                            .addArrayOfString(changes.messages().stream().map(m -> m.reservation().reference()).toArray(String[]::new))
                            .addArrayOfString(changes.messages().stream().map(m -> Outbox.body(m.kind(), m.reservation())).toArray(String[]::new))
                            .addArrayOfOffsetDateTime(changes.messages().stream().map(m -> utc(m.at())).toArray(OffsetDateTime[]::new))));
        }
        return sent;
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
