package dev.orderly.surge.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BotTicketsTest {

    @Test
    void readsTheIdentityLinesPassedOverCountFromThePrometheusText() {
        String metrics = """
                # HELP orderly_gate_passed_over places this node's ticks passed over
                # TYPE orderly_gate_passed_over gauge
                orderly_gate_passed_over{gate="booking"} 7.0
                orderly_gate_passed_over{gate="identity"} 1234.0
                """;
        assertThat(BotTickets.passedOver(metrics)).isEqualTo(1234);
        assertThat(BotTickets.passedOver("orderly_gate_outstanding{gate=\"identity\"} 3.0\n")).isEqualTo(-1);
    }

    @Test
    void theLowerBoundIsWhatTheLineReachedLessWhatItPassedOver() {
        assertThat(new BotTickets.Audit(100, 80, 40, 40, 70, 0, 80).placesTakenAtLeast()).isEqualTo(10);
        assertThat(new BotTickets.Audit(100, 80, 40, 40, 95, 0, 80).placesTakenAtLeast()).isZero();
        assertThat(new BotTickets.Audit(100, 80, 40, 40, -1, 0, 80).placesTakenAtLeast()).isEqualTo(-1);
    }
}
