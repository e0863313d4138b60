package dev.orderly.server.postgres;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A stand-in for PostgreSQL in the batching tests: records each statement's keys and answers it
 * only when the test says, so a test decides what is in flight while callers arrive.
 */
final class HeldStatements {
    private final List<List<String>> sent = new ArrayList<>();
    private final List<Promise<Map<String, Integer>>> open = new ArrayList<>();

    /** One statement for {@code keys}; answered by {@link #answer} or {@link #fail}. */
    synchronized Future<Map<String, Integer>> send(List<String> keys) {
        sent.add(keys);
        Promise<Map<String, Integer>> p = Promise.promise();
        open.add(p);
        return p.future();
    }

    void answer(int statement, Map<String, Integer> rows) {
        promise(statement).complete(rows);
    }

    void fail(int statement, Throwable error) {
        promise(statement).fail(error);
    }

    private synchronized Promise<Map<String, Integer>> promise(int statement) {
        return open.get(statement);
    }

    synchronized List<List<String>> sent() {
        return List.copyOf(sent);
    }

    /** What a future failed with, or null when it succeeded. */
    static Throwable cause(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
