package dev.orderly.server.postgres;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;

/**
 * The one {@link Pool} the stores see, made of two driver pools: one-off statements go to a pool
 * whose driver bounds the wait for a connection itself; connections held for a transaction
 * ({@link #getConnection()}, and so {@code withTransaction}) come from a second pool with no
 * driver timeout, their wait bounded here instead.
 *
 * <p>Why: in vertx-sql-client 5.0.10 a held connection's wait timer is armed in a task that can run
 * after another thread has already handed that connection over. The timer then fires
 * {@code connectionTimeout} later, fails a promise that has succeeded, and the exception it throws
 * inside the pool's task chain drops the tasks queued behind it: another caller's connection is
 * never delivered (it waits out its own timeout, then gets a 503) and that connection is never
 * given back. The walk benchmark met it every ~10 s at 250 walks/s (eclipse-vertx/vertx-sql-client
 * issue 1567, open; see docs/decisions.md). One-off statements arm their timer before asking for a
 * connection and outside the pool's tasks, so their pool keeps the driver's timeout.
 */
final class SplitPool implements Pool {

    /** The driver's own message for a wait that ran out, which {@link PostgresErrors} reads as an outage. */
    static final String TIMEOUT_MESSAGE = "Timeout waiting for connection";

    private final Vertx vertx;
    private final Pool statements;
    private final Pool connections;
    private final long waitMillis;

    /**
     * @param statements  for one-off statements, with the driver's connection timeout
     * @param connections for held connections, built with a connection timeout of 0 (none)
     * @param wait        how long a held connection is waited for
     */
    SplitPool(Vertx vertx, Pool statements, Pool connections, Duration wait) {
        this.vertx = vertx;
        this.statements = statements;
        this.connections = connections;
        this.waitMillis = Math.max(1, wait.toMillis());
    }

    @Override
    public Future<SqlConnection> getConnection() {
        Promise<SqlConnection> answer = Promise.promise();
        long timer = vertx.setTimer(waitMillis, id -> answer.tryFail(new VertxException(TIMEOUT_MESSAGE, true)));
        connections.getConnection().onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                if (!answer.tryComplete(ar.result())) {
                    // Its caller has been told the wait ran out: the connection goes straight back.
                    ar.result().close();
                }
            } else {
                answer.tryFail(ar.cause());
            }
        });
        return answer.future();
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return statements.query(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return statements.preparedQuery(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return statements.preparedQuery(sql, options);
    }

    @Override
    public Future<Void> close() {
        return Future.join(statements.close(), connections.close()).mapEmpty();
    }

    @Override
    public int size() {
        return statements.size() + connections.size();
    }
}
