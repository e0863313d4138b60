package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DashboardFiguresTest {

    @Test
    void ratesAreTheCountersGrowthOverTheTimeBetweenSamplesGroupedByWhatTheDashboardShows() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NodeRates rates = new NodeRates(meters);
        meters.counter("orderly.gate.joins", "gate", "identity").increment(5);
        NodeRates.Totals before = rates.totals(0);
        meters.counter("orderly.gate.joins", "gate", "identity").increment(30);
        meters.counter("orderly.gate.joins", "gate", "booking").increment(4);
        meters.counter("orderly.bookings", "outcome", "Booked").increment(8);
        meters.counter("orderly.bookings", "outcome", "Full").increment(2);
        meters.counter("orderly.identity.checks", "provider", "identity", "outcome", "Verified").increment(6);
        meters.timer("orderly.http.server.requests", "method", "GET", "route", "/a", "status", "503").record(1, TimeUnit.MILLISECONDS);
        ProviderCalls.timed(meters, "identity", "check", () -> "x", r -> true);
        NodeRates.Totals after = rates.totals(2_000_000_000L);

        Map<String, Double> perSecond = NodeRates.perSecond(before, after);
        assertThat(perSecond).containsEntry("joins|identity", 15.0).containsEntry("joins|booking", 2.0)
                .containsEntry("book|Booked", 4.0).containsEntry("book|Full", 1.0)
                .containsEntry("checks|identity|Verified", 3.0).containsEntry("http|503", 0.5)
                .containsEntry("provider.calls|identity", 0.5).containsEntry("provider.failed|identity", 0.5);
    }

    @Test
    void aProviderIsGreyWithoutCallsAndTurnsAmberThenRedAsItSlowsOrFails() {
        assertThat(TrafficLight.of(0, 0, 0)).isEqualTo(TrafficLight.GREY);
        assertThat(TrafficLight.of(10, 120, 0)).isEqualTo(TrafficLight.GREEN);
        assertThat(TrafficLight.of(10, 900, 0)).isEqualTo(TrafficLight.AMBER);
        assertThat(TrafficLight.of(10, 120, 0.05)).isEqualTo(TrafficLight.AMBER);
        assertThat(TrafficLight.of(10, 3500, 0)).isEqualTo(TrafficLight.RED);
        assertThat(TrafficLight.of(10, 120, 0.2)).isEqualTo(TrafficLight.RED);
    }
}
