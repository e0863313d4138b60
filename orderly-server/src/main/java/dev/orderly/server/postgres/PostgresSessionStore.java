package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.SessionStore;
import dev.orderly.registry.ResidentRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Session generations in PostgreSQL ({@code person_sessions}), shared by every node: one row per
 * person who ever verified. {@link #begin} moves the generation on in one statement under the
 * row's lock (insert when there is none), so two devices verifying at once get distinct
 * generations and the later one wins; verifications that come together share that statement.
 */
public final class PostgresSessionStore implements SessionStore {

    private final Pool pool;
    /** Each authenticated request reads its session: those that come together go in one statement. */
    private final BatchedReads<Long, Row> withPerson;
    /** Verifications that come together start their sessions in one statement and one commit. */
    private final BatchedWrites<Start, Begun> begins;

    public PostgresSessionStore(Pool pool) {
        this.pool = pool;
        this.withPerson = new BatchedReads<>(this::withPersonAmong, 256);
        this.begins = new BatchedWrites<>(this::beginAmong, 256);
    }

    /**
     * The upsert moves each generation on under the row's lock, so racing verifications of one
     * person get one generation each. {@code previous} reads the rows as the statement's snapshot had
     * them (a FOR UPDATE there would follow a row to the version this very statement writes); a
     * racing verification that committed after that snapshot is missing from it (see begun). The
     * people come sorted, so two nodes' statements lock shared rows in one order.
     */
    private static final String BEGIN_AMONG = """
            WITH k AS (
                SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS k(person_id, since)),
            previous AS (
                SELECT s.person_id, s.generation, s.since, s.active FROM person_sessions s JOIN k ON s.person_id = k.person_id),
            next AS (
                INSERT INTO person_sessions AS s (person_id, generation, since, active) SELECT person_id, 1, since, true FROM k
                ON CONFLICT (person_id) DO UPDATE SET generation = s.generation + 1, since = EXCLUDED.since, active = true
                RETURNING person_id, generation)
            SELECT next.person_id, next.generation, previous.generation, previous.since, previous.active
            FROM next LEFT JOIN previous ON previous.person_id = next.person_id""";

    /** A verification's start: whom, and when by this node's clock. */
    private record Start(long personId, Instant now) {
    }

    /**
     * One statement, and one commit shared with the verifications that come at the same time
     * (issue #17: a commit of its own was one of the three a walk still made alone).
     */
    @Override
    public Begun begin(long personId, Instant now) {
        while (true) {
            Begun begun = begins.insert(new Start(personId, now));
            if (begun != null) {
                return begun;
            }
            // Another verification of this person went in that statement: this one goes in the next.
        }
    }

    private Future<Map<Start, Begun>> beginAmong(List<Start> starts) {
        // An upsert moves a row once a statement: one start a person, the others wait for the next.
        TreeMap<Long, Start> first = new TreeMap<>();
        starts.forEach(s -> first.putIfAbsent(s.personId(), s));
        Long[] people = first.keySet().toArray(Long[]::new);
        OffsetDateTime[] times = first.values().stream().map(s -> PostgresBookingStore.utc(s.now())).toArray(OffsetDateTime[]::new);
        return pool.preparedQuery(BEGIN_AMONG).execute(Tuple.of(people, (Object) times)).map(rows -> {
            Map<Start, Begun> begun = new HashMap<>();
            rows.forEach(r -> {
                Start start = first.get(r.getLong(0));
                begun.put(start, begun(r, start.now()));
            });
            return begun;
        });
    }

    private static Begun begun(Row r, Instant now) {
        long number = r.getLong(1);
        Optional<Generation> previous = r.getLong(2) == null
                ? Optional.empty()
                : Optional.of(new Generation(r.getLong(2), r.getOffsetDateTime(3).toInstant(), r.getBoolean(4)));
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
