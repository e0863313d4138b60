package dev.orderly.surge.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How far a line's order departs from the order people joined it, and whether anyone got ahead
 * of people who joined before them. Pure functions over the replay's records.
 *
 * <p>Pairs tied in either order (two joins sent at the same instant, two tickets of the same
 * rank) count neither as agreeing nor as inverted; Kendall's tau is tau-b, which corrects for
 * them. Inversions are counted in O(n log n) by merge sort, because a night has millions of joins.
 */
public final class Fairness {
    private Fairness() {
    }

    /** One join: when it was sent (any monotonic unit) and the place it got. */
    public record Join(long sentAt, long rank) {
    }

    /**
     * The figures of one line.
     *
     * @param joins       joins compared (after the pre-queue)
     * @param inversions  pairs whose places are in the opposite order of their joins
     * @param pairs       all pairs, n(n-1)/2
     * @param tau         Kendall's tau-b between join order and place: 1 same order, −1 reversed;
     *                    NaN with fewer than two joins, or when one order is all ties
     */
    public record Figures(long joins, long inversions, long pairs, double tau) {
        /** Inversions as a share of all pairs. */
        public double inversionShare() {
            return pairs == 0 ? 0 : (double) inversions / pairs;
        }
    }

    /** Inversions and Kendall's tau-b between join order ({@link Join#sentAt}) and {@link Join#rank}. */
    public static Figures of(List<Join> joins) {
        int n = joins.size();
        long pairs = (long) n * (n - 1) / 2;
        if (n < 2) {
            return new Figures(n, 0, pairs, Double.NaN);
        }
        Join[] sorted = joins.toArray(Join[]::new);
        Arrays.sort(sorted, Comparator.comparingLong(Join::sentAt).thenComparingLong(Join::rank));
        long tiedX = tiedPairs(sorted);
        long tiedXY = 0;
        long run = 1;
        for (int i = 1; i <= n; i++) {
            if (i < n && sorted[i].sentAt() == sorted[i - 1].sentAt() && sorted[i].rank() == sorted[i - 1].rank()) {
                run++;
            } else {
                tiedXY += run * (run - 1) / 2;
                run = 1;
            }
        }
        long[] ranks = new long[n];
        for (int i = 0; i < n; i++) {
            ranks[i] = sorted[i].rank();
        }
        // Within a run of equal sentAt the ranks are ascending, so ties in x add no inversions.
        long inversions = countInversions(ranks);
        long[] byRank = ranks.clone();
        Arrays.sort(byRank);
        long tiedY = 0;
        run = 1;
        for (int i = 1; i <= n; i++) {
            if (i < n && byRank[i] == byRank[i - 1]) {
                run++;
            } else {
                tiedY += run * (run - 1) / 2;
                run = 1;
            }
        }
        // Concordant − discordant over pairs tied in neither order.
        long discordant = inversions;
        long concordant = pairs - tiedX - tiedY + tiedXY - discordant;
        double denominator = Math.sqrt((double) (pairs - tiedX) * (pairs - tiedY));
        double tau = denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
        return new Figures(n, inversions, pairs, tau);
    }

    private static long tiedPairs(Join[] sortedBySentAt) {
        long tied = 0;
        long run = 1;
        for (int i = 1; i <= sortedBySentAt.length; i++) {
            if (i < sortedBySentAt.length && sortedBySentAt[i].sentAt() == sortedBySentAt[i - 1].sentAt()) {
                run++;
            } else {
                tied += run * (run - 1) / 2;
                run = 1;
            }
        }
        return tied;
    }

    /** Pairs i &lt; j with {@code values[i] > values[j]} (strictly), by merge sort; {@code values} is not changed. */
    public static long countInversions(long[] values) {
        long[] a = values.clone();
        long[] buffer = new long[a.length];
        long inversions = 0;
        for (int width = 1; width < a.length; width *= 2) {
            for (int lo = 0; lo < a.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, a.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    if (a[j] < a[i]) {
                        inversions += mid - i;
                        buffer[k++] = a[j++];
                    } else {
                        buffer[k++] = a[i++];
                    }
                }
                while (i < mid) {
                    buffer[k++] = a[i++];
                }
                while (j < hi) {
                    buffer[k++] = a[j++];
                }
                System.arraycopy(buffer, lo, a, lo, hi - lo);
            }
        }
        return inversions;
    }

    /** A join whose whole exchange is known: sent, answered, and the place it got. */
    public record TimedJoin(long sentAt, long answeredAt, long rank) {
    }

    /**
     * Cheaters' joins that got a better place (a smaller rank) than an honest join that had been
     * answered before the cheater's join was even sent: such a cheater got ahead. Joins in flight
     * at the same time are not compared, since either may reach the server first.
     */
    public static long aheadOfEarlierHonest(List<TimedJoin> honest, List<TimedJoin> cheaters) {
        TimedJoin[] h = honest.toArray(TimedJoin[]::new);
        Arrays.sort(h, Comparator.comparingLong(TimedJoin::answeredAt));
        long[] answered = new long[h.length];
        long[] worstRankSoFar = new long[h.length];
        long worst = Long.MIN_VALUE;
        for (int i = 0; i < h.length; i++) {
            answered[i] = h[i].answeredAt();
            worst = Math.max(worst, h[i].rank());
            worstRankSoFar[i] = worst;
        }
        long ahead = 0;
        for (TimedJoin c : cheaters) {
            // honest joins answered strictly before the cheater sent its own
            int before = lowerBound(answered, c.sentAt());
            if (before > 0 && worstRankSoFar[before - 1] > c.rank()) {
                ahead++;
            }
        }
        return ahead;
    }

    private static int lowerBound(long[] sorted, long key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
