package dev.orderly.surge.simulate;

import java.util.Arrays;

/**
 * A distribution of waits, weighted (a cohort's share of people at once), in 100 ms bins: exact
 * mean and maximum, percentiles to the bin (their upper edge, so never optimistic).
 */
final class WaitRecorder {

    private static final double BIN = 0.1;
    private double[] bins = new double[36_000];
    private double count;
    private double sum;
    private double max;

    void record(double wait, double people) {
        if (people <= 0) {
            return;
        }
        double w = Math.max(0, wait);
        int i = (int) (w / BIN);
        if (i >= bins.length) {
            bins = Arrays.copyOf(bins, Math.max(i + 1, bins.length * 2));
        }
        bins[i] += people;
        count += people;
        sum += w * people;
        max = Math.max(max, w);
    }

    double count() {
        return count;
    }

    double mean() {
        return count > 0 ? sum / count : 0;
    }

    double max() {
        return max;
    }

    /** The wait that a share {@code q} (0..1) of people did not exceed, to 100 ms. */
    double quantile(double q) {
        if (count <= 0) {
            return 0;
        }
        double target = q * count;
        double seen = 0;
        for (int i = 0; i < bins.length; i++) {
            seen += bins[i];
            if (seen >= target - 1e-9 * count) {
                return Math.min(max, (i + 1) * BIN);
            }
        }
        return max;
    }
}
