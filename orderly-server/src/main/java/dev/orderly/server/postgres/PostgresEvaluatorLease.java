package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.watch.EvaluatorLease;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * The watchdog's lease in PostgreSQL: one guarded upsert a try, timed by the database's clock. The
 * same round trip answers that clock, which the clock-skew rule compares with the node's.
 */
public final class PostgresEvaluatorLease implements EvaluatorLease {

    static final String TRY_HOLD = """
            WITH taken AS (
                INSERT INTO watch_lease (name, holder, until) VALUES ($1::text, $2::text, clock_timestamp() + $3::bigint * interval '1 millisecond')
                ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
                WHERE watch_lease.holder = EXCLUDED.holder OR watch_lease.until <= clock_timestamp()
                RETURNING holder)
            SELECT EXISTS (SELECT 1 FROM taken) AS held, clock_timestamp() AS now""";

    private final Pool pool;
    private final String name;

    /** @param name the lease's name: one per watchdog sharing a database */
    public PostgresEvaluatorLease(Pool pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public Holding tryHold(String node, Duration ttl) {
        Row r = await(pool.preparedQuery(TRY_HOLD).execute(Tuple.of(name, node, ttl.toMillis()))).iterator().next();
        return new Holding(r.getBoolean("held"), r.getOffsetDateTime("now").toInstant());
    }

    @Override
    public void release(String node) {
        await(pool.preparedQuery("DELETE FROM watch_lease WHERE name = $1 AND holder = $2").execute(Tuple.of(name, node)));
    }
}
