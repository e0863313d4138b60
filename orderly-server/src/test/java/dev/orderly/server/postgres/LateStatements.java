package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * A stand-in for PostgreSQL under load in the batching tests: each statement is answered on
 * another thread 2 ms after it was sent, as a round trip would be, and its size is recorded; and
 * many callers on virtual threads at once.
 */
final class LateStatements<K, V> implements AutoCloseable {
    private final ScheduledExecutorService db = Executors.newSingleThreadScheduledExecutor();
    private final ConcurrentLinkedQueue<Integer> sizes = new ConcurrentLinkedQueue<>();
    private final Function<List<K>, Map<K, V>> rows;

    /** @param rows what a statement for the given keys answers, worked out when it is answered */
    LateStatements(Function<List<K>, Map<K, V>> rows) {
        this.rows = rows;
    }

    Future<Map<K, V>> send(List<K> keys) {
        sizes.add(keys.size());
        Promise<Map<K, V>> p = Promise.promise();
        db.schedule(() -> p.complete(rows.apply(keys)), 2, TimeUnit.MILLISECONDS);
        return p.future();
    }

    /** Checks that no statement carried more than {@code limit} keys and {@code callers} took fewer statements. */
    void assertBatched(int callers, int limit) {
        assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(limit);
        assertThat(sizes.size()).as("%d callers arriving together take fewer statements", callers).isLessThan(callers);
    }

    /** Runs {@code call.accept(i)} for i in 0..callers-1, each on its own virtual thread, and waits for all. */
    static void callAtOnce(int callers, IntConsumer call) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(callers);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                int index = i;
                threads.submit(() -> {
                    try {
                        call.accept(index);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("every caller answered").isTrue();
        }
    }

    @Override
    public void close() {
        db.shutdownNow();
    }
}
