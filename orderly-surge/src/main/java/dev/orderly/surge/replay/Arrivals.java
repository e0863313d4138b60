package dev.orderly.surge.replay;

import dev.orderly.surge.scenario.Scenario;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The night's arrivals, drawn up front from the seed: when each person arrives (nanoseconds from
 * the start, sorted) and whether they are one of the eligible people. A {@code long} and a
 * {@code boolean} each, so a night of millions costs megabytes; the people themselves are made
 * when they arrive. Touched only on the replay's event loop once drawn.
 */
final class Arrivals {
    private final long[] nanos;
    private final boolean[] eligible;
    private int next;

    private Arrivals(long[] nanos, boolean[] eligible) {
        this.nanos = nanos;
        this.eligible = eligible;
    }

    /**
     * The pre-queue share uniformly from {@code preQueueFrom} to {@code opening}, the rest
     * decaying from the opening with the scenario's half-life, cut at its window; {@code eligible}
     * of the {@code people}, picked by a shuffle. Same seed, same night.
     */
    static Arrivals draw(long seed, Scenario.Arrivals curve, long people, long eligible, long preQueueFrom, long opening) {
        SplittableRandom random = new SplittableRandom(seed);
        double pre = opening - preQueueFrom;
        double lambda = Math.log(2) / curve.halfLife().toNanos();
        double window = curve.window().toNanos();
        double cut = 1 - Math.exp(-lambda * window);
        long[] nanos = new long[(int) people];
        for (int i = 0; i < people; i++) {
            if (random.nextDouble() < curve.beforeOpening()) {
                nanos[i] = preQueueFrom + (long) (random.nextDouble() * pre);
            } else {
                nanos[i] = opening + (long) (-Math.log(1 - random.nextDouble() * cut) / lambda);
            }
        }
        Arrays.sort(nanos);
        boolean[] eligibleByArrival = new boolean[(int) people];
        int[] order = new int[(int) people];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < eligible; i++) {
            eligibleByArrival[order[i]] = true;
        }
        return new Arrivals(nanos, eligibleByArrival);
    }

    /** Hands every arrival due by {@code elapsed} (nanoseconds from the start) to {@code arrive}: its index and whether eligible. */
    void releaseDue(long elapsed, BiConsumer<Integer, Boolean> arrive) {
        while (next < nanos.length && nanos[next] <= elapsed) {
            int index = next++;
            arrive.accept(index, eligible[index]);
        }
    }

    /** Whether everyone has arrived. */
    boolean allArrived() {
        return next >= nanos.length;
    }
}
