package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingTallies;
import dev.orderly.gate.DownstreamHealth;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateStore;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.HmacTestPassSigner;
import dev.orderly.gate.InMemoryGateStore;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.ops.InMemoryNodeBoard;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard reads the stores only while someone looks; an unwatched node posts its own rates and nothing more. */
class DashboardFeedTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anUnwatchedNodeLeavesTheStoresAloneAndALookBringsTheFiguresBack() {
        MutableClock clock = MutableClock.at("2021-07-26T11:00:00Z");
        AtomicInteger storeCalls = new AtomicInteger();
        GateStore memory = new InMemoryGateStore();
        GateStore counted = (GateStore) Proxy.newProxyInstance(GateStore.class.getClassLoader(), new Class<?>[] {GateStore.class},
                (proxy, method, args) -> {
                    storeCalls.incrementAndGet();
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WaitingRoom room = new WaitingRoom(counted, new GateTokens(TestKeys.fixed("k1", 1)), new HmacTestPassSigner(TestKeys.fixed("p1", 2)), clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
        room.configure(GateConfig.fixedRate("identity", Instant.parse("2021-07-26T11:00:00Z"), 10, Duration.ofMinutes(10)));
        AtomicInteger tallied = new AtomicInteger();
        BookingTallies tallies = from -> {
            tallied.incrementAndGet();
            return new BookingTallies.Tallies(List.of(), List.of(), List.of());
        };
        InMemoryNodeBoard board = new InMemoryNodeBoard();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DashboardFeed feed = new DashboardFeed(vertx, meters, room, tallies, board, "node-a", clock, Runnable::run);

        storeCalls.set(0);
        for (int i = 0; i < 5; i++) {
            meters.counter("orderly.gate.joins", "gate", "identity").increment(3);
            clock.advance(Duration.ofSeconds(1));
            feed.sample();
        }
        assertThat(storeCalls.get()).as("store calls while nobody looks").isZero();
        assertThat(tallied.get()).isZero();
        assertThat(board.fresh(clock.instant(), DashboardFeed.FRESH)).as("the node's rates are still posted").containsKey("node-a");
        JsonObject history = feed.history();
        int admitted = history.getJsonArray("fields").getList().indexOf("admitted");
        assertThat(history.getJsonArray("seconds").getJsonArray(4).getValue(admitted)).as("not read, not made up").isNull();

        feed.latest();
        clock.advance(Duration.ofSeconds(1));
        feed.sample();
        assertThat(storeCalls.get()).isPositive();
        assertThat(tallied.get()).isEqualTo(1);
        JsonObject figures = feed.latest();
        assertThat(figures.getJsonArray("gates").getJsonObject(0).getString("name")).isEqualTo("identity");
        assertThat(figures.getJsonObject("booking").containsKey("cohorts")).isTrue();
    }

    @Test
    void aNodeStoppingWithItsBlockingThreadsGoneStopsSamplingQuietly() throws InterruptedException {
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> unhandled = new java.util.concurrent.ConcurrentLinkedQueue<>();
        vertx.exceptionHandler(unhandled::add);
        MutableClock clock = MutableClock.at("2021-07-26T11:00:00Z");
        WaitingRoom room = new WaitingRoom(new InMemoryGateStore(), new GateTokens(TestKeys.fixed("k1", 1)),
                new HmacTestPassSigner(TestKeys.fixed("p1", 2)), clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
        java.util.concurrent.ExecutorService blocking = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        // A permit per sample the executor took, and one per sample it refused: counted after the
        // executor answers, so shutting it down cannot race an attempt already counted.
        java.util.concurrent.Semaphore accepted = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.Semaphore refused = new java.util.concurrent.Semaphore(0);
        DashboardFeed feed = new DashboardFeed(vertx, new SimpleMeterRegistry(), room, from -> new BookingTallies.Tallies(List.of(),
                List.of(), List.of()), new InMemoryNodeBoard(), "node-a", clock, task -> {
                    try {
                        blocking.execute(task);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        refused.release();
                        throw e;
                    }
                    accepted.release();
                });
        feed.start();
        assertThat(accepted.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)).as("sampled once a second while running").isTrue();

        blocking.shutdown();
        assertThat(refused.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)).as("the first sample refused").isTrue();
        // The timer ticks every second: a further attempt would come within this.
        assertThat(refused.tryAcquire(1_500, java.util.concurrent.TimeUnit.MILLISECONDS))
                .as("the timer stopped at its first refused sample").isFalse();
        assertThat(unhandled).as("errors from the feed's timer after the threads were gone").isEmpty();
        feed.close();
    }
}
