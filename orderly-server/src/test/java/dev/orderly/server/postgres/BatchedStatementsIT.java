package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.identity.Challenge;
import dev.orderly.identity.SessionStore;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writes a walk made alone, batched (issue #17): a session's start, a challenge's
 * compare-and-set and a holder's place each share one statement with those that come together.
 * Each test holds the first statement on a row lock taken in a transaction of its own, puts the
 * callers it wants in one batch behind it (each seen parked in {@link BatchedWrites#insert}), then
 * lets go: what each caller gets must be what it would have got alone. Nothing depends on timing.
 */
class BatchedStatementsIT {

    private static final Instant NOW = Instant.parse("2021-08-09T11:00:00Z");
    private static PostgresTestDatabase db;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void empty() {
        db.sql("TRUNCATE person_sessions, identity_challenges, gate_holders CASCADE");
    }

    @Test
    void oneStatementStartingOnePersonTwiceAndAnotherOnceGivesEachStartItsOwnGeneration() {
        PostgresSessionStore store = new PostgresSessionStore(db.pool());
        store.begin(1, NOW);
        store.begin(2, NOW);

        List<Caller<SessionStore.Begun>> batch;
        Caller<SessionStore.Begun> first;
        RowLock held = RowLock.take("SELECT 1 FROM person_sessions WHERE person_id = 1 FOR UPDATE");
        try {
            first = inThread(() -> store.begin(1, NOW.plusSeconds(1)));
            awaitParkedInBatchedWrites(List.of(first));
            batch = List.of(
                    inThread(() -> store.begin(2, NOW.plusSeconds(2))),
                    inThread(() -> store.begin(2, NOW.plusSeconds(3))),
                    inThread(() -> store.begin(3, NOW.plusSeconds(4))));
            awaitParkedInBatchedWrites(batch);
        } finally {
            held.close();
        }

        List<Long> twos = batch.subList(0, 2).stream().map(f -> f.join().current().number()).toList();
        assertThat(twos).containsExactlyInAnyOrder(2L, 3L);
        for (Caller<SessionStore.Begun> b : batch.subList(0, 2)) {
            SessionStore.Begun begun = b.join();
            assertThat(begun.previous()).as("the generation it replaced")
                    .hasValueSatisfying(p -> assertThat(p.number()).isEqualTo(begun.current().number() - 1));
        }
        assertThat(batch.get(2).join().current().number()).isEqualTo(1);
        assertThat(batch.get(2).join().previous()).isEmpty();
        assertThat(first.join().current().number()).isEqualTo(2);
        assertThat(store.current(1).map(SessionStore.Generation::number)).contains(2L);
        assertThat(store.current(2).map(SessionStore.Generation::number)).contains(3L);
        assertThat(store.current(3)).contains(new SessionStore.Generation(1, NOW.plusSeconds(4), true));
    }

    @Test
    void twoChangesOfOneChallengeInOneStatementAreBothAppliedAndAnotherChallengesChangeToo() {
        PostgresChallengeStore store = new PostgresChallengeStore(db.pool(), Clock.fixed(NOW, ZoneOffset.UTC));
        for (String id : List.of("x", "y", "z")) {
            store.save(new Challenge(id, 7, "mac", NOW.plusSeconds(180), 0, false));
        }

        List<Caller<Optional<Challenge>>> batch;
        Caller<Optional<Challenge>> first;
        RowLock held = RowLock.take("SELECT 1 FROM identity_challenges WHERE id = 'x' FOR UPDATE");
        try {
            first = inThread(() -> store.update("x", c -> withTries(c, c.failedTries() + 1)));
            awaitParkedInBatchedWrites(List.of(first));
            batch = List.of(
                    inThread(() -> store.update("y", c -> withTries(c, c.failedTries() + 1))),
                    inThread(() -> store.update("y", c -> new Challenge(c.id(), c.personId(), c.codeMac(), c.expiresAt(), c.failedTries(), true))),
                    inThread(() -> store.update("z", c -> withTries(c, c.failedTries() + 2))));
            awaitParkedInBatchedWrites(batch);
        } finally {
            held.close();
        }

        assertThat(first.join()).hasValueSatisfying(c -> assertThat(c.failedTries()).isEqualTo(1));
        batch.forEach(Caller::join);
        assertThat(store.find("y")).hasValueSatisfying(c -> {
            assertThat(c.failedTries()).as("the failed try, applied once").isEqualTo(1);
            assertThat(c.used()).as("the use, applied once").isTrue();
        });
        assertThat(store.find("z")).hasValueSatisfying(c -> assertThat(c.failedTries()).isEqualTo(2));
    }

    @Test
    void holdersPlacedInOneStatementEachGetTheirOwnPlaceAndOnePlacedByAnotherNodeKeepsThat() {
        PostgresGateStore store = new PostgresGateStore(db.pool());
        List<Caller<Long>> batch;
        Caller<Long> first;
        RowLock held = RowLock.take("INSERT INTO gate_holders (gate, holder, place) VALUES ('booking', 'h0', 1000000)");
        try {
            // An uncommitted insert of the same holder by "another node": this one waits on it.
            first = inThread(() -> store.issueFor("booking", "h0"));
            awaitParkedInBatchedWrites(List.of(first));
            batch = new ArrayList<>();
            for (String holder : HOLDERS) {
                batch.add(inThread(() -> store.issueFor("booking", holder)));
            }
            awaitParkedInBatchedWrites(batch);
        } finally {
            held.close();
        }

        assertThat(first.join()).as("the other node's place stands").isEqualTo(1_000_000L);
        List<Long> places = batch.stream().map(Caller::join).toList();
        assertThat(places).doesNotHaveDuplicates().doesNotContain(1_000_000L);
        for (int i = 0; i < HOLDERS.size(); i++) {
            assertThat(store.issueFor("booking", HOLDERS.get(i))).as("%s asking again", HOLDERS.get(i)).isEqualTo(places.get(i));
        }
        assertThat(db.count("SELECT count(*) FROM gate_holders")).isEqualTo(6);
    }

    /**
     * Five holders whose places the store guards with locks other than h0's and each other's (it
     * stripes them by hash), so none of them waits on a lock instead of in the batch.
     */
    private static final List<String> HOLDERS = IntStream.range(1, 1_000).mapToObj(i -> "h" + i)
            .filter(h -> stripe(h) != stripe("h0"))
            .collect(Collectors.toMap(BatchedStatementsIT::stripe, h -> h, (a, b) -> a, TreeMap::new))
            .values().stream().limit(5).toList();

    private static int stripe(String holder) {
        return PostgresGateStore.holderStripe("booking", holder);
    }

    private static Challenge withTries(Challenge c, int tries) {
        return new Challenge(c.id(), c.personId(), c.codeMac(), c.expiresAt(), tries, c.used());
    }

    /** A call made on a thread of its own, and what it answers. */
    private record Caller<T>(Thread thread, CompletableFuture<T> answer) {

        T join() {
            return answer.join();
        }

        /** Waiting inside a batched write: it is in that line, not before it. */
        boolean parkedInBatchedWrites() {
            return thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace())
                    .anyMatch(f -> f.getClassName().equals(BatchedWrites.class.getName()) && f.getMethodName().equals("insert"));
        }
    }

    private static <T> Caller<T> inThread(Supplier<T> call) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("caller").start(() -> {
            try {
                answer.complete(call.get());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        return new Caller<>(t, answer);
    }

    private static void awaitParkedInBatchedWrites(List<? extends Caller<?>> callers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!callers.stream().allMatch(Caller::parkedInBatchedWrites)) {
            callers.stream().filter(c -> c.answer().isDone()).findAny()
                    .ifPresent(c -> assertThat(c.answer()).as("a caller that should wait in line").isNotDone());
            assertThat(System.nanoTime()).as("callers parked in the line within a minute").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** A row lock (or an uncommitted insert) held in a transaction of its own until closed, then committed. */
    private record RowLock(SqlConnection connection, Transaction tx) {

        static RowLock take(String sql) {
            SqlConnection c = Blocking.await(db.pool().getConnection());
            Transaction tx = Blocking.await(c.begin());
            Blocking.await(c.query(sql).execute());
            return new RowLock(c, tx);
        }

        void close() {
            Blocking.await(tx.commit());
            Blocking.await(connection.close());
        }
    }
}
