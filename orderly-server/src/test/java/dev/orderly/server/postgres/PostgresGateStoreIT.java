package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateProgress;
import dev.orderly.gate.GateStore;
import dev.orderly.gate.GateStoreContract;
import dev.orderly.testing.Race;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gate store contract against PostgreSQL, and what a restart must keep: a second store on
 * the same database stands for the node after a restart (nothing of the first one's memory).
 */
class PostgresGateStoreIT extends GateStoreContract {

    // Shared and never closed: the contract's jqwik properties run outside JUnit's class
    // lifecycle, after an @AfterAll would already have closed it.
    private static PostgresTestDatabase db;

    private static synchronized PostgresTestDatabase db() {
        if (db == null) {
            db = PostgresTestDatabase.start();
        }
        return db;
    }

    @Override
    protected GateStore newStore() {
        db().sql("TRUNCATE gate_configs, gate_counters, gate_progress, gate_checkpoints, gate_holders, gate_spent, gate_lottery, gate_claims");
        return new PostgresGateStore(db().pool());
    }

    // Each spend, holder and advance is a round trip: shorter races than in memory, still contended.

    @Override
    protected int holdersPerRace() {
        return 500;
    }

    @Override
    protected int ranksPerSpendRace() {
        return 1_000;
    }

    private GateStore restarted() {
        return new PostgresGateStore(db().pool());
    }

    @Test
    void afterARestartNumbersContinueAboveEveryNumberHandedOutAndNoneIsReused() {
        GateStore before = store();
        List<Long> handed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            handed.add(i % 2 == 0 ? before.issue("identity") : before.issueLater("identity").toCompletableFuture().join());
        }
        long highest = handed.getLast();

        GateStore after = restarted();

        assertThat(after.issued("identity")).as("everything an earlier run may have handed out counts as issued")
                .isGreaterThanOrEqualTo(highest);
        long next = after.issue("identity");
        assertThat(next).isGreaterThan(highest);
        assertThat(after.issueLater("identity").toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(next + 1);
        assertThat(after.issued("identity")).isEqualTo(next + 1);
        assertThat(next - highest).as("numbers skipped by the restart: the rest of a block")
                .isLessThanOrEqualTo(2L * NumberBlocks.MAX_BLOCK);
    }

    @Test
    void aQuietGateSkipsFewNumbersOnRestart() {
        GateStore before = store();
        for (int i = 0; i < 5; i++) {
            before.issue("booking");
        }

        long next = restarted().issue("booking");

        assertThat(next).isGreaterThan(5).isLessThanOrEqualTo(5 + 2L * NumberBlocks.MIN_BLOCK + 1);
    }

    @Test
    void aRestartKeepsProgressCheckpointsHoldersSpentPassesAndSettings() {
        GateStore before = store();
        GateConfig paused = GateConfig.fixedRate("identity", T0, 3.5, Duration.ofMinutes(10))
                .withMode(GateMode.PAUSED, "back at 20:30");
        before.saveConfig(paused);
        long holder = before.issueFor("identity", "person:7");
        before.issue("identity");
        GateProgress progress = GateProgress.INITIAL.next(2, 2, new AdmissionPolicy.Memory(T0.plusSeconds(1), 0.5, 0));
        assertThat(before.advance("identity", GateProgress.INITIAL, progress, T0.plusSeconds(1))).isTrue();
        assertThat(before.spend("identity", 1)).isTrue();

        GateStore after = restarted();

        assertThat(after.config("identity")).contains(paused);
        assertThat(after.progress("identity")).isEqualTo(progress);
        assertThat(after.admittedAt("identity", 2)).contains(T0.plusSeconds(1));
        assertThat(after.markAt("identity", T0.plusSeconds(2))).isEqualTo(2);
        assertThat(after.issueFor("identity", "person:7")).isEqualTo(holder);
        assertThat(after.spent("identity", 1)).isTrue();
        assertThat(after.spend("identity", 1)).as("spent once, across the restart").isFalse();
        assertThat(after.spentAbove("identity", 0)).isEqualTo(1);
        assertThat(after.issueFor("identity", "person:8")).isGreaterThan(2);
    }

    @Test
    void aCleanStopGivesUnusedNumbersBackSoThatTheNextStartSkipsNone() {
        PostgresGateStore before = (PostgresGateStore) store();
        for (int i = 0; i < 40; i++) {
            before.issue("identity");
        }

        before.giveBackUnused();

        assertThat(restarted().issue("identity")).isEqualTo(41);
    }

    @Test
    void aSpendByAnotherStoreIsSeenAtOnceAndNeverHiddenByACachedAnswer() {
        GateStore one = store();
        GateStore other = restarted();
        assertThat(one.spent("identity", 9)).isFalse();

        assertThat(other.spend("identity", 9)).isTrue();

        assertThat(one.spent("identity", 9)).isTrue();
        assertThat(one.spend("identity", 9)).isFalse();
    }

    /**
     * Spends go to PostgreSQL in batches of one statement each. Two nodes' batches of the same
     * passes, arriving in opposite orders, must neither deadlock (each statement writes in the
     * order of the key) nor spend a pass twice; their holders' places, taken meanwhile, stay one each.
     */
    @Test
    void twoNodesBatchingTheSameSpendsAndPlacesInOppositeOrdersNeitherDeadlockNorDoubleThem() {
        GateStore[] nodes = {store(), restarted()};
        int ranks = 400;
        int threads = 8;

        List<Object[]> got = Race.run(threads, Duration.ofMinutes(2), i -> {
            GateStore node = nodes[i % 2];
            boolean[] firsts = new boolean[ranks + 1];
            long[] places = new long[ranks + 1];
            for (int n = 1; n <= ranks; n++) {
                int k = i / 2 % 2 == 0 ? n : ranks + 1 - n;
                firsts[k] = node.spend("identity", k);
                places[k] = node.issueFor("booking", "person:" + k);
            }
            return new Object[] {firsts, places};
        });

        List<Integer> wrong = new ArrayList<>();
        for (int k = 1; k <= ranks; k++) {
            int r = k;
            long spentFirst = got.stream().filter(g -> ((boolean[]) g[0])[r]).count();
            long distinctPlaces = got.stream().mapToLong(g -> ((long[]) g[1])[r]).distinct().count();
            if (spentFirst != 1 || distinctPlaces != 1) {
                wrong.add(k);
            }
        }
        assertThat(wrong).as("passes not spent exactly once, or holders given two places").isEmpty();
        assertThat(nodes[0].spentAbove("identity", 0)).isEqualTo(ranks);
    }

    @Test
    void callersWaitingForABlockAreNumberedInTheOrderTheyAsked() {
        GateStore s = store();
        List<CompletableFuture<Long>> asked = new ArrayList<>();
        for (int i = 0; i < 3 * NumberBlocks.MAX_BLOCK; i++) {
            asked.add(s.issueLater("identity").toCompletableFuture());
        }

        List<Long> got = asked.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();

        assertThat(got).isSorted().doesNotHaveDuplicates();
        assertThat(got.getLast() - got.getFirst()).isEqualTo(got.size() - 1);
    }
}
