package dev.orderly.server.postgres;

import dev.orderly.booking.StoreAnswer;
import dev.orderly.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises bookings per clinic in memory in front of the database, and commits each lane's
 * waiting bookings together.
 *
 * <p>Design note. Commands are routed to one of {@code lanes} queues by clinic, so every booking
 * for a hot clinic-day meets the others in one queue instead of queueing on a row lock inside
 * PostgreSQL. Each lane's thread takes whatever has queued up (at most {@code maxBatch}) and runs
 * it as one {@link BookingTransaction}: one round of locks, one statement per table, one COMMIT
 * (one WAL flush) for the whole batch. Under light load a batch is a single command and nothing
 * waits for company; under a storm batches grow by themselves. The caller's answer is completed
 * only after the batch committed, so nothing answered "booked" can be lost. Lanes lock disjoint
 * capacity rows (a clinic belongs to one lane) and so run in parallel; so a batch first runs
 * optimistically, reading without row locks (see {@link BookingTransaction#run(List, boolean)}),
 * and runs again with locks only if another transaction changed what it read. Queues are bounded: when
 * one is full the caller waits (back-pressure) rather than memory growing without bound.
 *
 * <p>Shutting down: once {@link #close} has begun, a new booking fails at once with a
 * {@link StoreUnavailableException}, and so does one still waiting for room in a full queue; what is queued
 * is run by the lanes, or failed the same way if a lane does not finish in time. No caller waits
 * for an answer that nobody will give.
 */
final class BookingLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BookingLanes.class);
    private static final int QUEUE_CAPACITY = 50_000;

    private record Pending(BookingCommand command, CompletableFuture<CommandResult> answer) {
    }

    private final BookingTransaction transaction;
    private final ToIntFunction<BookingCommand.Book> route;
    private final int maxBatch;
    private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final BookingMetrics metrics;
    private volatile boolean closed;

    /**
     * @param lanes    number of lanes (threads, and connections in use at once); at least 1
     * @param maxBatch most commands committed together; at least 1
     * @param route    the lane key of a command (e.g. its clinic); any int
     */
    BookingLanes(BookingTransaction transaction, BookingMetrics metrics, int lanes, int maxBatch, ToIntFunction<BookingCommand.Book> route) {
        this(transaction, metrics, lanes, maxBatch, route, QUEUE_CAPACITY);
    }

    /** @param capacity bookings a lane's queue holds before callers wait for room */
    BookingLanes(BookingTransaction transaction, BookingMetrics metrics, int lanes, int maxBatch, ToIntFunction<BookingCommand.Book> route,
                 int capacity) {
        if (lanes < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("lanes (" + lanes + ") and maxBatch (" + maxBatch + ") must be at least 1");
        }
        this.transaction = transaction;
        this.metrics = metrics;
        this.route = route;
        this.maxBatch = maxBatch;
        for (int i = 0; i < lanes; i++) {
            BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(capacity);
            queues.add(queue);
            Thread t = Thread.ofPlatform().name("orderly-booking-lane-" + i).daemon().start(() -> drain(queue));
            threads.add(t);
        }
    }

    /** Runs the booking {@code command} in its lane and waits for the committed answer. */
    StoreAnswer submit(BookingCommand.Book command) {
        if (closed) {
            throw shuttingDown();
        }
        CompletableFuture<CommandResult> answer = new CompletableFuture<>();
        BlockingQueue<Pending> queue = queues.get(Math.floorMod(route.applyAsInt(command), queues.size()));
        Pending pending = new Pending(command, answer);
        try {
            while (!queue.offer(pending, 100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw shuttingDown();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(PostgresErrors.DEPENDENCY, "interrupted while queueing a booking", e);
        }
        // Queued just as close() began: its lane may already have stopped; still in the queue means nobody will run it.
        if (closed && queue.remove(pending)) {
            throw shuttingDown();
        }
        CommandResult result;
        try {
            result = answer.join();
        } catch (CompletionException e) {
            throw PostgresErrors.translate(e.getCause());
        }
        return result.answerOrThrow();
    }

    private void drain(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                metrics.batch(batch.size());
                List<CommandResult> results;
                try {
                    results = transaction.run(batch.stream().map(Pending::command).toList(), true);
                } catch (RuntimeException e) {
                    LOG.warn("a batch of {} bookings failed: {}", batch.size(), e.toString());
                    batch.forEach(p -> p.answer().completeExceptionally(e));
                    continue;
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).answer().complete(results.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("booking lane failed", e);
                batch.forEach(p -> p.answer().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private static StoreUnavailableException shuttingDown() {
        return new StoreUnavailableException(PostgresErrors.DEPENDENCY, "the booking engine is shutting down; the booking was not made", null);
    }

    /** Bookings waiting in the queues, not yet taken by a lane. */
    int waiting() {
        return queues.stream().mapToInt(BlockingQueue::size).sum();
    }

    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(java.time.Duration.ofNanos(left));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // What a lane did not take in time is taken out and failed, so no caller waits on it.
            for (BlockingQueue<Pending> q : queues) {
                List<Pending> left = new ArrayList<>();
                q.drainTo(left);
                left.forEach(p -> p.answer().completeExceptionally(shuttingDown()));
            }
        }
    }
}
