package dev.orderly.surge.simulate;

import java.util.Arrays;

/**
 * Amounts (requests, people, polls) due in future steps of fixed length: how the simulator spreads
 * a crowd's next polls over their jitter, or a step's think time, without an event per person.
 * Grows as needed; memory is one double per step of the run (a 24-hour run at 100 ms: 7 MB).
 */
final class Calendar {

    private final double step;
    private double[] due = new double[4096];

    Calendar(double stepSeconds) {
        this.step = stepSeconds;
    }

    private int index(double time) {
        return (int) Math.floor(time / step + 1e-9);
    }

    private void ensure(int i) {
        if (i >= due.length) {
            due = Arrays.copyOf(due, Math.max(i + 1, due.length * 2));
        }
    }

    /** {@code amount} due at {@code time}. */
    void add(double time, double amount) {
        int i = index(time);
        ensure(i);
        due[i] += amount;
    }

    /** {@code amount} due uniformly over [{@code from}, {@code to}). */
    void addUniform(double from, double to, double amount) {
        int a = index(from);
        int b = index(to);
        if (b <= a) {
            add(from, amount);
            return;
        }
        ensure(b);
        double perSecond = amount / (to - from);
        for (int i = a; i <= b; i++) {
            double lo = Math.max(from, i * step);
            double hi = Math.min(to, (i + 1) * step);
            if (hi > lo) {
                due[i] += perSecond * (hi - lo);
            }
        }
    }

    /** {@code amount} due after {@code from}, delayed exponentially with mean {@code mean}; cut at 8 means. */
    void addExponential(double from, double mean, double amount) {
        if (mean <= 0) {
            add(from, amount);
            return;
        }
        int a = index(from);
        int b = index(from + 8 * mean);
        ensure(b);
        // The bins' shares of the exponential, cut at b and scaled so that exactly the amount is due.
        double kept = 1 - Math.exp(-((b + 1) * step - from) / mean);
        for (int i = a; i <= b; i++) {
            double lo = Math.max(0, i * step - from);
            double hi = (i + 1) * step - from;
            double p = Math.exp(-lo / mean) - Math.exp(-hi / mean);
            due[i] += amount * p / kept;
        }
    }

    /** Removes and returns what is due in step {@code index}, [index × step, (index + 1) × step). */
    double take(long index) {
        int i = (int) index;
        if (i >= due.length) {
            return 0;
        }
        double v = due[i];
        due[i] = 0;
        return v;
    }

}
