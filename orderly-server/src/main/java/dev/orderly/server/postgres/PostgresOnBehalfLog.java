package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.assist.OnBehalf;
import dev.orderly.assist.OnBehalfLog;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of what others did for residents, in PostgreSQL. Each entry and the text message
 * telling the resident of it (to their own phone, through the outbox: the relay looks the number
 * up) are written by one statement, so neither exists without the other.
 */
public final class PostgresOnBehalfLog implements OnBehalfLog {

    /** The outbox kind of these messages: sent like a booking's confirmation, ahead of mass notices. */
    static final String KIND = "on-behalf";

    private final Pool pool;

    public PostgresOnBehalfLog(Pool pool) {
        this.pool = pool;
    }

    @Override
    public void record(OnBehalf e) {
        await(pool.preparedQuery("""
                WITH entry AS (INSERT INTO on_behalf (person_id, reference, action, actor, at) VALUES ($1, $2, $3, $4, $5))
                INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at) VALUES ($6, $1, $2, $7, $5, $5)""")
                .execute(Tuple.tuple().addLong(e.personId()).addString(e.reference()).addString(e.action()).addString(e.actor())
                        .addOffsetDateTime(PostgresBookingStore.utc(e.at())).addString(KIND).addString(e.notice())));
    }

    @Override
    public List<OnBehalf> of(long personId, int limit) {
        List<OnBehalf> out = new ArrayList<>();
        for (Row r : await(pool.preparedQuery("""
                SELECT person_id, reference, action, actor, at FROM on_behalf WHERE person_id = $1 ORDER BY at DESC, id DESC LIMIT $2""")
                .execute(Tuple.of(personId, limit)))) {
            out.add(new OnBehalf(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getOffsetDateTime(4).toInstant()));
        }
        return out;
    }
}
