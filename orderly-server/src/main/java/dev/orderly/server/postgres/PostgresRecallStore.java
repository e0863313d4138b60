package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.gate.LineRecall;
import dev.orderly.gate.RecallStore;
import dev.orderly.gate.Ticket;
import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.KeyedHash;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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
    // (and one gate's line hide another's). $1 places per gate. The outer "texted_at IS NULL" is
    // what FOR UPDATE re-checks on a row another watcher texted and committed after this
    // statement's snapshot (the subquery's condition is not re-checked): without it such a row
    // comes back, no longer locked, and would be texted twice.
    private static final String LOCK_DUE = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser, phone_sealed, phone_key_id
            FROM line_recalls
            WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY gate ORDER BY sequence) AS place
                                         FROM line_recalls WHERE texted_at IS NULL) AS heads
                         WHERE place <= $1)
              AND texted_at IS NULL
            FOR UPDATE SKIP LOCKED""";

    private static final String ARM = """
            INSERT INTO line_recalls (id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser,
                                      phone_sealed, phone_key_id, phone_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, '', $9, $10, $11) ON CONFLICT DO NOTHING""";

    private static final String BY_PHONE = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser, phone_sealed, phone_key_id
            FROM line_recalls WHERE gate = $1 AND phone_hash = $2""";

    private static final String BY_PLACE = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser, phone_sealed, phone_key_id
            FROM line_recalls WHERE gate = $1 AND sequence = $2""";

    private static final String BY_ID = """
            SELECT id, gate, sequence, issued_at, browser_id, holder, person_id, armed_at, texted_at, restored_browser, phone_sealed, phone_key_id
            FROM line_recalls WHERE id = $1""";

    private static final String QUEUE = """
            WITH texts AS (
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS q(id, person_id, reference, body)),
            queued AS (
                INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at, phone_sealed, phone_key_id)
                SELECT 'recall', t.person_id, t.reference, t.body, $5, $5, r.phone_sealed, r.phone_key_id
                FROM texts t JOIN line_recalls r ON r.id = t.id)
            UPDATE line_recalls r SET texted_at = $5, phone_sealed = NULL, phone_key_id = NULL, phone_hash = NULL
            FROM texts WHERE r.id = texts.id""";

    private final Pool pool;
    private final FieldCipher phones;
    private final KeyedHash phoneKey;

    /**
     * @param phones  seals the numbers of recalls by phone (the outbox relay's cipher, which opens them)
     * @param secret  hashes them for the one-recall-per-phone rule
     */
    public PostgresRecallStore(Pool pool, FieldCipher phones, KeyedHash secret) {
        this.pool = pool;
        this.phones = phones;
        this.phoneKey = secret.forPurpose("recall-phone");
    }

    @Override
    public LineRecall arm(LineRecall recall) {
        Ticket t = recall.ticket();
        FieldCipher.Sealed sealed = recall.phone().isEmpty() ? null : phones.seal(recall.phone());
        String hash = recall.phone().isEmpty() ? null : phoneKey.text(recall.phone());
        await(pool.preparedQuery(ARM)
                .execute(Tuple.of(recall.id(), t.gate(), t.sequence(), PostgresBookingStore.utc(t.issuedAt()), t.browserId(), t.holder(),
                        recall.personId(), PostgresBookingStore.utc(recall.armedAt()))
                        .addBuffer(sealed == null ? null : Buffer.buffer(sealed.bytes())).addString(sealed == null ? null : sealed.keyId())
                        .addString(hash)));
        RowSet<Row> rows = await(pool.preparedQuery(BY_PLACE).execute(Tuple.of(t.gate(), t.sequence())));
        if (rows.size() == 0 && hash != null) {
            // Not kept: another place of this gate waits to text this number.
            rows = await(pool.preparedQuery(BY_PHONE).execute(Tuple.of(t.gate(), hash)));
        }
        if (rows.size() == 0) {
            // The other recall was texted between the insert and the read: the number is free again.
            return arm(recall);
        }
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

    @Override
    public int forgetAbandoned(Instant armedBefore) {
        return await(pool.preparedQuery("DELETE FROM line_recalls WHERE person_id = 0 AND texted_at IS NULL AND armed_at < $1")
                .execute(Tuple.of(armedBefore.atOffset(java.time.ZoneOffset.UTC)))).rowCount();
    }

    private LineRecall recall(Row r) {
        OffsetDateTime texted = r.getOffsetDateTime("texted_at");
        Buffer sealed = r.getBuffer("phone_sealed");
        return new LineRecall(r.getString("id"), new Ticket(r.getString("gate"), r.getLong("sequence"),
                r.getOffsetDateTime("issued_at").toInstant(), r.getString("browser_id"), r.getString("holder")), r.getLong("person_id"),
                r.getOffsetDateTime("armed_at").toInstant(), texted == null ? null : texted.toInstant(), r.getString("restored_browser"),
                sealed == null ? "" : phones.open(r.getString("phone_key_id"), sealed.getBytes()));
    }
}
