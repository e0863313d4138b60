package dev.orderly.server.postgres;

import dev.orderly.server.vertx.Await;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;

/**
 * Waits for a PostgreSQL client future on the calling thread (a virtual thread, never an event
 * loop), translating driver errors by {@link PostgresErrors}: a lost connection becomes
 * {@link dev.orderly.store.StoreUnavailableException}.
 */
public final class Blocking {

    private Blocking() {
    }

    public static <T> T await(Future<T> future) {
        return Await.await(future, PostgresErrors::translate);
    }

    /** Whether {@code error} is PostgreSQL's unique-constraint violation on {@code constraint}. */
    static boolean isUniqueViolation(Throwable error, String constraint) {
        return error instanceof PgException pg && "23505".equals(pg.getSqlState())
                && (constraint == null || constraint.equals(pg.getConstraint()));
    }
}
