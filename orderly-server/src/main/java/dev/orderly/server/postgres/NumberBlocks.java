package dev.orderly.server.postgres;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * One gate's numbers, handed out of memory from blocks reserved ahead in the database, as a
 * sequence cache does: a join costs no round trip, and the database's high-water mark is always
 * at or above every number handed out, so a restart continues above it — skipping the rest of
 * the last block, never reusing a number.
 *
 * <p>Order. Callers are numbered in the order they ask, whether a number is in memory or they
 * wait for the next block: while anyone waits, later callers queue behind them, and a block that
 * arrives serves the queue first. Each caller's future completes once, on the thread that
 * delivered the block (a Vert.x event loop), so nothing that completes it may block.
 *
 * <p>Block size adapts to the pace of joins: it doubles (up to {@value #MAX_BLOCK}) when a block
 * lasted under {@link #FAST}, halves (down to {@value #MIN_BLOCK}) when it lasted over
 * {@link #SLOW}. The next block is reserved when half the current one is left, so under a steady
 * surge no caller waits. What a restart skips is therefore at most about two blocks, i.e. about
 * half a second of joins at the pace of the moment, or {@value #MIN_BLOCK} numbers when it is
 * quiet.
 *
 * <p>{@link #issued()} is the highest number handed out — or, before this run handed out any, the
 * high-water mark an earlier run left — never a number still held in memory: the pre-queue is
 * fixed at that count, and a number at or below it that was handed out later would be drawn into
 * the pre-queue ahead of people who waited. Numbers an earlier run reserved but never handed out
 * therefore count as issued: the gate passes over them like over anyone who never polls.
 *
 * <p>A clean stop gives the unhanded rest back ({@link #giveBack}), so a planned restart skips
 * nothing; only a crash leaves numbers skipped.
 *
 * <p>Failure: when a reservation fails or does not answer within {@link #ANSWER_WITHIN}, its
 * waiting callers fail; the next caller tries again. A reservation that committed after its
 * timeout only skips its block.
 */
final class NumberBlocks {

    static final int MIN_BLOCK = 16;
    static final int MAX_BLOCK = 256;
    static final Duration FAST = Duration.ofMillis(250);
    static final Duration SLOW = Duration.ofSeconds(5);
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final LongFunction<Future<Long>> reserve;
    private final LongSupplier nanoTime;
    /** Unhanded numbers in memory, as [next, last] ranges in ascending order. */
    private final ArrayDeque<long[]> blocks = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Long>> waiting = new ArrayDeque<>();
    private long available;
    /** The end of the last block reserved: the database's high-water mark, while this node alone reserves. */
    private long reservedTo;
    private boolean closed;
    private long issued;
    private boolean reserving;
    private long blockSize = MIN_BLOCK;
    private long lastReservedAt;
    private boolean reservedBefore;

    /**
     * @param reservedBefore the high-water mark an earlier run left (0 for a new gate)
     * @param reserve        moves the high-water mark up by n, answering the new mark
     * @param nanoTime       monotonic time, for the block size
     */
    NumberBlocks(long reservedBefore, LongFunction<Future<Long>> reserve, LongSupplier nanoTime) {
        this.issued = reservedBefore;
        this.reserve = reserve;
        this.nanoTime = nanoTime;
    }

    /** The next number, answered at once when one is in memory. */
    CompletionStage<Long> next() {
        CompletableFuture<Long> mine = null;
        long number = 0;
        boolean send;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the gate store is closed"));
            }
            if (waiting.isEmpty() && available > 0) {
                number = take();
                send = !reserving && available < blockSize / 2;
            } else {
                mine = new CompletableFuture<>();
                waiting.add(mine);
                send = !reserving;
            }
            if (send) {
                reserving = true;
            }
        }
        if (send) {
            reserveNext();
        }
        return mine == null ? CompletableFuture.completedFuture(number) : mine;
    }

    synchronized long issued() {
        return issued;
    }

    private long take() {
        long[] block = blocks.peekFirst();
        long number = block[0]++;
        if (block[0] > block[1]) {
            blocks.pollFirst();
        }
        available--;
        issued = Math.max(issued, number);
        return number;
    }

    private void reserveNext() {
        long n;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (reservedBefore) {
                long lasted = now - lastReservedAt;
                if (lasted < FAST.toNanos()) {
                    blockSize = Math.min(blockSize * 2, MAX_BLOCK);
                } else if (lasted > SLOW.toNanos()) {
                    blockSize = Math.max(blockSize / 2, MIN_BLOCK);
                }
            }
            reservedBefore = true;
            lastReservedAt = now;
            n = Math.max(blockSize, waiting.size());
        }
        Future<Long> answer;
        try {
            answer = reserve.apply(n).timeout(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        answer.onComplete(result -> {
            if (result.succeeded()) {
                reserved(n, result.result());
            } else {
                failed(result.cause());
            }
        });
    }

    private void reserved(long n, long last) {
        List<CompletableFuture<Long>> served = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        boolean again;
        synchronized (this) {
            blocks.addLast(new long[] {last - n + 1, last});
            reservedTo = Math.max(reservedTo, last);
            available += n;
            while (!waiting.isEmpty() && available > 0) {
                served.add(waiting.pollFirst());
                numbers.add(take());
            }
            again = !waiting.isEmpty() || (!closed && available < blockSize / 2);
            reserving = again;
        }
        if (again) {
            reserveNext();
        }
        for (int i = 0; i < served.size(); i++) {
            served.get(i).complete(numbers.get(i));
        }
    }

    /** Hands out no more numbers and reserves no more blocks; a reservation on its way still lands. */
    synchronized void close() {
        closed = true;
    }

    /** Whether no reservation is on its way. */
    synchronized boolean settled() {
        return !reserving;
    }

    /**
     * What can go back to the database once closed and settled: the highest number handed out, and
     * the high-water mark it may replace (empty when nothing is unhanded, or a reservation is out).
     */
    synchronized java.util.Optional<long[]> giveBack() {
        if (!closed || reserving || !waiting.isEmpty() || available == 0 || reservedTo == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new long[] {issued, reservedTo});
    }

    private void failed(Throwable cause) {
        List<CompletableFuture<Long>> failed;
        synchronized (this) {
            failed = new ArrayList<>(waiting);
            waiting.clear();
            reserving = false;
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }
}
