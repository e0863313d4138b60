package dev.orderly.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs one task on many threads released together, for tests of contention.
 *
 * <p>Every thread is started and parked at a gate before any is let go, so the tasks really
 * overlap instead of running one after another as threads come up. Every wait is bounded: a
 * task that hangs fails the test with the time limit in the message, and the threads are
 * interrupted. Nothing sleeps.
 */
public final class Race {

    private Race() {
    }

    /**
     * Runs {@code task.apply(i)} for i in 0..threads-1, each on its own thread, all released at once.
     *
     * @param timeout the most the whole race may take, start-up of the threads included
     * @return the results in the order of i
     * @throws AssertionError when the race does not finish in time or a task throws
     */
    public static <T> List<T> run(int threads, Duration timeout, IntFunction<T> task) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    if (!go.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                        throw new IllegalStateException("the start was not given within " + timeout);
                    }
                    return task.apply(index);
                }));
            }
            if (!ready.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new AssertionError(ready.getCount() + " of " + threads + " threads did not start within " + timeout);
            }
            go.countDown();
            List<T> results = new ArrayList<>(threads);
            for (Future<T> f : futures) {
                results.add(f.get(remaining(deadline), TimeUnit.NANOSECONDS));
            }
            return results;
        } catch (TimeoutException e) {
            throw new AssertionError("the race of " + threads + " threads did not finish within " + timeout, e);
        } catch (ExecutionException e) {
            throw new AssertionError("a racing task failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while racing", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
