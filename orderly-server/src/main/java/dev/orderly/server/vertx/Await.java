package dev.orderly.server.vertx;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Waits for a Vert.x future on the calling thread, for adapters whose ports are synchronous. HTTP
 * handlers call the ports on virtual threads, never on an event loop, where waiting would stall
 * every request.
 *
 * <p>Neutral ground: each adapter (PostgreSQL, Redis) passes its own translation of driver errors
 * into the port's errors, so adapters share this and never each other.
 */
public final class Await {

    private Await() {
    }

    /**
     * The future's result; its failure goes through {@code translate} (which answers the exception
     * to throw, e.g. a {@link dev.orderly.store.StoreUnavailableException} for a lost connection).
     */
    public static <T> T await(Future<T> future, Function<Throwable, RuntimeException> translate) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a store was called on an event loop thread; call it from a virtual thread");
        }
        try {
            return future.toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw translate.apply(e.getCause() == null ? e : e.getCause());
        }
    }

    /** Whether {@code error} or one of its causes is of {@code type}. */
    public static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
