package dev.orderly.server.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Gate configurations as the PostgreSQL and Redis stores hold them, written before the admission
 * settings and policies became one hierarchy: they still load, and are written back unchanged.
 */
class StoredGateConfigFormatTest {

    private static final String FIXED = """
            {"name":"identity","mode":"ACTIVE","opensAt":"2021-07-26T11:00:00Z","joinFrom":"2021-07-26T10:30:00Z",
             "admission":{"policy":"FIXED_RATE","perSecond":12.5},"passLifetimeSeconds":600,"keyedByPerson":false,
             "maxPollSeconds":60,"message":""}""";
    private static final String TARGET = """
            {"name":"booking","mode":"PAUSED","opensAt":"2021-07-26T11:00:00Z","joinFrom":"2021-07-26T11:00:00Z",
             "admission":{"policy":"CONCURRENCY_TARGET","maxOutstanding":500,"maxPerSecond":80.25},"passLifetimeSeconds":900,
             "keyedByPerson":true,"maxPollSeconds":30,"message":"back at 8"}""";
    private static final String ADAPTIVE = """
            {"name":"x-1","mode":"CLOSED","opensAt":"2021-07-26T11:00:01Z","joinFrom":"2021-07-26T11:00:00Z",
             "admission":{"policy":"ADAPTIVE","minPerSecond":1.5,"maxPerSecond":400.0,"startPerSecond":20.0,
             "increasePerSecond":2.5,"decreaseFactor":0.7,"latencyTargetMs":800,"maxErrorRatio":0.02},
             "passLifetimeSeconds":60,"keyedByPerson":false,"maxPollSeconds":600,"message":""}""";

    @Test
    void aFixedRateGateSavedBeforeLoads() {
        GateConfig config = GateConfigJson.readStored(new JsonObject(FIXED));

        assertThat(config).isEqualTo(new GateConfig("identity", Instant.parse("2021-07-26T10:30:00Z"),
                Instant.parse("2021-07-26T11:00:00Z"), new AdmissionPolicy.FixedRate(12.5), Duration.ofMinutes(10), false,
                GateMode.ACTIVE, "", Duration.ofSeconds(60)));
        assertThat(GateConfigJson.write(config)).isEqualTo(new JsonObject(FIXED));
    }

    @Test
    void aConcurrencyTargetGateSavedBeforeLoads() {
        GateConfig config = GateConfigJson.readStored(new JsonObject(TARGET));

        assertThat(config.admission()).isEqualTo(new AdmissionPolicy.ConcurrencyTarget(500, 80.25));
        assertThat(config.mode()).isEqualTo(GateMode.PAUSED);
        assertThat(config.keyedByPerson()).isTrue();
        assertThat(GateConfigJson.write(config)).isEqualTo(new JsonObject(TARGET));
    }

    @Test
    void anAdaptiveGateSavedBeforeLoads() {
        GateConfig config = GateConfigJson.readStored(new JsonObject(ADAPTIVE));

        assertThat(config.admission()).isEqualTo(new AdmissionPolicy.Adaptive(1.5, 400, 20, 2.5, 0.7, Duration.ofMillis(800), 0.02));
        assertThat(GateConfigJson.write(config)).isEqualTo(new JsonObject(ADAPTIVE));
    }
}
