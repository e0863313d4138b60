package dev.orderly.surge.simulate;

import dev.orderly.gate.AdmissionPolicy;

/** Models for tests: the seed night's shape and a roomy deployment, changed one figure at a time. */
final class Models {

    private Models() {
    }

    static Deployment roomy(int nodes) {
        return new Deployment(nodes, nodes > 1 ? Deployment.GateStore.REDIS : Deployment.GateStore.MEMORY, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9,
                1e9, 10, 0.001, 0.001, 0.005, 0.02, 0.5, 0.01);
    }

    /** The seed night's people and behaviour at {@code scale}, both gates at {@code rate} people/s. */
    static SurgeModel seedNight(double scale, double rate, Deployment deployment) {
        AdmissionPolicy fixed = new AdmissionPolicy.FixedRate(rate);
        return new SurgeModel(2_000_000 * scale, 0.75, 1.615, 3.05, 600, 0.3, 90, 1200, 3, 0.3, 20, 0.1, 900, 1.107, 5, fixed, fixed,
                600, 60, deployment, 86_400, 1);
    }

    /** People arriving at a steady {@code perSecond} for {@code seconds}, one tab each, nobody gives up, no pre-queue. */
    static SurgeModel steady(double perSecond, double seconds, double rate, long seed) {
        AdmissionPolicy fixed = new AdmissionPolicy.FixedRate(rate);
        // A half-life far longer than the window makes the spike flat: the rate is constant within 0.01 %.
        double halfLife = 1e7;
        return new SurgeModel(perSecond * seconds, 1, 1, 1, 0, 0, halfLife, seconds, 1, 0, 20, 0, 900, 1, 5, fixed, fixed, 600, 60,
                roomy(1), 86_400, seed);
    }
}
