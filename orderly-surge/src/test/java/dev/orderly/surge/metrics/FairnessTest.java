package dev.orderly.surge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.orderly.surge.metrics.Fairness.Join;
import dev.orderly.surge.metrics.Fairness.TimedJoin;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FairnessTest {

    private static List<Join> joinsWithRanks(long... ranks) {
        List<Join> joins = new ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            joins.add(new Join(i * 10L, ranks[i]));
        }
        return joins;
    }

    @Test
    void theSameOrderHasNoInversionsAndTauOne() {
        Fairness.Figures f = Fairness.of(joinsWithRanks(1, 2, 3, 4, 5));
        assertThat(f.inversions()).isZero();
        assertThat(f.pairs()).isEqualTo(10);
        assertThat(f.tau()).isEqualTo(1.0);
    }

    @Test
    void theReversedOrderInvertsEveryPairAndTauIsMinusOne() {
        Fairness.Figures f = Fairness.of(joinsWithRanks(5, 4, 3, 2, 1));
        assertThat(f.inversions()).isEqualTo(10);
        assertThat(f.tau()).isEqualTo(-1.0);
    }

    @Test
    void oneSwapOfNeighboursIsOneInversion() {
        Fairness.Figures f = Fairness.of(joinsWithRanks(1, 3, 2, 4));
        assertThat(f.inversions()).isEqualTo(1);
        assertThat(f.tau()).isCloseTo((5.0 - 1.0) / 6.0, within(1e-12));
    }

    @Test
    void joinsSentAtTheSameInstantAreNotInversions() {
        List<Join> joins = List.of(new Join(0, 2), new Join(0, 1), new Join(5, 3));
        Fairness.Figures f = Fairness.of(joins);
        assertThat(f.inversions()).isZero();
        // tau-b: the tied pair is neither concordant nor discordant and shrinks the denominator
        assertThat(f.tau()).isCloseTo(2 / Math.sqrt(2 * 3), within(1e-12));
    }

    @Test
    void fewerThanTwoJoinsHaveNoTau() {
        assertThat(Fairness.of(List.of()).tau()).isNaN();
        assertThat(Fairness.of(joinsWithRanks(7)).tau()).isNaN();
    }

    @Test
    void orderOfTheInputListDoesNotMatterOnlySentAt() {
        List<Join> joins = new ArrayList<>(joinsWithRanks(1, 3, 2, 4));
        java.util.Collections.reverse(joins);
        assertThat(Fairness.of(joins).inversions()).isEqualTo(1);
    }

    @Property
    void mergeSortCountAgreesWithThePairwiseCount(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 20) Integer> values) {
        long[] a = values.stream().mapToLong(Integer::longValue).toArray();
        long slow = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = i + 1; j < a.length; j++) {
                if (a[i] > a[j]) {
                    slow++;
                }
            }
        }
        assertThat(Fairness.countInversions(a)).isEqualTo(slow);
    }

    @Property
    void tauAgreesWithThePairwiseTauB(@ForAll @Size(min = 2, max = 40) List<@IntRange(min = 0, max = 8) Integer> ranks,
            @ForAll @Size(min = 40, max = 40) List<@IntRange(min = 0, max = 8) Integer> sent) {
        List<Join> joins = new ArrayList<>();
        for (int i = 0; i < ranks.size(); i++) {
            joins.add(new Join(sent.get(i), ranks.get(i)));
        }
        long concordant = 0;
        long discordant = 0;
        long tiedX = 0;
        long tiedY = 0;
        long n = joins.size();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                long dx = Long.compare(joins.get(i).sentAt(), joins.get(j).sentAt());
                long dy = Long.compare(joins.get(i).rank(), joins.get(j).rank());
                if (dx == 0) {
                    tiedX++;
                }
                if (dy == 0) {
                    tiedY++;
                }
                if (dx * dy > 0) {
                    concordant++;
                } else if (dx * dy < 0) {
                    discordant++;
                }
            }
        }
        long pairs = n * (n - 1) / 2;
        double den = Math.sqrt((double) (pairs - tiedX) * (pairs - tiedY));
        Fairness.Figures f = Fairness.of(joins);
        if (den == 0) {
            assertThat(f.tau()).isNaN();
        } else {
            assertThat(f.tau()).isCloseTo((concordant - discordant) / den, within(1e-9));
        }
    }

    @Test
    void aCheaterPlacedBehindEveryEarlierHonestJoinIsNotAhead() {
        List<TimedJoin> honest = List.of(new TimedJoin(0, 10, 1), new TimedJoin(5, 20, 2));
        assertThat(Fairness.aheadOfEarlierHonest(honest, List.of(new TimedJoin(30, 40, 3)))).isZero();
    }

    @Test
    void aCheaterPlacedBeforeAnHonestJoinAnsweredBeforeItStartedIsAhead() {
        List<TimedJoin> honest = List.of(new TimedJoin(0, 10, 1), new TimedJoin(5, 20, 5));
        assertThat(Fairness.aheadOfEarlierHonest(honest, List.of(new TimedJoin(30, 40, 3)))).isEqualTo(1);
    }

    @Test
    void joinsInFlightTogetherAreNotCompared() {
        List<TimedJoin> honest = List.of(new TimedJoin(0, 50, 5));
        assertThat(Fairness.aheadOfEarlierHonest(honest, List.of(new TimedJoin(30, 40, 3)))).isZero();
        assertThat(Fairness.aheadOfEarlierHonest(List.of(), List.of(new TimedJoin(30, 40, 3)))).isZero();
    }
}
