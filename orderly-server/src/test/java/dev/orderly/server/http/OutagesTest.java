package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** An outage is answered 503 with Retry-After and a problem body; /ready names each dependency. */
class OutagesTest {

    @Test
    void anUnavailableStoreDeepInTheCausesIsA503WithRetryAfterAndNoTrace() {
        StoreUnavailableException outage = new StoreUnavailableException("postgresql", "Connection refused: /10.0.0.7:5432", null);
        assertThat(Outages.unavailability(new CompletionException(new IllegalStateException(outage)))).isSameAs(outage);
        assertThat(Outages.unavailability(new IllegalStateException("bug"))).isNull();

        Reply reply = new Outages().answer("POST", outage);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.problem()).isTrue();
        assertThat(reply.headers()).anySatisfy(h -> {
            assertThat(h[0]).isEqualTo("Retry-After");
            assertThat(Integer.parseInt(h[1])).isPositive();
        });
        JsonObject body = (JsonObject) reply.body();
        assertThat(body.getString("type")).isEqualTo("/problems/service-unavailable");
        assertThat(body.getString("dependency")).isEqualTo("postgresql");
        // A write may have been carried out: the answer must not say nothing changed.
        assertThat(body.getString("detail")).contains("Idempotency-Key").doesNotContain("nothing was changed").doesNotContain("10.0.0.7");
    }

    @Test
    void readinessIs503NamingTheDependencyThatIsDown() {
        Map<String, Boolean> states = new LinkedHashMap<>();
        states.put("postgresql", true);
        states.put("redis", false);
        Reply down = HttpApi.readiness(states);
        assertThat(down.status()).isEqualTo(503);
        assertThat(((JsonObject) down.body()).getJsonObject("dependencies").getMap()).containsEntry("redis", "DOWN")
                .containsEntry("postgresql", "UP");
        states.put("redis", true);
        assertThat(HttpApi.readiness(states).status()).isEqualTo(200);
    }
}
