package dev.orderly.server.redis;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
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
    private List<CompletableFuture<Long>> waiting = new ArrayList<>();
    private boolean inFlight;

    /** @param incrementBy sends {@code INCRBY key n} and answers the counter's new value */
    CoalescingCounter(Function<Long, Future<Long>> incrementBy) {
        this(incrementBy, ANSWER_WITHIN);
    }

    CoalescingCounter(Function<Long, Future<Long>> incrementBy, Duration answerWithin) {
        this.incrementBy = incrementBy;
        this.answerWithin = answerWithin;
    }

    CompletionStage<Long> next() {
        CompletableFuture<Long> mine = new CompletableFuture<>();
        boolean send;
        synchronized (this) {
            waiting.add(mine);
            send = !inFlight;
            inFlight = true;
        }
        if (send) {
            sendWaiting();
        }
        return mine;
    }

    private void sendWaiting() {
        List<CompletableFuture<Long>> batch;
        synchronized (this) {
            if (waiting.isEmpty()) {
                inFlight = false;
                return;
            }
            batch = waiting;
            waiting = new ArrayList<>();
        }
        int n = batch.size();
        Future<Long> answer;
        try {
            // A round trip that never answers must not hold every later join of the gate: give up on it.
            answer = incrementBy.apply((long) n).timeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            RuntimeException failure = RedisErrors.translate(e);
            batch.forEach(f -> f.completeExceptionally(failure));
            sendWaiting();
            return;
        }
        answer.onComplete(result -> {
            // The next batch goes out before this one's callers are answered: they may ask again at once.
            sendWaiting();
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
        });
    }
}
