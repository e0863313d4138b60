package dev.orderly.surge.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearableRateTest {

    @Test
    void theBearableRateIsWhatTheProviderVerifies() {
        // A provider verifying 10 challenges/s is the only limit. Each admitted ticket brings
        // 1/1.615 people (the rest are a person's other devices) minus those who gave up, so the
        // provider is saturated near 10 × 1.615 ≈ 16 tickets/s; the search must land near there.
        Deployment d = new Deployment(1, Deployment.GateStore.MEMORY, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 10, 10, 0.001, 0.001, 0.005, 0.02,
                0.5, 0.01);
        // Bisecting 1-1,000 people/s on a log scale eight times leaves a bracket 2.7 % wide: plenty to tell
        // 16 from the range's ends, in 10 simulated nights rather than the 14 a search up to 10,000 took.
        BearableRate.Answer a = BearableRate.search(Models.seedNight(0.01, 20, d), 1, 1_000, 8);
        assertThat(a.belowSearchRange()).isFalse();
        assertThat(a.perSecond()).isBetween(10.0, 20.0);
    }
}
