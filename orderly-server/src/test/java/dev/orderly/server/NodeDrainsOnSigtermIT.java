package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A node taken out with SIGTERM, as an upgrade does: {@code /ready} answers 503 at once, the people it
 * holds are still answered through the drain period, then the HTTP server closes, then the loops and
 * stores stop, and the process exits 0. The drain period is long (a busy machine must fit a few
 * requests in it) and nothing waits on how fast the node starts.
 */
class NodeDrainsOnSigtermIT {

    private static final int DRAIN_SECONDS = 30;

    @Test
    void aTerminatedNodeStopsBeingReadyKeepsServingThenClosesAndExitsZero() {
        try (NodeProcess node = NodeProcess.start(Map.of(
                "ORDERLY_DATABASE_URL", TestDatabase.fresh(),
                "ORDERLY_DEMO_PEOPLE", "200",
                "ORDERLY_DEMO_CLINICS", "20",
                "ORDERLY_DRAIN_SECONDS", Integer.toString(DRAIN_SECONDS)))) {
            ApiClient person = new ApiClient(node.port());
            ApiClient.Answer joined = person.post("/api/gates/identity/join", null);
            assertThat(joined.status()).as(joined.body()).isEqualTo(201);

            node.terminate();

            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            int ready;
            while ((ready = node.readyStatus()) == 200 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            assertThat(ready).as("/ready once SIGTERM arrived:\n%s", node.log()).isEqualTo(503);
            assertThat(node.process().isAlive()).as("still serving in the drain period").isTrue();
            ApiClient.Answer status = person.get("/api/gates/identity/status");
            assertThat(status.status()).as("the node's person is still answered while draining: %s", status.body()).isEqualTo(200);
            assertThat(status.json().getString("state")).isIn("waiting", "admitted");

            assertThat(node.awaitExit(Duration.ofMinutes(3))).as("exit status:\n%s", node.log()).isZero();
            String log = node.log();
            assertThat(log).containsSubsequence(
                    "draining: /ready answers 503",
                    "closing the HTTP server",
                    "HTTP server closed; stopping the loops",
                    "stopped");
            assertThat(node.readyStatus()).as("nothing listens after the exit").isEqualTo(-1);
        }
    }
}
