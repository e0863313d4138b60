package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.DailyQuota;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Daily counts in PostgreSQL, shared by every node: one guarded upsert per use, so the count never
 * passes the limit whatever the concurrency. Each node deletes days before yesterday the first time
 * it counts on a new day.
 */
public final class PostgresDailyQuota implements DailyQuota {

    private final Pool pool;
    private final AtomicReference<LocalDate> purgedFor = new AtomicReference<>(LocalDate.MIN);

    public PostgresDailyQuota(Pool pool) {
        this.pool = pool;
    }

    /**
     * Counts the first key ($1 day, $2 key, $3 limit), then the second ($4 key, $5 limit) only if the
     * first was counted: its insert selects nothing otherwise. {@code second} holds a row when both
     * were counted. Shared with {@link PostgresChallengeStore}, which saves a challenge in the same
     * statement.
     */
    static final String TAKE_BOTH_CTES = """
            WITH first AS (
                INSERT INTO identity_daily_counts AS c (day, key, count) VALUES ($1, $2, 1)
                ON CONFLICT (day, key) DO UPDATE SET count = c.count + 1 WHERE c.count < $3
                RETURNING count),
            second AS (
                INSERT INTO identity_daily_counts AS c (day, key, count) SELECT $1, $4, 1 WHERE EXISTS (SELECT 1 FROM first)
                ON CONFLICT (day, key) DO UPDATE SET count = c.count + 1 WHERE c.count < $5
                RETURNING count)
            """;
    private static final String TAKE_BOTH = TAKE_BOTH_CTES + "SELECT EXISTS (SELECT 1 FROM second)";

    @Override
    public boolean tryTake(String key, LocalDate day, int limit) {
        purgeBefore(day);
        return await(pool.preparedQuery("""
                INSERT INTO identity_daily_counts AS c (day, key, count) VALUES ($1, $2, 1)
                ON CONFLICT (day, key) DO UPDATE SET count = c.count + 1 WHERE c.count < $3
                RETURNING count""")
                .execute(Tuple.of(day, key, limit))).size() == 1;
    }

    @Override
    public boolean tryTakeBoth(LocalDate day, String first, int firstLimit, String second, int secondLimit) {
        if (first.equals(second)) {
            // One statement cannot change a row twice.
            return DailyQuota.super.tryTakeBoth(day, first, firstLimit, second, secondLimit);
        }
        purgeBefore(day);
        return await(pool.preparedQuery(TAKE_BOTH).execute(Tuple.of(day, first, firstLimit, second, secondLimit)))
                .iterator().next().getBoolean(0);
    }

    /** Whether this quota's counts are kept in the database {@code other} reaches (the same pool). */
    boolean sharesPool(Pool other) {
        return pool == other;
    }

    void purgeBefore(LocalDate day) {
        LocalDate purged = purgedFor.get();
        if (day.isAfter(purged) && purgedFor.compareAndSet(purged, day)) {
            await(pool.preparedQuery("DELETE FROM identity_daily_counts WHERE day < $1").execute(Tuple.of(day.minusDays(1))));
        }
    }
}
