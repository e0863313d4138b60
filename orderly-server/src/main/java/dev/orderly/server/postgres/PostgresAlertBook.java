package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.watch.Alert;
import dev.orderly.watch.AlertBook;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The alerts in PostgreSQL, so every node's console shows the same ones and an evaluator taking
 * over resolves what the previous one raised. A partial unique index keeps one active alert per
 * rule and subject even if two evaluators overlapped for a moment.
 */
public final class PostgresAlertBook implements AlertBook {

    private static final String COLUMNS = "rule, subject, detail, runbook, raised_at, resolved_at";

    private final Pool pool;

    public PostgresAlertBook(Pool pool) {
        this.pool = pool;
    }

    @Override
    public boolean raise(Alert alert) {
        return await(pool.preparedQuery("""
                INSERT INTO alerts (rule, subject, detail, runbook, raised_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (rule, subject) WHERE resolved_at IS NULL DO NOTHING""")
                .execute(Tuple.of(alert.rule(), alert.subject(), alert.detail(), alert.runbook(), PostgresBookingStore.utc(alert.raisedAt()))))
                .rowCount() == 1;
    }

    @Override
    public boolean resolve(String key, Instant at) {
        int bar = key.indexOf('|');
        return await(pool.preparedQuery("UPDATE alerts SET resolved_at = $3 WHERE rule = $1 AND subject = $2 AND resolved_at IS NULL")
                .execute(Tuple.of(key.substring(0, bar), key.substring(bar + 1), PostgresBookingStore.utc(at)))).rowCount() == 1;
    }

    @Override
    public List<Alert> active() {
        return read(await(pool.query("SELECT " + COLUMNS + " FROM alerts WHERE resolved_at IS NULL ORDER BY raised_at, id").execute()));
    }

    @Override
    public List<Alert> recent(int limit) {
        return read(await(pool.preparedQuery("SELECT " + COLUMNS + " FROM alerts ORDER BY id DESC LIMIT $1").execute(Tuple.of(limit))));
    }

    private static List<Alert> read(Iterable<Row> rows) {
        List<Alert> out = new ArrayList<>();
        for (Row r : rows) {
            OffsetDateTime resolved = r.getOffsetDateTime("resolved_at");
            out.add(new Alert(r.getString("rule"), r.getString("subject"), r.getString("detail"), r.getString("runbook"),
                    r.getOffsetDateTime("raised_at").toInstant(), resolved == null ? null : resolved.toInstant()));
        }
        return out;
    }
}
