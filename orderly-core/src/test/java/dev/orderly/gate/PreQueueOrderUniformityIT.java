package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.token.TestKeys;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pre-queue's order is uniform (chi-square tests over tens of thousands of fixed keys), and a
 * pre-queue too large for tabulated rounds is a permutation (every one of its 70,000 ranks). About
 * 70 million HMACs, seconds of CPU: in verify, not in the fast loop of {@code test}, where
 * {@link PreQueueOrderTest} checks smaller orders whole and samples the large one. The keys
 * are fixed, so these outcomes only change when the code does; fewer keys would not have caught
 * the first version, whose bias the full counts show (see the scores quoted below).
 */
class PreQueueOrderUniformityIT {

    private static final byte[] SECRET = TestKeys.secret(7);
    private static final long OPENS_AT = 1_627_297_200_000L; // 2021-07-26T11:00:00Z

    /** Above 65,536 the round functions are computed, not tabulated: every rank of such a pre-queue, once. */
    @Test
    void aPreQueueTooLargeForTabulatedRoundsIsAPermutationToo() {
        long size = 70_000;

        long[] ranks = ranks(new PreQueueOrder(PreQueueOrder.keyFor(SECRET, "identity", OPENS_AT), size));

        assertThat(Arrays.stream(ranks).sorted().toArray()).isEqualTo(LongStream.rangeClosed(1, size).toArray());
    }

    /**
     * Over 20,000 keys (gate "stat", opening times 0..19,999), every number of a pre-queue of 8 is
     * as likely to land at every rank. The keys are fixed, so the outcome is too: this is not
     * flaky, and a false alarm for a truly uniform order would have had probability 0.001.
     */
    @Test
    void aSmallPreQueueIsShuffledUniformly() {
        int n = 8;
        int keys = 20_000;
        long[][] count = new long[n][n];
        long oneBeforeTwo = 0;
        for (int k = 0; k < keys; k++) {
            long[] ranks = ranks(new PreQueueOrder(PreQueueOrder.keyFor(SECRET, "stat", k), n));
            for (int number = 1; number <= n; number++) {
                count[number - 1][(int) ranks[number - 1] - 1]++;
            }
            if (ranks[0] < ranks[1]) {
                oneBeforeTwo++;
            }
        }

        double expected = (double) keys / n;
        // Where number 1 lands: a goodness-of-fit test over 8 ranks, 7 degrees of freedom;
        // chi-square critical value at p = 0.001 is 24.322. The first version scored 63 here.
        assertThat(chiSquare(new long[][] {count[0]}, expected)).as("chi-square of the ranks of number 1, df 7").isLessThan(24.322);
        // Every number against every rank: rows and columns each sum to the number of keys (each
        // key gives a permutation), so (8 - 1) x (8 - 1) = 49 degrees of freedom; chi-square
        // critical value at p = 0.001 is 85.351. The first version (a Feistel network over 4
        // bits) scored 653 here, the present one 52.
        assertThat(chiSquare(count, expected)).as("chi-square of numbers x ranks, df 49").isLessThan(85.351);
        // Number 1 ahead of number 2 in half the keys, within 4 standard deviations (sqrt(0.25 / 20,000)).
        double share = (double) oneBeforeTwo / keys;
        assertThat(Math.abs(share - 0.5)).as("share of keys with 1 before 2: %s", share).isLessThan(4 * Math.sqrt(0.25 / keys));
    }

    /**
     * Other pre-queues of up to 64, which the first version shuffled over domains of 2 to 6 bits,
     * too few for four Feistel rounds: over 10,000 keys every number lands at every rank equally
     * often, and number 1 is ahead of number 2 in half the keys, within 4 standard deviations.
     * The first version scored 15, 75, 407, 455 and 1,259 here. Critical values of chi-square at
     * p = 0.001 for (size - 1)^2 degrees of freedom: 10.828 (df 1), 18.467 (df 4), 39.252
     * (df 16), 331.656 (df 256), 1,169.565 (df 1,024).
     */
    @ParameterizedTest
    @CsvSource({"2, 10.828", "3, 18.467", "5, 39.252", "17, 331.656", "33, 1169.565"})
    void otherPreQueuesUpTo64AreShuffledUniformlyToo(int size, double critical) {
        int keys = 10_000;
        long[][] count = new long[size][size];
        long oneBeforeTwo = 0;
        for (int k = 0; k < keys; k++) {
            long[] ranks = ranks(new PreQueueOrder(PreQueueOrder.keyFor(SECRET, "tiny", k), size));
            for (int number = 1; number <= size; number++) {
                count[number - 1][(int) ranks[number - 1] - 1]++;
            }
            if (ranks[0] < ranks[1]) {
                oneBeforeTwo++;
            }
        }

        assertThat(chiSquare(count, (double) keys / size)).as("chi-square of numbers x ranks, df %d", (size - 1) * (size - 1))
                .isLessThan(critical);
        double share = (double) oneBeforeTwo / keys;
        assertThat(Math.abs(share - 0.5)).as("share with 1 before 2: %s", share).isLessThan(4 * Math.sqrt(0.25 / keys));
    }

    private static double chiSquare(long[][] observed, double expected) {
        double sum = 0;
        for (long[] row : observed) {
            for (long o : row) {
                sum += (o - expected) * (o - expected) / expected;
            }
        }
        return sum;
    }

    private static long[] ranks(PreQueueOrder order) {
        return LongStream.rangeClosed(1, order.size()).map(order::rankOf).toArray();
    }
}
