package dev.orderly.server.postgres;

import dev.orderly.server.vertx.BatchLine;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads by key that arrive while one is in flight go to PostgreSQL together, in the next single
 * statement: group commit for reads. With nobody else asking, a read is sent at once, as before;
 * under load, the hundreds of one-row reads a second each request repeats (is this pass spent,
 * this session's generation, this person's reservation) become a few statements a second, each
 * answering many callers, and PostgreSQL is woken once for them instead of once each. About a
 * third of its CPU under the walk was the wake-up and socket work around each statement (issue #17).
 *
 * <p>Nothing gets staler: a caller's key goes only into a statement sent after the caller asked, so
 * it sees every write committed before the call, exactly as its own statement would have. A failed
 * statement fails each caller it was answering, and the callers after them are read by the next.
 *
 * @param <K> the key, with equals and hashCode (a record)
 * @param <V> what a key reads; a key missing from a statement's answer reads as {@code null}
 */
final class BatchedReads<K, V> {

    /** Longest wait for one statement; its callers then get a {@link dev.orderly.store.StoreUnavailableException} (a 503). */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private record Caller<K, V>(K key, CompletableFuture<V> answer) {
    }

    private final Function<List<K>, Future<Map<K, V>>> read;
    private final Duration answerWithin;
    private final BatchLine<Caller<K, V>, Map<K, V>> line;

    /**
     * @param read    one statement for the given distinct keys, answering those it found
     * @param maxKeys at most this many callers a statement (the rest wait for the next)
     */
    BatchedReads(Function<List<K>, Future<Map<K, V>>> read, int maxKeys) {
        this(read, maxKeys, ANSWER_WITHIN);
    }

    BatchedReads(Function<List<K>, Future<Map<K, V>>> read, int maxKeys, Duration answerWithin) {
        this.read = read;
        this.answerWithin = answerWithin;
        this.line = new BatchLine<>(this::send, BatchedReads::answer, maxKeys);
    }

    /** What {@code key} reads, or null; blocking (call on a virtual thread), driver errors translated as {@link Blocking#await}. */
    V get(K key) {
        return Blocking.await(Future.fromCompletionStage(ask(key)));
    }

    /** What {@code key} reads, when the statement that carries it answers. */
    CompletableFuture<V> ask(K key) {
        CompletableFuture<V> answer = new CompletableFuture<>();
        line.add(new Caller<>(key, answer));
        return answer;
    }

    private Future<Map<K, V>> send(List<Caller<K, V>> batch) {
        LinkedHashSet<K> keys = new LinkedHashSet<>();
        batch.forEach(c -> keys.add(c.key()));
        // A statement stuck on a dead connection must not hold every later read of its kind on this node.
        return read.apply(List.copyOf(keys)).timeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A statement's rows as a batch's answer: each row under the key {@code key} reads from it, with
     * the value {@code value} reads (the row itself when its caller decodes it).
     */
    static <K, V> Future<Map<K, V>> byKey(Future<RowSet<Row>> statement, Function<Row, K> key, Function<Row, V> value) {
        return statement.map(rows -> {
            Map<K, V> found = new HashMap<>();
            rows.forEach(r -> found.put(key.apply(r), value.apply(r)));
            return found;
        });
    }

    private static <K, V> void answer(List<Caller<K, V>> batch, AsyncResult<Map<K, V>> outcome) {
        for (Caller<K, V> c : batch) {
            if (outcome.succeeded()) {
                c.answer().complete(outcome.result().get(c.key()));
            } else {
                c.answer().completeExceptionally(outcome.cause());
            }
        }
    }
}
