package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.sqlclient.ClosedConnectionException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchedWritesTest {

    private final HeldStatements db = new HeldStatements();
    private final BatchedWrites<String, Integer> writes = new BatchedWrites<>(db::send, 256);

    @Test
    void aLoneWriteGoesAtOnceAndThoseArrivingMeanwhileShareTheNextStatement() {
        CompletableFuture<Integer> lone = writes.ask("first");
        List<CompletableFuture<Integer>> meanwhile = IntStream.range(0, 30).mapToObj(i -> writes.ask("k" + i)).toList();
        assertThat(db.sent()).containsExactly(List.of("first"));

        db.answer(0, Map.of("first", 0));
        db.answer(1, IntStream.range(0, 30).filter(i -> i % 3 == 0).boxed().collect(Collectors.toMap(i -> "k" + i, i -> i)));

        assertThat(lone).isCompletedWithValue(0);
        assertThat(db.sent()).hasSize(2);
        assertThat(db.sent().get(1)).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(meanwhile.get(i)).as("k%d: inserted, or there already", i).isCompletedWithValue(i % 3 == 0 ? i : null);
        }
    }

    @Test
    void oneKeyWrittenTwiceInABatchIsInsertedOnceAndOnlyTheFirstCallerInsertedIt() {
        writes.ask("x");
        CompletableFuture<Integer> one = writes.ask("a");
        CompletableFuture<Integer> two = writes.ask("a");
        db.answer(0, Map.of());

        assertThat(db.sent().get(1)).containsExactly("a");
        db.answer(1, Map.of("a", 7));
        assertThat(one).isCompletedWithValue(7);
        assertThat(two).as("the second of two inserts of one key finds it there").isCompletedWithValue(null);
    }

    @Test
    void aFailedStatementFailsEachOfItsCallersAndTheNextOneStillGoes() {
        writes.ask("x");
        CompletableFuture<Integer> a = writes.ask("a");
        CompletableFuture<Integer> b = writes.ask("b");
        db.answer(0, Map.of("x", 1));
        CompletableFuture<Integer> c = writes.ask("c");

        db.fail(1, ClosedConnectionException.INSTANCE);
        assertThat(HeldStatements.cause(a)).isSameAs(ClosedConnectionException.INSTANCE);
        assertThat(HeldStatements.cause(b)).isSameAs(ClosedConnectionException.INSTANCE);
        assertThat(db.sent()).containsExactly(List.of("x"), List.of("a", "b"), List.of("c"));
        db.answer(2, Map.of("c", 3));
        assertThat(c).isCompletedWithValue(3);
    }

    @Test
    void aSlowStatementLetsTheNextBatchGoYetItsCallersGetItsRealOutcome() {
        BatchedWrites<String, Integer> patient = new BatchedWrites<>(db::send, 256, Duration.ofMillis(100));
        CompletableFuture<Integer> slow = patient.ask("a");
        CompletableFuture<Integer> next = patient.ask("b");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.sent().size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(db.sent()).as("the line moved on").containsExactly(List.of("a"), List.of("b"));
        assertThat(slow).as("never failed for being slow: its row may still commit").isNotDone();
        db.answer(1, Map.of("b", 2));
        assertThat(next).isCompletedWithValue(2);
        db.answer(0, Map.of("a", 1));
        assertThat(slow).isCompletedWithValue(1);
    }

    @Test
    void aStatementThatCannotBeBuiltFailsItsCallersNotTheOnesAfter() {
        BatchedWrites<String, Integer> picky = new BatchedWrites<>(keys -> {
            if (keys.contains("bad")) {
                throw new IllegalStateException("no statement for " + keys);
            }
            return db.send(keys);
        }, 256);

        CompletableFuture<Integer> bad = picky.ask("bad");
        CompletableFuture<Integer> good = picky.ask("good");

        assertThat(HeldStatements.cause(bad)).isInstanceOf(IllegalStateException.class);
        assertThat(db.sent()).containsExactly(List.of("good"));
        db.answer(0, Map.of("good", 1));
        assertThat(good).isCompletedWithValue(1);
    }

    @Test
    void insertWaitsAndTranslatesALostConnectionAsEveryStatementDoes() {
        BatchedWrites<String, Integer> lost = new BatchedWrites<>(keys -> Future.failedFuture(ClosedConnectionException.INSTANCE), 256);

        assertThatThrownBy(() -> lost.insert("a")).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void manyThreadsWritingTheSameKeysInsertEachExactlyOnceInFewerStatements() throws Exception {
        Set<Integer> table = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Integer> firsts = new ConcurrentLinkedQueue<>();
        try (LateStatements<Integer, Boolean> db = new LateStatements<>(keys -> {
            Map<Integer, Boolean> inserted = new HashMap<>();
            keys.stream().filter(table::add).forEach(k -> inserted.put(k, true));
            return inserted;
        })) {
            BatchedWrites<Integer, Boolean> inserts = new BatchedWrites<>(db::send, 64);

            LateStatements.callAtOnce(2_000, i -> {
                if (inserts.insert(i % 500) != null) {
                    firsts.add(i % 500);
                }
            });

            assertThat(firsts).as("each key inserted by exactly one caller").hasSize(500);
            assertThat(new HashSet<>(firsts)).hasSize(500);
            db.assertBatched(2_000, 64);
        }
    }

    @Test
    void aZeroLimitIsRefused() {
        assertThatThrownBy(() -> new BatchedWrites<String, Integer>(db::send, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
