package dev.orderly.server.redis;

import dev.orderly.server.vertx.BatchLine;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Redis counter whose callers are served in batches: while one {@code INCRBY} is on its way,
 * everyone who asks waits in line; when it answers, the next {@code INCRBY} takes the whole line at
 * once. Each caller gets its own number, in the order it asked, and no number is skipped: the
 * batch of n takes the n numbers the counter moved over.
 *
 * <p>Why: a join is one {@code INCR}, and at tens of thousands of joins a second the round trips,
 * not Redis, are the cost. Under load the line fills while a round trip is out, so round trips
 * fall from one per join to one per batch; with one caller at a time it is a plain {@code INCR}
 * by another name. Keeping one batch in flight also keeps one node's callers in their order.
 */
final class CoalescingCounter {

    /** Longest wait for Redis to answer one batch; the callers then get {@link dev.orderly.store.StoreUnavailableException} (a 503, nothing given twice). */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final Function<Long, Future<Long>> incrementBy;
    private final Duration answerWithin;
    private final BatchLine<CompletableFuture<Long>, Long> line;

    /** @param incrementBy sends {@code INCRBY key n} and answers the counter's new value */
    CoalescingCounter(Function<Long, Future<Long>> incrementBy) {
        this(incrementBy, ANSWER_WITHIN);
    }

    CoalescingCounter(Function<Long, Future<Long>> incrementBy, Duration answerWithin) {
        this.incrementBy = incrementBy;
        this.answerWithin = answerWithin;
        this.line = new BatchLine<>(this::send, CoalescingCounter::answer, Integer.MAX_VALUE);
    }

    CompletionStage<Long> next() {
        CompletableFuture<Long> mine = new CompletableFuture<>();
        line.add(mine);
        return mine;
    }

    private Future<Long> send(List<CompletableFuture<Long>> batch) {
        // A round trip that never answers must not hold every later join of the gate: give up on it.
        return incrementBy.apply((long) batch.size()).timeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void answer(List<CompletableFuture<Long>> batch, AsyncResult<Long> result) {
        int n = batch.size();
        if (result.succeeded()) {
            long last = result.result();
            for (int i = 0; i < n; i++) {
                batch.get(i).complete(last - n + 1 + i);
            }
        } else {
            // The counter may or may not have moved (a timeout): those numbers are lost, never given twice;
            // the gate passes over them like over anyone who never polls.
            RuntimeException failure = RedisErrors.translate(result.cause());
            batch.forEach(f -> f.completeExceptionally(failure));
        }
    }
}
