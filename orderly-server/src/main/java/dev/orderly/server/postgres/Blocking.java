package dev.orderly.server.postgres;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.concurrent.CompletionException;

/**
 * Waits for a Vert.x future on the calling thread. The core's ports are synchronous; HTTP handlers
 * call them on virtual threads, never on an event loop, where waiting would stall every request.
 */
public final class Blocking {

    private Blocking() {
    }

    public static <T> T await(Future<T> future) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a store was called on an event loop thread; call it from a virtual thread");
        }
        try {
            return future.toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("database call failed", cause);
        }
    }

    /** Whether {@code error} is PostgreSQL's unique-constraint violation on {@code constraint}. */
    static boolean isUniqueViolation(Throwable error, String constraint) {
        return error instanceof PgException pg && "23505".equals(pg.getSqlState())
                && (constraint == null || constraint.equals(pg.getConstraint()));
    }
}
