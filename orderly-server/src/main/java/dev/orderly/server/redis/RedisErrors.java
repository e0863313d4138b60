package dev.orderly.server.redis;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.VertxException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Translates Redis client errors into the ports' errors. A refused or dropped connection, a timeout,
 * and the replies of a server that cannot serve now ({@code LOADING} while it reads its
 * append-only file after a restart, {@code BUSY}, {@code MASTERDOWN}, ...) are
 * {@link StoreUnavailableException}; an error reply about the command itself is a bug and stays one.
 */
public final class RedisErrors {

    /** The name outages of this adapter carry, in logs, answers and metrics. */
    public static final String DEPENDENCY = "redis";

    // CONNECTION_CLOSED is the client's own: the commands in flight when a connection dropped fail with it.
    private static final Set<String> NOT_NOW = Set.of("CONNECTION_CLOSED", "LOADING", "BUSY", "MASTERDOWN", "READONLY", "MISCONF", "TRYAGAIN",
            "CLUSTERDOWN", "NOREPLICAS");

    private RedisErrors() {
    }

    /** The exception to throw for {@code error}, a failure of a Redis call. */
    public static RuntimeException translate(Throwable error) {
        if (error instanceof StoreUnavailableException u) {
            return u;
        }
        if (unavailable(error)) {
            String message = error.getMessage();
            return new StoreUnavailableException(DEPENDENCY, error.getClass().getSimpleName() + (message == null ? "" : ": " + message),
                    error);
        }
        return error instanceof RuntimeException re ? re : new IllegalStateException("Redis call failed: " + error, error);
    }

    static boolean unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ErrorType reply) {
                String message = reply.getMessage() == null ? "" : reply.getMessage();
                int space = message.indexOf(' ');
                if (NOT_NOW.contains(space < 0 ? message : message.substring(0, space))) {
                    return true;
                }
                continue;
            }
            // The client reports a dropped connection or an exhausted pool as a plain VertxException.
            if (t instanceof IOException || t instanceof TimeoutException || t.getClass() == VertxException.class) {
                return true;
            }
        }
        return false;
    }
}
