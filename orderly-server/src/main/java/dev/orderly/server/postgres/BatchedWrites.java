package dev.orderly.server.postgres;

import dev.orderly.server.vertx.BatchLine;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Writes by key that arrive while one is in flight go to PostgreSQL together, in the next single
 * statement, committed on its own: group commit for the small writes a walk makes one at a time
 * (a pass spent, a holder's place, a session's start, a guess's compare-and-set). One statement
 * and one commit answer many callers. "Inserted" below is whatever the statement answers for a key
 * it wrote (a row inserted, or moved by a compare-and-set).
 *
 * <p>Each caller gets what its own insert would have got. The statement inserts the distinct keys
 * and answers the ones it inserted; a key the statement inserted goes to the first of its callers in
 * the batch, and the others with the same key read "already there", as the second of two separate
 * inserts would. A failed statement fails each caller it carried: none of its rows was written.
 *
 * <p>A write is never timed out for its callers: a caller told "failed" while its row commits
 * later would act on a lie (a pass spent for a step never run). Only the line stops waiting for a
 * slow statement after {@link #MOVE_ON_AFTER}, so one stuck on a dead connection holds up the next
 * batch no longer than that, while its own callers wait for its real outcome, as they would alone.
 *
 * @param <K> the key, with equals and hashCode (a record)
 * @param <V> what an inserted key's row answers (its {@code RETURNING} value)
 */
final class BatchedWrites<K, V> {

    /** How long the line waits for one statement before it sends the next batch beside it. */
    static final Duration MOVE_ON_AFTER = Duration.ofSeconds(10);

    private record Caller<K, V>(K key, CompletableFuture<V> answer) {
    }

    private final Function<List<K>, Future<Map<K, V>>> insert;
    private final Duration moveOnAfter;
    private final BatchLine<Caller<K, V>, Void> line;

    /**
     * @param insert  one statement inserting the given distinct keys, answering those it inserted
     * @param maxKeys at most this many callers a statement (the rest wait for the next)
     */
    BatchedWrites(Function<List<K>, Future<Map<K, V>>> insert, int maxKeys) {
        this(insert, maxKeys, MOVE_ON_AFTER);
    }

    BatchedWrites(Function<List<K>, Future<Map<K, V>>> insert, int maxKeys, Duration moveOnAfter) {
        this.insert = insert;
        this.moveOnAfter = moveOnAfter;
        this.line = new BatchLine<>(this::send, (batch, lineDone) -> {
        }, maxKeys);
    }

    /**
     * Inserts {@code key}; what its row answers if this caller inserted it, null if it was there
     * already. Blocking (call on a virtual thread), driver errors translated as {@link Blocking#await}.
     */
    V insert(K key) {
        return Blocking.await(Future.fromCompletionStage(ask(key)));
    }

    /** Inserts {@code key}, answering when the statement that carries it does. */
    CompletableFuture<V> ask(K key) {
        CompletableFuture<V> answer = new CompletableFuture<>();
        line.add(new Caller<>(key, answer));
        return answer;
    }

    private Future<Void> send(List<Caller<K, V>> batch) {
        LinkedHashSet<K> keys = new LinkedHashSet<>();
        batch.forEach(c -> keys.add(c.key()));
        Future<Map<K, V>> statement;
        try {
            statement = insert.apply(List.copyOf(keys));
        } catch (RuntimeException e) {
            statement = Future.failedFuture(e);
        }
        statement.onComplete(outcome -> answer(batch, outcome));
        // The line's own view of the statement: done when it is, or when it is slow; never failed.
        return statement.<Void>mapEmpty().otherwiseEmpty().timeout(moveOnAfter.toMillis(), TimeUnit.MILLISECONDS).otherwiseEmpty();
    }

    private static <K, V> void answer(List<Caller<K, V>> batch, AsyncResult<Map<K, V>> outcome) {
        Map<K, V> inserted = outcome.succeeded() ? new HashMap<>(outcome.result()) : null;
        for (Caller<K, V> c : batch) {
            if (inserted != null) {
                // The first caller of a key takes its row; a later one finds it already there.
                c.answer().complete(inserted.remove(c.key()));
            } else {
                c.answer().completeExceptionally(outcome.cause());
            }
        }
    }
}
