package dev.orderly.surge.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.orderly.gate.AdmissionPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SurgeSimulationTest {

    @Test
    void littlesLawHoldsOnTheIdentityLineInASteadyState() {
        // 50 people/s for an hour into a gate admitting 60/s: a steady state from empty back to empty.
        SurgeSimulation sim = new SurgeSimulation(Models.steady(50, 3600, 60, 5));
        SimulationResult r = sim.run();
        double[] little = sim.identityLittle();
        double lambda = little[0];
        double l = little[1];
        double w = little[2];
        // L (area under the queue-length curve) and W (each cohort's waits from its tickets' mean
        // join time) are kept by separate bookkeeping; over a run from empty to empty L = λW exactly
        // on every sample path, so the only gap allowed is rounding: 0.1 %.
        assertThat(l).isCloseTo(lambda * w, within(0.001 * l));
        // And the level is that of a line that never builds up: people at the front poll every
        // second, so they notice their turn within a poll, on average well under two seconds.
        assertThat(w).isBetween(0.3, 2.0);
        assertThat(r.identityWait().p99()).isLessThan(2.5);
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void nPeopleAdmittedAtRateRDrainInNOverRSeconds() {
        // Everyone arrives in a 10-minute pre-queue; the gate admits 100 people/s from the opening.
        AdmissionPolicy fixed = new AdmissionPolicy.FixedRate(100);
        SurgeModel model = new SurgeModel(10_000, 1, 1, 1, 600, 1.0, 90, 1200, 1, 0, 20, 0, 900, 1, 5, fixed, fixed, 600, 60,
                Models.roomy(1), 86_400, 9);
        SimulationResult r = new SurgeSimulation(model).run();

        double byHand = r.tickets() / 100;
        assertThat(r.tickets()).isBetween(9_600.0, 10_400.0); // Poisson around 10,000: ±4σ
        // The mark moves every 100 ms tick, so the last ticket is admitted within one tick of N/r.
        assertThat(r.identityDrained()).isCloseTo(byHand, within(0.1 + 1e-9));
        // The last in the drawn order noticed it at their next poll, at most a little over a second later.
        assertThat(r.identityWait().max()).isBetween(byHand, byHand + 600 + 1.3);
        assertThat(r.admitted()).isCloseTo(r.tickets(), within(1e-6 * r.tickets()));
    }

    @Test
    void theSameSeedGivesTheSameNightAndAnotherSeedAnother() {
        // A fifth of the other tests' night: every part of the model still runs, in three runs a fifth as long.
        SurgeModel model = Models.seedNight(0.002, 20, Models.roomy(1));
        String a = new SurgeSimulation(model).run().toJson().toString();
        String b = new SurgeSimulation(model).run().toJson().toString();
        SurgeModel other = new SurgeModel(model.people(), model.eligibleShare(), model.ticketsPerPerson(), model.tabsPerPerson(),
                model.preQueue(), model.beforeOpening(), model.halfLife(), model.window(), model.think(), model.refresherShare(),
                model.refreshInterval(), model.giveUpShare(), model.patience(), model.attemptsPerBooking(), model.retryAfter(),
                model.identityAdmission(), model.bookingAdmission(), model.passLifetime(), model.maxPoll(), model.deployment(),
                model.maxSeconds(), 2);
        assertThat(a).isEqualTo(b);
        assertThat(new SurgeSimulation(other).run().toJson().toString()).isNotEqualTo(a);
    }

    @Test
    void everyonePassesThroughAndTheEligibleBook() {
        SimulationResult r = new SurgeSimulation(Models.seedNight(0.01, 20, Models.roomy(1))).run();
        assertThat(r.truncated()).isFalse();
        // Every ticket is admitted: used by its holder, a duplicate of another device, or abandoned.
        assertThat(r.admitted() + r.duplicates() + r.unused()).isCloseTo(r.tickets(), within(1e-6 * r.tickets()));
        // Givers-up leave only after 15 minutes; everyone else books or is told they are not eligible.
        assertThat(r.booked() + r.notEligible()).isCloseTo(r.admitted(), within(1e-6 * r.admitted()));
        assertThat(r.booked() / r.admitted()).isCloseTo(0.75, within(1e-6));
    }

    @Test
    void botsTicketsTakePlacesInLineSoPeopleWaitLongerAndTheirPlacesAreAdmittedUnused() {
        SurgeModel without = Models.seedNight(0.01, 20, Models.roomy(1));
        SurgeModel with = new SurgeModel(without.people(), without.eligibleShare(), without.ticketsPerPerson(), without.tabsPerPerson(),
                without.preQueue(), without.beforeOpening(), without.halfLife(), without.window(), without.think(),
                without.refresherShare(), without.refreshInterval(), without.giveUpShare(), without.patience(),
                without.attemptsPerBooking(), without.retryAfter(), without.identityAdmission(), without.bookingAdmission(),
                without.passLifetime(), without.maxPoll(), without.deployment(), without.maxSeconds(), without.seed(), 20);

        SimulationResult plain = new SurgeSimulation(without).run();
        SimulationResult bots = new SurgeSimulation(with).run();

        // 20 bot joins/s, 10 s in every 20, for the 20-minute window: 12,000 tickets more.
        assertThat(bots.tickets() - plain.tickets()).isCloseTo(12_000, within(1.0));
        // Admitted in turn and never used: the bots' tickets, and a few more people who gave up waiting behind them.
        assertThat(bots.unused() - plain.unused()).isBetween(12_000.0, 12_600.0);
        assertThat(bots.admitted()).as("nearly the same people get through").isCloseTo(plain.admitted(), within(0.01 * plain.admitted()));
        // Bots join from the opening on: the early crowd is ahead of most of their tickets, the later arrivals are not.
        assertThat(bots.identityWait().mean()).isGreaterThan(plain.identityWait().mean());
        assertThat(bots.identityWait().max()).isGreaterThan(plain.identityWait().max() + 120);
        // 12,000 more tickets at 20 admitted a second: the line drains 600 s later.
        assertThat(bots.identityDrained() - plain.identityDrained()).isCloseTo(600.0, within(10.0));
    }

    @Test
    void anOverloadedProviderIsTheBottleneckAndTheAdaptiveGateBacksOff() {
        Deployment d = new Deployment(1, Deployment.GateStore.MEMORY, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 5, 10, 0.001, 0.001, 0.005, 0.02, 0.5,
                0.01);
        AdmissionPolicy adaptive = new AdmissionPolicy.Adaptive(1, 1000, 50, 2, 0.7, Duration.ofMillis(500), 0.01);
        SurgeModel base = Models.seedNight(0.01, 20, d);
        SurgeModel model = new SurgeModel(base.people(), base.eligibleShare(), base.ticketsPerPerson(), base.tabsPerPerson(),
                base.preQueue(), base.beforeOpening(), base.halfLife(), base.window(), base.think(), base.refresherShare(),
                base.refreshInterval(), base.giveUpShare(), base.patience(), base.attemptsPerBooking(), base.retryAfter(), adaptive,
                base.bookingAdmission(), base.passLifetime(), base.maxPoll(), d, base.maxSeconds(), 1);
        SimulationResult r = new SurgeSimulation(model).run();
        assertThat(r.bottleneck().name()).isEqualTo("identity provider");
        // Admitting 50 people/s into a provider that verifies 5/s: the policy must have cut the rate
        // well below its start at some point.
        double lowest = r.samples().stream().filter(s -> s.time() > 60).mapToDouble(SimulationResult.Sample::identityRate).min()
                .orElseThrow();
        assertThat(lowest).isLessThan(25);
    }
}
