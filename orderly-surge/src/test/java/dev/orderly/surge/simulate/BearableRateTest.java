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
        BearableRate.Answer a = BearableRate.search(Models.seedNight(0.01, 20, d), 1, 10_000, 12);
        assertThat(a.belowSearchRange()).isFalse();
        assertThat(a.perSecond()).isBetween(10.0, 20.0);
    }
}
