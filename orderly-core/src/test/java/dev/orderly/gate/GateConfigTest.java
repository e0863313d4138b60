package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GateConfigTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final Instant JOIN_FROM = OPENS.minus(Duration.ofMinutes(30));
    private static final AdmissionPolicy RATE = new AdmissionPolicy.FixedRate(10);

    @Test
    void aGateIsScheduledThenTakesAPreQueueThenOpens() {
        GateConfig gate = config("identity", JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), "");

        assertThat(gate.phaseAt(JOIN_FROM.minusNanos(1))).isEqualTo(GatePhase.SCHEDULED);
        assertThat(gate.phaseAt(JOIN_FROM)).isEqualTo(GatePhase.PRE_QUEUE);
        assertThat(gate.phaseAt(OPENS.minusNanos(1))).isEqualTo(GatePhase.PRE_QUEUE);
        assertThat(gate.phaseAt(OPENS)).isEqualTo(GatePhase.OPEN);
        assertThat(gate.phaseAt(OPENS.plus(Duration.ofDays(30)))).isEqualTo(GatePhase.OPEN);
    }

    @Test
    void anOperatorsPauseOrCloseOverridesTheSchedule() {
        GateConfig gate = config("identity", JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), "");

        for (Instant at : new Instant[] {JOIN_FROM.minusSeconds(1), OPENS.minusSeconds(1), OPENS.plusSeconds(1)}) {
            assertThat(gate.withMode(GateMode.PAUSED, "").phaseAt(at)).isEqualTo(GatePhase.PAUSED);
            assertThat(gate.withMode(GateMode.CLOSED, "").phaseAt(at)).isEqualTo(GatePhase.CLOSED);
        }
        assertThat(gate.withMode(GateMode.PAUSED, "lunch").message()).isEqualTo("lunch");
        assertThat(gate.withMode(GateMode.ACTIVE, (String) null).message()).isEmpty();
    }

    @Test
    void aPauseCarriesAMessageInEachLanguageAndWhenTheGateIsExpectedBack() {
        GateConfig gate = GateConfig.fixedRate("identity", OPENS, 10, Duration.ofMinutes(10));
        Instant back = OPENS.plusSeconds(1800);
        GateConfig paused = gate.withMode(GateMode.PAUSED, new GateNotice("점검 중입니다", "Maintenance", back));
        assertThat(paused.message()).isEqualTo("점검 중입니다");
        assertThat(paused.notice().messageEn()).isEqualTo("Maintenance");
        assertThat(paused.notice().back()).contains(back);
        assertThat(paused.withMode(GateMode.ACTIVE, GateNotice.NONE).notice().isEmpty()).isTrue();
        assertThatThrownBy(() -> new GateNotice("", "x".repeat(501), null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFixedRateGateOpensForJoinsWhenItOpens() {
        GateConfig gate = GateConfig.fixedRate("identity", OPENS, 12.5, Duration.ofMinutes(10));

        assertThat(gate.joinFrom()).isEqualTo(OPENS);
        assertThat(gate.admitPerSecond()).isEqualTo(12.5);
        assertThat(gate.mode()).isEqualTo(GateMode.ACTIVE);
        assertThat(gate.maxPollInterval()).isEqualTo(GateConfig.DEFAULT_MAX_POLL);
        assertThat(gate.phaseAt(OPENS.minusNanos(1))).isEqualTo(GatePhase.SCHEDULED);
    }

    @Test
    void badConfigurationsAreRefusedWithTheBadValueInTheMessage() {
        for (String name : new String[] {"", "Identity", "a_b", "a".repeat(33), "gate|x"}) {
            assertThatThrownBy(() -> config(name, JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), ""))
                    .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
        }
        assertThatThrownBy(() -> config(null, JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(config("a".repeat(32), JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), "").name()).hasSize(32);

        assertThatThrownBy(() -> config("identity", OPENS.plusMillis(1), OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(OPENS.plusMillis(1).toString());
        assertThatThrownBy(() -> config("identity", JOIN_FROM, OPENS, Duration.ofSeconds(9), Duration.ofSeconds(60), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT9S");
        assertThatThrownBy(() -> config("identity", JOIN_FROM, OPENS, Duration.ofDays(1).plusSeconds(1), Duration.ofSeconds(60), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Duration.ofDays(1).plusSeconds(1).toString());
        assertThatThrownBy(() -> config("identity", JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofMillis(999), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.999S");
        assertThatThrownBy(() -> config("identity", JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofMinutes(11), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT11M");
        assertThatThrownBy(() -> config("identity", JOIN_FROM, OPENS, Duration.ofMinutes(10), Duration.ofSeconds(60), "x".repeat(501)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");

        GateConfig edges = config("identity", OPENS, OPENS, Duration.ofSeconds(10), Duration.ofSeconds(1), "x".repeat(500));
        assertThat(edges.passLifetime()).isEqualTo(Duration.ofSeconds(10));
    }

    private static GateConfig config(String name, Instant joinFrom, Instant opensAt, Duration passLifetime, Duration maxPoll,
                                     String message) {
        return new GateConfig(name, joinFrom, opensAt, RATE, passLifetime, false, GateMode.ACTIVE, message, maxPoll);
    }
}
