package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.gate.LineRecall;
import dev.orderly.gate.RecallStore;
import dev.orderly.gate.Ticket;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The recalls of every node, in PostgreSQL ({@code line_recalls}, V14). A watcher's turn is one
 * transaction: lock the untexted rows no other node holds ({@code FOR UPDATE SKIP LOCKED}), ask
 * which are due, then queue their texts in the outbox and set their {@code texted_at} before the
 * commit. A node dying mid-turn rolls both back; two nodes never look at the same row at once; a
 * row once texted is never offered again. The outbox relay delivers, to the phone in the registry.
 */
public final class PostgresRecallStore implements RecallStore {

    static final String KIND = "recall";

    // Each statement is whole, not spliced: AdapterStatementsParseIT prepares every one as written.
    // The heads of each line, not the first armed: a place becomes due in line order, so looking at
    // the earliest armed would let people far back, who left early, hide a due place nearer the front
    // (and one gate's line hide another's). $1 places per gate.
    private static final String LOCK_DUE = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser
            FROM line_recalls
            WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY gate ORDER BY sequence) AS place
                                         FROM line_recalls WHERE texted_at IS NULL) AS heads
                         WHERE place <= $1)
            FOR UPDATE SKIP LOCKED""";

    private static final String ARM = """
            INSERT INTO line_recalls (id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, '') ON CONFLICT (gate, sequence) DO NOTHING""";

    private static final String BY_PLACE = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser
            FROM line_recalls WHERE gate = $1 AND sequence = $2""";

    private static final String BY_ID = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser
            FROM line_recalls WHERE id = $1""";

    private static final String QUEUE = """
            WITH texts AS (
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS q(id, person_id, reference, body)),
            queued AS (
                INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at)
                SELECT 'recall', person_id, reference, body, $5, $5 FROM texts)
            UPDATE line_recalls r SET texted_at = $5 FROM texts WHERE r.id = texts.id""";

    private final Pool pool;

    public PostgresRecallStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public LineRecall arm(LineRecall recall) {
        Ticket t = recall.ticket();
        await(pool.preparedQuery(ARM)
                .execute(Tuple.of(recall.id(), t.gate(), t.sequence(), PostgresBookingStore.utc(t.issuedAt()), t.browserId(), t.holder(),
                        recall.personId(), PostgresBookingStore.utc(recall.armedAt()))));
        RowSet<Row> rows = await(pool.preparedQuery(BY_PLACE)
                .execute(Tuple.of(t.gate(), t.sequence())));
        return recall(rows.iterator().next());
    }

    @Override
    public Optional<LineRecall> find(String id) {
        RowSet<Row> rows = await(pool.preparedQuery(BY_ID).execute(Tuple.of(id)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(recall(rows.iterator().next()));
    }

    @Override
    public List<LineRecall> textDue(Instant now, int limit, Function<LineRecall, Optional<String>> textIfDue) {
        return await(pool.withTransaction(conn -> conn.preparedQuery(LOCK_DUE).execute(Tuple.of(limit)).compose(rows -> {
            List<LineRecall> due = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (Row row : rows) {
                LineRecall r = recall(row);
                Optional<String> text = textIfDue.apply(r);
                if (text.isPresent()) {
                    due.add(r.textedAt(now));
                    texts.add(text.get());
                }
            }
            if (due.isEmpty()) {
                return Future.succeededFuture(due);
            }
            return conn.preparedQuery(QUEUE).execute(Tuple.tuple()
                            .addArrayOfString(due.stream().map(LineRecall::id).toArray(String[]::new))
                            .addArrayOfLong(due.stream().map(LineRecall::personId).toArray(Long[]::new))
                            .addArrayOfString(due.stream().map(r -> "line:" + r.ticket().gate()).toArray(String[]::new))
                            .addArrayOfString(texts.toArray(String[]::new))
                            .addOffsetDateTime(PostgresBookingStore.utc(now)))
                    .map(done -> due);
        })));
    }

    @Override
    public boolean bindBrowser(String id, String browserId) {
        RowSet<Row> rows = await(pool.preparedQuery("""
                UPDATE line_recalls SET restored_browser = CASE WHEN restored_browser = '' THEN $2 ELSE restored_browser END
                WHERE id = $1 RETURNING restored_browser""").execute(Tuple.of(id, browserId)));
        return rows.size() == 1 && rows.iterator().next().getString(0).equals(browserId);
    }

    private static LineRecall recall(Row r) {
        OffsetDateTime texted = r.getOffsetDateTime("texted_at");
        return new LineRecall(r.getString("id"), new Ticket(r.getString("gate"), r.getLong("sequence"),
                r.getOffsetDateTime("issued_at").toInstant(), r.getString("browser_id"), r.getString("holder")), r.getLong("person_id"),
                r.getOffsetDateTime("armed_at").toInstant(), texted == null ? null : texted.toInstant(), r.getString("restored_browser"));
    }
}
