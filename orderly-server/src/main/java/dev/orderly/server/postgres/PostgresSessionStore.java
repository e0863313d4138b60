package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.SessionStore;
import dev.orderly.registry.ResidentRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Session generations in PostgreSQL ({@code person_sessions}), shared by every node: one row per
 * person who ever verified. {@link #begin} moves the generation on in one statement under the
 * row's lock (insert when there is none), so two devices verifying at once get distinct
 * generations and the later one wins.
 */
public final class PostgresSessionStore implements SessionStore {

    private final Pool pool;
    /** Each authenticated request reads its session: those that come together go in one statement. */
    private final BatchedReads<Long, Row> withPerson;

    public PostgresSessionStore(Pool pool) {
        this.pool = pool;
        this.withPerson = new BatchedReads<>(this::withPersonAmong, 256);
    }

    /**
     * The upsert moves the generation on under the row's lock, so racing verifications of one person
     * get one generation each. {@code previous} reads the row as the statement's snapshot had it (a
     * FOR UPDATE there would follow the row to the version this very statement writes); a racing
     * verification that committed after that snapshot is missing from it (see begin).
     */
    private static final String BEGIN = """
            WITH previous AS (
                SELECT generation, since, active FROM person_sessions WHERE person_id = $1),
            next AS (
                INSERT INTO person_sessions AS s (person_id, generation, since, active) VALUES ($1, 1, $2, true)
                ON CONFLICT (person_id) DO UPDATE SET generation = s.generation + 1, since = EXCLUDED.since, active = true
                RETURNING generation)
            SELECT next.generation, previous.generation, previous.since, previous.active FROM next LEFT JOIN previous ON true""";

    /** One statement (issue #17: two round trips a verification were a compare-and-set loop's). */
    @Override
    public Begun begin(long personId, java.time.Instant now) {
        Row r = await(pool.preparedQuery(BEGIN).execute(Tuple.of(personId, PostgresBookingStore.utc(now)))).iterator().next();
        long number = r.getLong(0);
        Optional<Generation> previous = r.getLong(1) == null
                ? Optional.empty()
                : Optional.of(new Generation(r.getLong(1), r.getOffsetDateTime(2).toInstant(), r.getBoolean(3)));
        if (number > 1 && previous.map(p -> p.number() != number - 1).orElse(true)) {
            // Another verification of this person committed an instant ago, in a race with this one
            // (after this statement's snapshot): the generation it began is live and began now.
            previous = Optional.of(new Generation(number - 1, now, true));
        }
        return new Begun(new Generation(number, now, true), previous);
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

    /**
     * An authenticated request's two reads in one statement when the registry is in this database:
     * the generation, and the resident joined only while it is active (one snapshot for both).
     */
    private static final String CURRENT_WITH_PERSON = "SELECT s.person_id, s.generation, s.since, s.active, "
            + PostgresResidentRegistry.columns("r")
            + " FROM person_sessions s LEFT JOIN residents r ON r.id = s.person_id AND s.active WHERE s.person_id = ANY($1)";

    @Override
    public Holder currentWithPerson(long personId, ResidentRegistry registry) {
        if (!(registry instanceof PostgresResidentRegistry residents) || !residents.readsFrom(pool)) {
            return SessionStore.super.currentWithPerson(personId, registry);
        }
        Row r = withPerson.get(personId);
        if (r == null) {
            return new Holder(Optional.empty(), Optional.empty());
        }
        Generation generation = new Generation(r.getLong(1), r.getOffsetDateTime(2).toInstant(), r.getBoolean(3));
        return new Holder(Optional.of(generation), Optional.ofNullable(residents.person(r, 4)));
    }

    private Future<Map<Long, Row>> withPersonAmong(List<Long> personIds) {
        return BatchedReads.byKey(pool.preparedQuery(CURRENT_WITH_PERSON).execute(Tuple.of((Object) personIds.toArray(Long[]::new))),
                r -> r.getLong(0), r -> r);
    }

    @Override
    public boolean end(long personId, long generation) {
        return await(pool.preparedQuery("UPDATE person_sessions SET active = false WHERE person_id = $1 AND generation = $2 AND active")
                .execute(Tuple.of(personId, generation))).rowCount() == 1;
    }
}
