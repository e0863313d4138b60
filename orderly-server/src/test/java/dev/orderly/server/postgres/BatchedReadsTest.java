package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.sqlclient.ClosedConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class BatchedReadsTest {

    private final HeldStatements db = new HeldStatements();
    private final BatchedReads<String, Integer> reads = new BatchedReads<>(db::send, 256);

    @Test
    void aReadWithNobodyElseAskingIsSentAtOnce() {
        CompletableFuture<Integer> a = reads.ask("a");

        assertThat(db.sent()).containsExactly(List.of("a"));
        db.answer(0, Map.of("a", 1));
        assertThat(a).isCompletedWithValue(1);
    }

    @Test
    void readsAskedWhileOneIsInFlightGoTogetherInTheNextStatement() {
        CompletableFuture<Integer> first = reads.ask("first");
        List<CompletableFuture<Integer>> later = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            later.add(reads.ask("k" + i));
        }
        assertThat(db.sent()).hasSize(1);

        db.answer(0, Map.of("first", 0));
        assertThat(first).isCompletedWithValue(0);
        assertThat(db.sent()).hasSize(2);
        assertThat(db.sent().get(1)).hasSize(50).startsWith("k0", "k1").endsWith("k49");
        Map<String, Integer> rows = new HashMap<>();
        for (int i = 0; i < 50; i += 2) {
            rows.put("k" + i, i);
        }
        db.answer(1, rows);
        for (int i = 0; i < 50; i++) {
            assertThat(later.get(i)).isCompletedWithValue(i % 2 == 0 ? i : null);
        }
        assertThat(db.sent()).as("nobody left waiting: no empty statement").hasSize(2);
    }

    @Test
    void aCallerIsNeverAnsweredByAStatementSentBeforeItAsked() {
        CompletableFuture<Integer> before = reads.ask("a");
        CompletableFuture<Integer> after = reads.ask("a");

        db.answer(0, Map.of("a", 1));
        assertThat(before).isCompletedWithValue(1);
        assertThat(after).as("a write committed between the two asks must be seen by the second").isNotDone();
        assertThat(db.sent()).containsExactly(List.of("a"), List.of("a"));
        db.answer(1, Map.of("a", 2));
        assertThat(after).isCompletedWithValue(2);
    }

    @Test
    void oneKeyAskedTwiceInABatchIsReadOnceAndAnswersBoth() {
        reads.ask("x");
        CompletableFuture<Integer> one = reads.ask("a");
        CompletableFuture<Integer> two = reads.ask("a");
        db.answer(0, Map.of());

        assertThat(db.sent().get(1)).containsExactly("a");
        db.answer(1, Map.of("a", 7));
        assertThat(one).isCompletedWithValue(7);
        assertThat(two).isCompletedWithValue(7);
    }

    @Test
    void noStatementCarriesMoreKeysThanItsLimit() {
        BatchedReads<String, Integer> small = new BatchedReads<>(db::send, 2);
        small.ask("first");
        List<CompletableFuture<Integer>> later = new ArrayList<>();
        for (String k : List.of("a", "b", "c", "d", "e")) {
            later.add(small.ask(k));
        }
        for (int s = 0; s < 4; s++) {
            db.answer(s, Map.of("a", 1, "b", 2, "c", 3, "d", 4, "e", 5));
        }

        assertThat(db.sent()).containsExactly(List.of("first"), List.of("a", "b"), List.of("c", "d"), List.of("e"));
        assertThat(later).allSatisfy(f -> assertThat(f).isCompleted());
    }

    @Test
    void aFailedStatementFailsItsOwnCallersAndTheNextOneStillGoes() {
        CompletableFuture<Integer> failed = reads.ask("a");
        CompletableFuture<Integer> waiting = reads.ask("b");

        db.fail(0, ClosedConnectionException.INSTANCE);
        assertThat(HeldStatements.cause(failed)).isSameAs(ClosedConnectionException.INSTANCE);
        assertThat(waiting).isNotDone();
        db.answer(1, Map.of("b", 2));
        assertThat(waiting).isCompletedWithValue(2);
    }

    @Test
    void aReadThatThrowsBeforeSendingFailsItsCallersNotTheOnesAfter() {
        int[] calls = {0};
        BatchedReads<String, Integer> flaky = new BatchedReads<>(keys -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("no statement");
            }
            return Future.succeededFuture(Map.of("b", 2));
        }, 256);

        assertThat(flaky.ask("a")).isCompletedExceptionally();
        assertThat(flaky.ask("b")).isCompletedWithValue(2);
    }

    @Test
    void getWaitsAndTranslatesALostConnectionAsEveryStatementDoes() {
        BatchedReads<String, Integer> lost = new BatchedReads<>(keys -> Future.failedFuture(ClosedConnectionException.INSTANCE), 256);

        assertThatThrownBy(() -> lost.get("a")).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void manyThreadsAtOnceEachGetTheirOwnKeysAnswerInFewerStatements() throws Exception {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        try (LateStatements<Integer, Integer> db = new LateStatements<>(keys -> {
            Map<Integer, Integer> rows = new HashMap<>();
            keys.forEach(k -> rows.put(k, k * k));
            return rows;
        })) {
            BatchedReads<Integer, Integer> squares = new BatchedReads<>(db::send, 64);

            LateStatements.callAtOnce(2_000, i -> {
                int key = i % 500;
                Integer got = squares.get(key);
                if (got == null || got != key * key) {
                    wrong.add(key + " -> " + got);
                }
            });

            assertThat(wrong).isEmpty();
            db.assertBatched(2_000, 64);
        }
    }

    @Test
    void aZeroLimitIsRefused() {
        assertThatThrownBy(() -> new BatchedReads<String, Integer>(db::send, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStatementThatNeverAnswersFailsItsCallersAsAnOutageAndFreesTheNext() {
        BatchedReads<String, Integer> patient = new BatchedReads<>(db::send, 256, Duration.ofMillis(200));
        CompletableFuture<Integer> lost = patient.ask("a");

        assertThatThrownBy(() -> Blocking.await(Future.fromCompletionStage(lost))).isInstanceOf(StoreUnavailableException.class);
        CompletableFuture<Integer> next = patient.ask("b");
        assertThat(db.sent()).containsExactly(List.of("a"), List.of("b"));
        db.answer(1, Map.of("b", 2));
        assertThat(next).isCompletedWithValue(2);
    }
}
