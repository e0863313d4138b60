package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An operator's gate configuration over HTTP: the opening time moves freely until the pre-queue is
 * drawn, and is then refused with 409 {@code gate-opened} and the time the gate opened, leaving the
 * gate as it was; other changes still go through.
 */
class GateConfigurationIT {

    private static final String TOKEN = "operator-token-for-tests-0123456789";

    @Test
    void theOpeningTimeMovesUntilThePreQueueIsDrawnAndIsThenRefusedWithTheTimeTheGateOpened() {
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC())) {
            ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);

            Instant later = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
            JsonObject fresh = new JsonObject().put("opensAt", later.toString())
                    .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 5));
            assertThat(operator.put("/api/operator/gates/evening", fresh).status()).isEqualTo(201);
            ApiClient.Answer moved = operator.put("/api/operator/gates/evening", fresh.copy().put("opensAt", later.plusSeconds(600).toString()));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            assertThat(moved.json().getString("opensAt")).isEqualTo(later.plusSeconds(600).toString());

            JsonObject identity = drawn(operator, "identity");
            String opened = identity.getString("opensAt");
            JsonObject body = identity.copy();
            body.remove("name");
            body.remove("mode");
            body.remove("figures");
            ApiClient.Answer refused = operator.put("/api/operator/gates/identity",
                    body.copy().put("opensAt", Instant.parse(opened).plus(Duration.ofHours(1)).toString()));
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().getString("type")).isEqualTo("/problems/gate-opened");
            assertThat(refused.json().getString("opensAt")).isEqualTo(opened);
            assertThat(operator.get("/api/operator/gates/identity").json().getString("opensAt")).isEqualTo(opened);

            ApiClient.Answer message = operator.put("/api/operator/gates/identity", body.copy().put("message", "welcome"));
            assertThat(message.status()).as(message.body()).isEqualTo(200);
            assertThat(operator.post("/api/operator/gates/identity/pause", new JsonObject().put("message", "a moment")).status())
                    .isEqualTo(200);
        }
    }

    /** The gate as the operator API shows it, once its pre-queue has been drawn (the first tick after opening). */
    private static JsonObject drawn(ApiClient operator, String gate) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonObject g = operator.get("/api/operator/gates/" + gate).json();
            if (g.getJsonObject("figures").getLong("preQueueSize") >= 0) {
                return g;
            }
            assertThat(System.nanoTime()).as("the pre-queue of %s drawn within two minutes", gate).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
