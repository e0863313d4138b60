package dev.orderly.server.vertx;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Callers wait in line while one batch is out; when it answers, the next batch takes everyone
 * waiting (up to a limit). With one caller at a time each goes out alone and at once; under load
 * the line fills during a round trip, so round trips fall from one a caller to one a batch. One
 * batch in flight also keeps one node's callers in the order they asked.
 *
 * <p>Neutral ground for the adapters that batch their round trips (a Redis counter, PostgreSQL
 * reads): each supplies how a batch is sent and how its callers are answered.
 *
 * @param <C> a caller (what it asked, and where its answer goes)
 * @param <R> what a batch's round trip answers
 */
public final class BatchLine<C, R> {

    private final Function<List<C>, Future<R>> send;
    private final BiConsumer<List<C>, AsyncResult<R>> answer;
    private final int maxBatch;
    private final ArrayDeque<C> waiting = new ArrayDeque<>();
    private boolean inFlight;

    /**
     * @param send     sends one batch; a send that throws fails that batch only
     * @param answer   answers a batch's callers from its round trip's outcome
     * @param maxBatch most callers in one batch; the rest wait for the next
     */
    public BatchLine(Function<List<C>, Future<R>> send, BiConsumer<List<C>, AsyncResult<R>> answer, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch must hold at least one caller");
        }
        this.send = send;
        this.answer = answer;
        this.maxBatch = maxBatch;
    }

    /** Puts {@code caller} in line; sends at once when no batch is out. */
    public void add(C caller) {
        boolean sendNow;
        synchronized (this) {
            waiting.add(caller);
            sendNow = !inFlight;
            inFlight = true;
        }
        if (sendNow) {
            sendWaiting();
        }
    }

    private void sendWaiting() {
        List<C> batch = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty() && batch.size() < maxBatch) {
                batch.add(waiting.poll());
            }
            if (batch.isEmpty()) {
                inFlight = false;
                return;
            }
        }
        Future<R> roundTrip;
        try {
            roundTrip = send.apply(batch);
        } catch (RuntimeException e) {
            roundTrip = Future.failedFuture(e);
        }
        roundTrip.onComplete(outcome -> {
            // The next batch goes out before this one's callers are answered: they may ask again at once.
            sendWaiting();
            answer.accept(batch, outcome);
        });
    }
}
