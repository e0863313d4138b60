package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.audit.AuditChain;
import dev.orderly.audit.AuditEntry;
import dev.orderly.audit.AuditEvent;
import dev.orderly.audit.AuditLog;
import dev.orderly.audit.AuditQuery;
import dev.orderly.audit.ChainCheck;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit log in PostgreSQL ({@code audit_log}, {@code audit_head}; V7), shared by every node.
 * An append locks the one head row, chains the entry to it, inserts it and moves the head, in one
 * transaction: appends from any number of nodes queue on that lock and form one chain. The schema
 * refuses any change or removal of an entry, and an insert that does not extend the head.
 */
public final class PostgresAuditLog implements AuditLog {

    private static final String COLUMNS = "seq, at, actor, role, action, target, before_state, after_state, address, previous_hash, hash";
    /** Entries read at a time while verifying. */
    private static final int PAGE = 1000;

    private final Pool pool;
    private final Clock clock;

    public PostgresAuditLog(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public AuditEntry append(AuditEvent event) {
        return await(pool.withTransaction(conn -> conn.query("SELECT seq, hash FROM audit_head FOR UPDATE").execute().compose(rows -> {
            Row head = rows.iterator().next();
            // Timed under the lock, so the entries' times rise with their sequence on one node's clock.
            AuditEntry entry = AuditChain.next(head.getLong(0) + 1, clock.instant(), event, head.getString(1));
            return conn.preparedQuery("INSERT INTO audit_log (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                    .execute(Tuple.tuple().addLong(entry.sequence()).addOffsetDateTime(PostgresBookingStore.utc(entry.at()))
                            .addString(event.actor()).addString(event.role()).addString(event.action()).addString(event.target())
                            .addString(event.before()).addString(event.after()).addString(event.address())
                            .addString(entry.previousHash()).addString(entry.hash()))
                    .compose(x -> conn.preparedQuery("UPDATE audit_head SET seq = $1, hash = $2")
                            .execute(Tuple.of(entry.sequence(), entry.hash())))
                    .map(entry);
        })));
    }

    @Override
    public List<AuditEntry> read(AuditQuery q) {
        List<String> where = new ArrayList<>();
        Tuple args = Tuple.tuple();
        q.actor().ifPresent(a -> where.add("actor = $" + add(args, a)));
        q.action().ifPresent(a -> where.add("action = $" + add(args, a)));
        // LIKE with the prefix's own wildcards escaped: taken literally, and a plan may use the text_pattern_ops index.
        q.targetPrefix().ifPresent(t -> where.add("target LIKE $" + add(args,
                t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")));
        q.from().ifPresent(f -> where.add("at >= $" + add(args, PostgresBookingStore.utc(f))));
        q.to().ifPresent(t -> where.add("at < $" + add(args, PostgresBookingStore.utc(t))));
        q.after().ifPresent(s -> where.add("seq > $" + add(args, s)));
        q.before().ifPresent(s -> where.add("seq < $" + add(args, s)));
        String sql = "SELECT " + COLUMNS + " FROM audit_log" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY seq " + (q.newestFirst() ? "DESC" : "ASC") + " LIMIT $" + add(args, q.limit());
        List<AuditEntry> entries = new ArrayList<>();
        await(pool.preparedQuery(sql).execute(args)).forEach(r -> entries.add(entry(r)));
        return List.copyOf(entries);
    }

    private static int add(Tuple args, Object value) {
        args.addValue(value);
        return args.size();
    }

    /**
     * Reads the head and every entry in one snapshot (a repeatable-read transaction), so appends
     * made meanwhile neither break the walk nor pass for entries added behind the head's back.
     * The hashing runs here, on the caller's virtual thread, not on the client's event loop.
     */
    @Override
    public ChainCheck.Verification verify() {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            try {
                return walk(conn, tx);
            } catch (RuntimeException e) {
                tx.rollback();
                throw e;
            }
        } finally {
            conn.close();
        }
    }

    private ChainCheck.Verification walk(SqlConnection conn, Transaction tx) {
        await(conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute());
        Row headRow = await(conn.query("SELECT seq, hash FROM audit_head").execute()).iterator().next();
        ChainCheck check = new ChainCheck();
        long after = 0;
        boolean going = true;
        while (going) {
            RowSet<Row> rows = await(conn.preparedQuery("SELECT " + COLUMNS + " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
                    .execute(Tuple.of(after, PAGE)));
            for (Row r : rows) {
                AuditEntry e = entry(r);
                after = e.sequence();
                if (!check.accept(e)) {
                    going = false;
                    break;
                }
            }
            going = going && rows.size() == PAGE;
        }
        await(tx.commit());
        return check.finish(Optional.of(new ChainCheck.Head(headRow.getLong(0), headRow.getString(1))));
    }

    private static AuditEntry entry(Row r) {
        return new AuditEntry(r.getLong(0), r.getOffsetDateTime(1).toInstant(),
                new AuditEvent(r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8)),
                r.getString(9), r.getString(10));
    }
}
