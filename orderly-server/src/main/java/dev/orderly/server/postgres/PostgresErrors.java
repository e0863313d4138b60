package dev.orderly.server.postgres;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Translates PostgreSQL driver errors into the ports' errors: a lost or refused connection, a
 * server shutting down or out of connections is {@link StoreUnavailableException} (answered 503,
 * retried by the caller); everything else (a constraint violation, a syntax error) stays what it
 * is, a bug or an expected outcome the adapter handles itself.
 */
public final class PostgresErrors {

    /** The name outages of this adapter carry, in logs, answers and metrics. */
    public static final String DEPENDENCY = "postgresql";

    // The pool's own failures: no connection freed or opened in time (the server is gone or
    // swamped), the pool closing as the node shuts down, or a statement sent on a connection the
    // server had just dropped (seen when PostgreSQL stops in the middle of a booking storm).
    private static final Pattern POOL_CANNOT_SERVE = Pattern.compile(
            "Timeout waiting for connection|Pool closed|Connection pool reached max wait queue size|Connection is not active now");

    private PostgresErrors() {
    }

    /** The exception to throw for {@code error}, a failure of the reactive or the JDBC client. */
    public static RuntimeException translate(Throwable error) {
        if (error instanceof StoreUnavailableException u) {
            return u;
        }
        if (unavailable(error)) {
            return new StoreUnavailableException(DEPENDENCY, describe(error), error);
        }
        return error instanceof RuntimeException re ? re : new IllegalStateException("database call failed", error);
    }

    /** Whether {@code error} (or a cause of it) says the server cannot be reached now, rather than refusing this statement. */
    static boolean unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof PgException pg ? pg.getSqlState() : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null) {
                // 08: connection exception; 57P01-57P05: shutting down, crashed, cannot connect now;
                // 53: out of connections, memory or disk.
                return state.startsWith("08") || state.startsWith("57P0") || state.startsWith("53");
            }
            if (t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException
                    || t instanceof VertxException v && v.getMessage() != null && POOL_CANNOT_SERVE.matcher(v.getMessage()).lookingAt()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code error} is a race another transaction won, which running the work again
     * resolves: a unique violation, a deadlock report or a serialization failure (what the
     * optimistic batch raises when a capacity row changed under it).
     */
    public static boolean retryable(Throwable error) {
        return error instanceof PgException pg && ("23505".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState())
                || "40001".equals(pg.getSqlState()));
    }

    private static String describe(Throwable error) {
        // The driver's message names hosts and SQL states, never a row's data.
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
