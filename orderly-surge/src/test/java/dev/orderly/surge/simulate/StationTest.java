package dev.orderly.surge.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact per-request station against queueing theory. Tolerances are statistical: the standard
 * error of a mean wait is estimated by batch means (waits of neighbouring customers are correlated,
 * so the naive σ/√n would be far too small), and a result must lie within four standard errors of
 * theory — a false alarm about once in 16,000 runs, and with fixed seeds not at all. Each test also
 * checks that the standard error is small, so a loose tolerance cannot hide a wrong model.
 */
class StationTest {

    /** Mean and standard error of the per-customer values, by batch means. */
    private record BatchMeans(double mean, double standardError) {
    }

    private static BatchMeans batchMeans(double[] values, int from, int batches) {
        int perBatch = (values.length - from) / batches;
        double[] means = new double[batches];
        double total = 0;
        for (int b = 0; b < batches; b++) {
            double sum = 0;
            for (int i = 0; i < perBatch; i++) {
                sum += values[from + b * perBatch + i];
            }
            means[b] = sum / perBatch;
            total += means[b];
        }
        double mean = total / batches;
        double ss = 0;
        for (double m : means) {
            ss += (m - mean) * (m - mean);
        }
        return new BatchMeans(mean, Math.sqrt(ss / (batches - 1) / batches));
    }

    /** Waits in the queue of {@code customers} Poisson arrivals at rate λ to one server taking {@code service} s each. */
    private static double[] mD1Waits(double lambda, double service, int customers, long seed) {
        EventLoop loop = new EventLoop();
        SplittableRandom random = new SplittableRandom(seed);
        double[] waits = new double[customers];
        int[] n = {0};
        Station station = new Station(loop, 1, () -> service, w -> {
            if (n[0] < customers) {
                waits[n[0]++] = w;
            }
        });
        double t = 0;
        for (int i = 0; i < customers; i++) {
            t += -Math.log(1 - random.nextDouble()) / lambda;
            loop.at(t, l -> station.arrive());
        }
        loop.runAll();
        return waits;
    }

    @Test
    void meanWaitOfAnMD1QueueMatchesPollaczekKhinchine() {
        double mu = 1.0;
        double lambda = 0.8;
        double rho = lambda / mu;
        double theory = rho / (2 * mu * (1 - rho)); // 2.0 s
        BatchMeans w = batchMeans(mD1Waits(lambda, 1 / mu, 410_000, 42), 10_000, 40);

        assertThat(w.standardError()).as("standard error").isLessThan(0.03 * theory);
        assertThat(w.mean()).isCloseTo(theory, within(4 * w.standardError()));
    }

    @Test
    void anMD1QueueAtHalfLoadWaitsHalfAServiceTime() {
        // ρ = 0.5: Wq = 0.5 / (2 · 10 · 0.5) = 0.05 s with a 100 ms service.
        BatchMeans w = batchMeans(mD1Waits(5, 0.1, 210_000, 7), 10_000, 40);
        assertThat(w.standardError()).isLessThan(0.03 * 0.05);
        assertThat(w.mean()).isCloseTo(0.05, within(4 * w.standardError()));
    }

    @Test
    void littlesLawHoldsForAnMM3Station() {
        EventLoop loop = new EventLoop();
        SplittableRandom random = new SplittableRandom(3);
        Station station = new Station(loop, 3, () -> -Math.log(1 - random.nextDouble()) / 1.0, w -> { });
        double lambda = 2.4; // ρ = 0.8 over three servers of rate 1
        double end = 100_000;
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / lambda;
            if (t > end) {
                break;
            }
            loop.at(t, l -> station.arrive());
        }
        loop.runUntil(end);

        double l = station.meanInSystem();
        double lambdaMeasured = station.arrivals() / end;
        double w = station.meanSojourn();
        // L = λW holds on every sample path up to the requests still inside at the end, a few out of
        // 240,000: the relative gap is of order (in system at the end) / arrivals, far below 0.5 %.
        assertThat(l).isCloseTo(lambdaMeasured * w, within(0.005 * l));
        // And the level is that of an M/M/3 queue at ρ = 0.8 (Erlang C: L = 4.99), within 5 %.
        assertThat(l).isCloseTo(4.99, within(0.05 * 4.99));
    }

    @Test
    void theSameSeedGivesTheSameWaitsAndAnotherSeedDoesNot() {
        double[] a = mD1Waits(0.8, 1, 20_000, 11);
        double[] b = mD1Waits(0.8, 1, 20_000, 11);
        double[] c = mD1Waits(0.8, 1, 20_000, 12);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }
}
