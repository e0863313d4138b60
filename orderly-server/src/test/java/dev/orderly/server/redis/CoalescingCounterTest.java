package dev.orderly.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching of one counter, against a hand-driven "Redis". */
class CoalescingCounterTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<Long> sent = new ArrayList<>();
    private final List<Promise<Long>> answers = new ArrayList<>();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private Future<Long> redis(long n) {
        sent.add(n);
        // A promise of the Vert.x context, as the Redis client's are (a timeout needs a context's timer).
        Promise<Long> p = ((io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext()).promise();
        answers.add(p);
        return p.future();
    }

    @Test
    void callersWhoAskWhileARoundTripIsOutShareTheNextInTheOrderTheyAsked() {
        CoalescingCounter counter = new CoalescingCounter(this::redis, Duration.ofSeconds(30));
        CompletableFuture<Long> first = counter.next().toCompletableFuture();
        List<CompletableFuture<Long>> waiting = List.of(counter.next().toCompletableFuture(), counter.next().toCompletableFuture(),
                counter.next().toCompletableFuture());
        assertThat(sent).containsExactly(1L);

        answers.get(0).complete(10L);
        assertThat(first.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(10);
        assertThat(sent).containsExactly(1L, 3L);
        answers.get(1).complete(13L);

        assertThat(waiting.stream().map(f -> f.orTimeout(5, TimeUnit.SECONDS).join()).toList()).containsExactly(11L, 12L, 13L);
        CompletableFuture<Long> alone = counter.next().toCompletableFuture();
        assertThat(sent).containsExactly(1L, 3L, 1L);
        answers.get(2).complete(14L);
        assertThat(alone.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(14);
    }

    @Test
    void aRoundTripThatNeverAnswersFailsItsCallersAndFreesTheNext() {
        CoalescingCounter counter = new CoalescingCounter(this::redis, Duration.ofMillis(200));
        CompletableFuture<Long> lost = counter.next().toCompletableFuture();

        // Redis not answering is an outage (answered 503), not a bug.
        assertThatThrownBy(() -> lost.orTimeout(5, TimeUnit.SECONDS).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(StoreUnavailableException.class);
        CompletableFuture<Long> next = counter.next().toCompletableFuture();
        assertThat(sent).containsExactly(1L, 1L);
        answers.get(1).complete(2L);
        assertThat(next.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(2);
    }

    @Test
    void aFailedRoundTripFailsOnlyItsOwnCallers() {
        CoalescingCounter counter = new CoalescingCounter(this::redis, Duration.ofSeconds(30));
        CompletableFuture<Long> first = counter.next().toCompletableFuture();
        CompletableFuture<Long> second = counter.next().toCompletableFuture();

        answers.get(0).fail(new IllegalStateException("connection reset"));
        assertThatThrownBy(() -> first.orTimeout(5, TimeUnit.SECONDS).join()).hasRootCauseMessage("connection reset");
        answers.get(1).complete(7L);
        assertThat(second.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(7);
    }

    @Test
    void aDroppedConnectionFailsTheCallersWithTheStoresUnavailability() {
        CoalescingCounter counter = new CoalescingCounter(this::redis, Duration.ofSeconds(30));
        CompletableFuture<Long> caller = counter.next().toCompletableFuture();

        answers.get(0).fail(new java.net.SocketException("Connection reset"));
        assertThatThrownBy(() -> caller.orTimeout(5, TimeUnit.SECONDS).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(((StoreUnavailableException) e).dependency()).isEqualTo("redis"));
    }
}
