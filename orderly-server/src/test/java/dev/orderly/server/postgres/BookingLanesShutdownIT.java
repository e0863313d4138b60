package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.StoreAnswer;
import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Shutting the booking lanes down while the database does not answer: a booking submitted after
 * close() began fails at once, including one waiting for room in a full queue; nothing hangs.
 */
class BookingLanesShutdownIT {

    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void aBookingSubmittedAfterCloseBeganFailsFastEvenWhenItsQueueIsFull() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        Vertx vertx = Vertx.vertx();
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        // A "database" that accepts connections and never answers: the lane's first batch waits forever.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
                    .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(silent.getLocalPort()).setDatabase("none")
                            .setUser("postgres"))
                    .using(vertx).build();
            BookingMetrics metrics = new BookingMetrics();
            BookingLanes lanes = new BookingLanes(new BookingTransaction(pool, metrics), metrics, 1, 1, b -> 0, 1);

            CompletableFuture<StoreAnswer> stuck = CompletableFuture.supplyAsync(() -> lanes.submit(book(1)), callers);
            await(() -> !held.isEmpty(), "the lane's batch reached the silent database");
            CompletableFuture<StoreAnswer> queued = CompletableFuture.supplyAsync(() -> lanes.submit(book(2)), callers);
            await(() -> lanes.waiting() == 1, "the second booking fills the queue");
            CompletableFuture<StoreAnswer> waitingForRoom = CompletableFuture.supplyAsync(() -> lanes.submit(book(3)), callers);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(lanes::close, callers);
            assertThatThrownBy(() -> waitingForRoom.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining("shutting down");
            assertThatThrownBy(() -> lanes.submit(book(4))).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("shutting down");

            closing.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> queued.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StoreUnavailableException.class);
            hangUp(held);
            assertThatThrownBy(() -> stuck.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(lanes.waiting()).isZero();
            pool.close().toCompletionStage().toCompletableFuture().join();
        } finally {
            hangUp(held);
            callers.shutdownNow();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** The silent database hangs up, so the lane's batch fails and its connection attempt ends. */
    private static void hangUp(List<Socket> held) {
        held.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        });
    }

    private static BookingCommand.Book book(long person) {
        return new BookingCommand.Book(new BookingRequest(person, 1, LocalDate.of(2021, 8, 16), "PFZ"), null, "OR-" + person,
                Instant.parse("2021-08-01T01:00:00Z"));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
