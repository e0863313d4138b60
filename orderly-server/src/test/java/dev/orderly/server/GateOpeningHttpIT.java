package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The standard gates' opening time and pre-queue, set at start (the night of an opening). */
class GateOpeningHttpIT {

    @Test
    void gatesSetToOpenLaterTakeJoinsIntoThePreQueueUntilTheOpeningThenAdmit() {
        // The opening is far enough ahead that no start, however slow, reaches it; the server's
        // clock then jumps to just before it, once the join is in the pre-queue.
        ShiftingClock clock = new ShiftingClock();
        Instant opensAt = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        String at = OffsetDateTime.ofInstant(opensAt, ZoneOffset.ofHours(9)).toString();
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_GATES_OPEN_AT", at, "ORDERLY_GATES_PRE_QUEUE_MINUTES", "30",
                "ORDERLY_GATE_IDENTITY_RATE", "1000"), clock)) {
            ApiClient early = new ApiClient(app.port());
            ApiClient.Answer joined = early.post("/api/gates/identity/join", new JsonObject());
            assertThat(joined.status()).isEqualTo(201);
            assertThat(joined.json().getMap()).containsEntry("state", "waiting").containsEntry("phase", "PRE_QUEUE")
                    .containsEntry("inPreQueue", true);
            assertThat(Instant.parse(joined.json().getString("opensAt"))).isEqualTo(opensAt);
            JsonObject info = early.get("/api/gates/identity").json();
            assertThat(info.getString("phase")).isEqualTo("PRE_QUEUE");
            assertThat(Instant.parse(info.getString("opensAt"))).isEqualTo(opensAt);
            assertThat(Instant.parse(info.getString("joinFrom"))).isEqualTo(opensAt.minus(Duration.ofMinutes(30)));
            assertThat(early.get("/api/gates/identity/status").json().getString("state")).isEqualTo("waiting");

            clock.jumpTo(opensAt.minusSeconds(1));
            JsonObject admitted = early.waitForPass("identity", Duration.ofMinutes(2));
            assertThat(clock.instant()).isAfterOrEqualTo(opensAt);
            assertThat(admitted.getString("state")).isEqualTo("admitted");
        }
    }

    @Test
    void anOpeningTimeWithoutAnOffsetStopsTheStartNamingTheSetting() {
        Map<String, String> env = new HashMap<>(Map.of("ORDERLY_GATES_OPEN_AT", "2021-07-26T20:00"));
        assertThatThrownBy(() -> Settings.from(env)).isInstanceOf(Settings.InvalidSettingException.class)
                .hasMessageContaining("ORDERLY_GATES_OPEN_AT=2021-07-26T20:00");
        env.put("ORDERLY_GATES_OPEN_AT", "2021-07-26T20:00+09:00");
        env.put("ORDERLY_GATES_PRE_QUEUE_MINUTES", "-1");
        assertThatThrownBy(() -> Settings.from(env)).hasMessageContaining("ORDERLY_GATES_PRE_QUEUE_MINUTES=-1");
        env.put("ORDERLY_GATES_PRE_QUEUE_MINUTES", "30");
        assertThat(Settings.from(env).gateOpening())
                .isEqualTo(new Settings.GateOpening(Optional.of(Instant.parse("2021-07-26T11:00:00Z")), Duration.ofMinutes(30)));
    }
}
