package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.TestDatabase;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Passes spent before V24 are counted after it: the migration fills the blocks from the marks already there. */
class MigrationToSpentBlocksIT {

    @Test
    void marksSpentBeforeTheUpgradeAreCountedAboveAnyRankAfterIt() throws Exception {
        String url = TestDatabase.freshAt("23");
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            // Every third rank of 1..5,000 on one gate, ranks 1,000..1,100 on another.
            s.execute("INSERT INTO gate_spent (gate, rank) SELECT 'identity', g FROM generate_series(1, 5000) g WHERE g % 3 = 0");
            s.execute("INSERT INTO gate_spent (gate, rank) SELECT 'booking', g FROM generate_series(1000, 1100) g");
        }
        Vertx vertx = Vertx.vertx();
        try (Database db = Database.external(vertx, url, "postgres", "", 2)) {
            PostgresGateStore store = new PostgresGateStore(db.pool());

            for (long probe : new long[] {-1, 0, 1, 1_022, 1_023, 1_024, 1_025, 2_047, 2_048, 4_999, 5_000}) {
                assertThat(store.spentAbove("identity", probe)).as("identity above %d", probe).isEqualTo(5_000 / 3 - probe / 3);
            }
            assertThat(store.spentAbove("booking", 1_023)).isEqualTo(1_100 - 1_023);
            assertThat(store.spend("identity", 4_001)).isTrue();
            assertThat(store.unspend("identity", 3)).isTrue();
            assertThat(store.spentAbove("identity", 0)).as("a spend and a give-back after the upgrade").isEqualTo(5_000 / 3);
            assertThat(store.spentAbove("identity", 4_000)).isEqualTo((5_000 / 3 - 4_000 / 3) + 1);

            // A hand-made correction moving marks keeps the counts right as well.
            await(db.pool().query("UPDATE gate_spent SET rank = rank + 3000 WHERE gate = 'booking'").execute());
            assertThat(store.spentAbove("booking", 2_047)).isEqualTo(101);
            assertThat(store.spentAbove("booking", 4_050)).isEqualTo(4_100 - 4_050);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
