package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.SessionStore;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Session generations in PostgreSQL ({@code person_sessions}), shared by every node: one row per
 * person who ever verified. {@link #begin} is a compare-and-set on the generation (insert when
 * there is none), retried on a lost race, so two devices verifying at once get distinct
 * generations and the later one wins.
 */
public final class PostgresSessionStore implements SessionStore {

    private final Pool pool;

    public PostgresSessionStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Begun begin(long personId, java.time.Instant now) {
        while (true) {
            Optional<Generation> previous = current(personId);
            Generation next = new Generation(previous.map(g -> g.number() + 1).orElse(1L), now, true);
            int changed = previous.isEmpty()
                    ? await(pool.preparedQuery("""
                            INSERT INTO person_sessions (person_id, generation, since, active) VALUES ($1, $2, $3, true)
                            ON CONFLICT (person_id) DO NOTHING""")
                            .execute(Tuple.of(personId, next.number(), PostgresBookingStore.utc(now)))).rowCount()
                    : await(pool.preparedQuery("""
                            UPDATE person_sessions SET generation = $2, since = $3, active = true
                            WHERE person_id = $1 AND generation = $4""")
                            .execute(Tuple.of(personId, next.number(), PostgresBookingStore.utc(now), previous.get().number()))).rowCount();
            if (changed == 1) {
                return new Begun(next, previous);
            }
        }
    }

    @Override
    public Optional<Generation> current(long personId) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT generation, since, active FROM person_sessions WHERE person_id = $1")
                .execute(Tuple.of(personId)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Generation(r.getLong(0), r.getOffsetDateTime(1).toInstant(), r.getBoolean(2)));
    }

    @Override
    public boolean end(long personId, long generation) {
        return await(pool.preparedQuery("UPDATE person_sessions SET active = false WHERE person_id = $1 AND generation = $2 AND active")
                .execute(Tuple.of(personId, generation))).rowCount() == 1;
    }
}
