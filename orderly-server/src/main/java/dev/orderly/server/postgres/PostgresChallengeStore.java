package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.Challenge;
import dev.orderly.identity.ChallengeStore;
import dev.orderly.identity.DailyQuota;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * One-time-code challenges in PostgreSQL, shared by every node.
 *
 * <p>{@link #update} is a compare-and-set: read the row, apply the change, write it back only if
 * the row is still as read ({@code failed_tries} and {@code used} are the only fields that change),
 * else read again. Guesses at one challenge thus apply one after another without holding a lock
 * across the round trip. Challenges are deleted an hour after they expire, by whichever node saves
 * a challenge next (at most once a minute per node).
 */
public final class PostgresChallengeStore implements ChallengeStore {

    private static final Duration KEEP_AFTER_EXPIRY = Duration.ofHours(1);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final Pool pool;
    private final Clock clock;
    private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.MIN);
    /** Each verification reads its challenge before its compare-and-set: those that come together go in one statement. */
    private final BatchedReads<String, Challenge> reads = new BatchedReads<>(this::findAmong, 256);
    /** Each verification then writes its guess: those that come together go in one statement and one commit. */
    private final BatchedWrites<CompareAndSet, Boolean> sets = new BatchedWrites<>(this::setAmong, 256);

    public PostgresChallengeStore(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public void save(Challenge c) {
        purgeExpired();
        await(pool.preparedQuery("""
                INSERT INTO identity_challenges (id, person_id, code_mac, expires_at, failed_tries, used)
                VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.of(c.id(), c.personId(), c.codeMac(), PostgresBookingStore.utc(c.expiresAt()), c.failedTries(), c.used())));
    }

    /**
     * With the quota's counts in this database, one statement counts both caps and inserts the
     * challenge only if the second cap's row came back: atomic, and one commit a code request.
     */
    @Override
    public boolean saveWithin(Challenge c, DailyQuota quota, LocalDate day, DailyQuota.Cap first, DailyQuota.Cap second) {
        if (!(quota instanceof PostgresDailyQuota counts) || !counts.sharesPool(pool) || first.key().equals(second.key())) {
            return ChallengeStore.super.saveWithin(c, quota, day, first, second);
        }
        purgeExpired();
        counts.purgeBefore(day);
        return await(pool.preparedQuery(SAVE_WITHIN).execute(Tuple.from(List.of(day, first.key(), first.limit(), second.key(), second.limit(),
                        c.id(), c.personId(), c.codeMac(), PostgresBookingStore.utc(c.expiresAt()), c.failedTries(), c.used()))))
                .iterator().next().getBoolean(0);
    }

    private static final String SAVE_WITHIN = PostgresDailyQuota.TAKE_BOTH_CTES + """
            , saved AS (
                INSERT INTO identity_challenges (id, person_id, code_mac, expires_at, failed_tries, used)
                SELECT $6, $7, $8, $9, $10, $11 WHERE EXISTS (SELECT 1 FROM second)
                RETURNING id)
            SELECT EXISTS (SELECT 1 FROM saved)""";

    private void purgeExpired() {
        Instant now = clock.instant();
        Instant last = lastPurge.get();
        if (last.plus(PURGE_EVERY).isBefore(now) && lastPurge.compareAndSet(last, now)) {
            await(pool.preparedQuery("DELETE FROM identity_challenges WHERE expires_at < $1")
                    .execute(Tuple.of(PostgresBookingStore.utc(now.minus(KEEP_AFTER_EXPIRY)))));
        }
    }

    @Override
    public Optional<Challenge> find(String id) {
        return Optional.ofNullable(reads.get(id));
    }

    private Future<Map<String, Challenge>> findAmong(List<String> ids) {
        Future<RowSet<Row>> rows = pool.preparedQuery(
                "SELECT id, person_id, code_mac, expires_at, failed_tries, used FROM identity_challenges WHERE id = ANY($1)")
                .execute(Tuple.of((Object) ids.toArray(String[]::new)));
        return BatchedReads.byKey(rows, r -> r.getString(0), r -> new Challenge(r.getString(0), r.getLong(1), r.getString(2),
                r.getOffsetDateTime(3).toInstant(), r.getInteger(4), r.getBoolean(5)));
    }

    /** A challenge's change: written only if the row still holds {@code before}'s two fields. */
    private record CompareAndSet(String id, int beforeTries, boolean beforeUsed, int afterTries, boolean afterUsed) {
    }

    /**
     * The compare-and-sets that come together, in one statement. It answers the pair of values
     * each changed row was moved from and to; a row named twice with the same expected values
     * moves once, and the other change reads again, as it would alone after the first committed.
     * The ids come sorted, so two nodes' statements lock shared rows in one order.
     */
    private static final String SET_AMONG = """
            UPDATE identity_challenges c SET failed_tries = k.after_tries, used = k.after_used
            FROM unnest($1::text[], $2::int[], $3::bool[], $4::int[], $5::bool[]) AS k(id, before_tries, before_used, after_tries, after_used)
            WHERE c.id = k.id AND c.failed_tries = k.before_tries AND c.used = k.before_used
            RETURNING k.id, k.before_tries, k.before_used, k.after_tries, k.after_used""";

    private Future<Map<CompareAndSet, Boolean>> setAmong(List<CompareAndSet> changes) {
        List<CompareAndSet> sorted = changes.stream().sorted(Comparator.comparing(CompareAndSet::id)).toList();
        Tuple args = Tuple.of(sorted.stream().map(CompareAndSet::id).toArray(String[]::new),
                sorted.stream().map(CompareAndSet::beforeTries).toArray(Integer[]::new),
                sorted.stream().map(CompareAndSet::beforeUsed).toArray(Boolean[]::new),
                sorted.stream().map(CompareAndSet::afterTries).toArray(Integer[]::new),
                sorted.stream().map(CompareAndSet::afterUsed).toArray(Boolean[]::new));
        return BatchedReads.byKey(pool.preparedQuery(SET_AMONG).execute(args),
                r -> new CompareAndSet(r.getString(0), r.getInteger(1), r.getBoolean(2), r.getInteger(3), r.getBoolean(4)), r -> Boolean.TRUE);
    }

    @Override
    public Optional<Challenge> update(String id, UnaryOperator<Challenge> change) {
        while (true) {
            Optional<Challenge> found = find(id);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Challenge before = found.get();
            Challenge after = change.apply(before);
            if (after.equals(before)) {
                return Optional.of(after);
            }
            if (sets.insert(new CompareAndSet(id, before.failedTries(), before.used(), after.failedTries(), after.used())) != null) {
                return Optional.of(after);
            }
        }
    }
}
