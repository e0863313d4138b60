package dev.orderly.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.ApiClient;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.TestApp;
import dev.orderly.server.fault.OwnRedisCluster;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Orderly pointed at a Redis Cluster as the README says: its gates, readiness and shared rate limits work there. */
class OrderlyOnRedisClusterIT {

    @Test
    void aNodeOnARedisClusterQueuesVerifiesAndLimits() {
        Map<String, String> onCluster = Map.of("ORDERLY_REDIS_CLUSTER", "true",
                "ORDERLY_REDIS_URL", String.join(",", OwnRedisCluster.get().urls()),
                "ORDERLY_REDIS_PREFIX", "cluster-app-" + UUID.randomUUID(),
                "ORDERLY_RATE_JOIN_PER_ADDRESS", "3/1h");
        try (OrderlyApp app = TestApp.start(onCluster, Clock.systemUTC())) {
            ApiClient browser = new ApiClient(app.port());
            assertThat(browser.get("/ready").status()).isEqualTo(200);

            browser.waitForIdentityPass(Duration.ofSeconds(30));
            JsonObject resident = browser.get("/api/dev/residents").array().getJsonObject(0);
            assertThat(browser.verifyAs(resident).status()).isEqualTo(200);

            int limited = 0;
            for (int i = 0; i < 5; i++) {
                limited += ApiClient.from("127.0.0.11", app.port()).post("/api/gates/identity/join", null).status() == 429 ? 1 : 0;
            }
            assertThat(limited).isEqualTo(2);
            assertThat(browser.get("/metrics").body()).contains("orderly_rate_shared_failures_total{limit=\"join-address\"} 0.0");
        }
    }
}
