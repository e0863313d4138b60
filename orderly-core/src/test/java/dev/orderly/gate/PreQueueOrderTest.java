package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.token.TestKeys;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreQueueOrderTest {

    private static final byte[] SECRET = TestKeys.secret(7);
    private static final long OPENS_AT = 1_627_297_200_000L; // 2021-07-26T11:00:00Z

    // --- a permutation --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 8, 16, 17, 64, 65, 255, 256, 257, 1_000, 4_097})
    void everyNumberGetsADifferentRankFromOneToTheSize(long size) {
        for (int k = 0; k < 3; k++) {
            PreQueueOrder order = new PreQueueOrder(key("gate-" + k), size);

            long[] ranks = ranks(order);

            assertThat(Arrays.stream(ranks).sorted().toArray()).as("key %d", k).isEqualTo(LongStream.rangeClosed(1, size).toArray());
        }
    }

    /**
     * Above 65,536 the round functions are computed, not tabulated. Every rank of such a pre-queue
     * is checked in verify ({@link PreQueueOrderUniformityIT}); here, 2,000 numbers spread over it
     * land on 2,000 different ranks within it.
     */
    @Test
    void aPreQueueTooLargeForTabulatedRoundsGivesDifferentRanksWithinIt() {
        long size = 70_000;
        PreQueueOrder order = new PreQueueOrder(key("identity"), size);

        long[] ranks = LongStream.iterate(1, n -> n <= size, n -> n + 35).map(order::rankOf).toArray();

        assertThat(ranks).hasSize(2_000).doesNotHaveDuplicates();
        assertThat(Arrays.stream(ranks).min().orElseThrow()).isGreaterThanOrEqualTo(1);
        assertThat(Arrays.stream(ranks).max().orElseThrow()).isLessThanOrEqualTo(size);
    }

    @Test
    void anEmptyPreQueueHasNoRanks() {
        PreQueueOrder order = new PreQueueOrder(key("identity"), 0);

        assertThat(order.size()).isZero();
        assertThatThrownBy(() -> order.rankOf(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameKeyAndSizeGiveTheSameOrderOnEveryNode() {
        long[] one = ranks(new PreQueueOrder(key("identity"), 1_000));
        long[] other = ranks(new PreQueueOrder(PreQueueOrder.keyFor(SECRET.clone(), "identity", OPENS_AT), 1_000));

        assertThat(other).isEqualTo(one);
    }

    @Test
    void differentKeysGiveDifferentOrders() {
        Set<List<Long>> orders = new HashSet<>();
        for (int k = 0; k < 50; k++) {
            orders.add(Arrays.stream(ranks(new PreQueueOrder(key("gate-" + k), 1_000))).boxed().toList());
        }

        assertThat(orders).hasSize(50);
    }

    @Test
    void theOrderIsNotTheJoinOrder() {
        long[] ranks = ranks(new PreQueueOrder(key("identity"), 1_000));

        long inPlace = LongStream.range(0, ranks.length).filter(i -> ranks[(int) i] == i + 1).count();
        // A random permutation leaves one in place on average; 10 or more has probability < 1e-7.
        assertThat(inPlace).isLessThan(10);
    }

    @Test
    void changingTheCallersKeyArrayAfterwardsDoesNotChangeTheOrder() {
        byte[] key = key("identity");
        PreQueueOrder order = new PreQueueOrder(key, 100);
        long[] before = ranks(order);

        Arrays.fill(key, (byte) 0);

        assertThat(ranks(order)).isEqualTo(before);
    }

    @Test
    void numbersOutsideThePreQueueAreRefused() {
        PreQueueOrder order = new PreQueueOrder(key("identity"), 10);

        for (long bad : new long[] {0, -1, 11, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> order.rankOf(bad)).as("%d", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(bad));
        }
    }

    @Test
    void keysShorterThan16BytesAndNegativeSizesAreRefused() {
        assertThatThrownBy(() -> new PreQueueOrder(new byte[15], 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15");
        assertThatThrownBy(() -> new PreQueueOrder(new byte[16], -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(new PreQueueOrder(new byte[16], 5).size()).isEqualTo(5);
    }

    @Test
    void theKeyDependsOnTheSecretTheGateAndTheOpeningTime() {
        byte[] base = PreQueueOrder.keyFor(SECRET, "identity", OPENS_AT);

        assertThat(PreQueueOrder.keyFor(SECRET, "identity", OPENS_AT)).isEqualTo(base);
        assertThat(PreQueueOrder.keyFor(SECRET, "booking", OPENS_AT)).isNotEqualTo(base);
        assertThat(PreQueueOrder.keyFor(SECRET, "identity", OPENS_AT + 1)).isNotEqualTo(base);
        assertThat(PreQueueOrder.keyFor(TestKeys.secret(8), "identity", OPENS_AT)).isNotEqualTo(base);
        assertThat(base).hasSizeGreaterThanOrEqualTo(16);
    }

    private static byte[] key(String gate) {
        return PreQueueOrder.keyFor(SECRET, gate, OPENS_AT);
    }

    private static long[] ranks(PreQueueOrder order) {
        return LongStream.rangeClosed(1, order.size()).map(order::rankOf).toArray();
    }
}
