package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.assist.Assisted;
import dev.orderly.assist.AssistedStore;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Assisted sessions in PostgreSQL, shared by every node. Entries are deleted a day after they
 * expire, by whichever node starts one next (at most once a minute per node).
 */
public final class PostgresAssistedStore implements AssistedStore {

    private static final Duration KEEP_AFTER_EXPIRY = Duration.ofDays(1);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final Pool pool;
    private final Clock clock;
    private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.MIN);

    public PostgresAssistedStore(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public void put(Assisted a) {
        Instant now = clock.instant();
        Instant last = lastPurge.get();
        if (last.plus(PURGE_EVERY).isBefore(now) && lastPurge.compareAndSet(last, now)) {
            await(pool.preparedQuery("DELETE FROM assisted_sessions WHERE expires_at < $1")
                    .execute(Tuple.of(PostgresBookingStore.utc(now.minus(KEEP_AFTER_EXPIRY)))));
        }
        await(pool.preparedQuery("""
                INSERT INTO assisted_sessions (binding, actor, person_id, challenge_id, confirmed, started_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (binding) DO UPDATE SET actor = EXCLUDED.actor, person_id = EXCLUDED.person_id,
                    challenge_id = EXCLUDED.challenge_id, confirmed = EXCLUDED.confirmed, started_at = EXCLUDED.started_at,
                    expires_at = EXCLUDED.expires_at""")
                .execute(tuple(a)));
    }

    private static Tuple tuple(Assisted a) {
        return Tuple.tuple().addString(a.binding()).addString(a.actor()).addLong(a.personId()).addString(a.challengeId())
                .addBoolean(a.confirmed()).addOffsetDateTime(PostgresBookingStore.utc(a.startedAt()))
                .addOffsetDateTime(PostgresBookingStore.utc(a.expiresAt()));
    }

    @Override
    public Optional<Assisted> get(String binding) {
        RowSet<Row> rows = await(pool.preparedQuery("""
                SELECT binding, actor, person_id, challenge_id, confirmed, started_at, expires_at
                FROM assisted_sessions WHERE binding = $1""").execute(Tuple.of(binding)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Assisted(r.getString(0), r.getString(1), r.getLong(2), r.getString(3), r.getBoolean(4),
                r.getOffsetDateTime(5).toInstant(), r.getOffsetDateTime(6).toInstant()));
    }

    @Override
    public boolean replace(Assisted pending, Assisted confirmed) {
        if (!pending.binding().equals(confirmed.binding())) {
            throw new IllegalArgumentException("a replacement keeps its binding");
        }
        // Compare-and-set on every column: the row must still be exactly the one read.
        Tuple t = tuple(confirmed).addString(pending.actor()).addLong(pending.personId()).addString(pending.challengeId())
                .addBoolean(pending.confirmed()).addOffsetDateTime(PostgresBookingStore.utc(pending.startedAt()))
                .addOffsetDateTime(PostgresBookingStore.utc(pending.expiresAt()));
        return await(pool.preparedQuery("""
                UPDATE assisted_sessions SET actor = $2, person_id = $3, challenge_id = $4, confirmed = $5, started_at = $6, expires_at = $7
                WHERE binding = $1 AND actor = $8 AND person_id = $9 AND challenge_id = $10 AND confirmed = $11
                  AND started_at = $12 AND expires_at = $13""").execute(t)).rowCount() == 1;
    }

    @Override
    public void remove(String binding) {
        await(pool.preparedQuery("DELETE FROM assisted_sessions WHERE binding = $1").execute(Tuple.of(binding)));
    }
}
