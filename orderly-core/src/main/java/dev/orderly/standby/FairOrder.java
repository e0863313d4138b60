package dev.orderly.standby;

import java.util.Comparator;
import java.util.List;

/**
 * In which order the standby people of a release are offered its doses.
 *
 * <p>Design note. {@link #JOINED} (the default) offers in the order people joined the list: it
 * rewards nobody for refreshing a page, and anyone can be told where they stand. {@link #DRAW}
 * is for the day a clinic's list is long and joined in one burst (a news story), when join order
 * only measures who heard first: the order is a shuffle keyed by the release's seed, drawn when
 * the release is made and recorded with it (and in the audit log), so the draw can be recomputed
 * and checked afterwards and is the same on every node.
 */
public enum FairOrder {
    JOINED, DRAW;

    /** The slug used in the API ({@code joined}, {@code draw}). */
    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The order of the slug, or null when there is none. */
    public static FairOrder ofSlug(String slug) {
        for (FairOrder o : values()) {
            if (o.slug().equals(slug)) {
                return o;
            }
        }
        return null;
    }

    /** {@code inJoinOrder} (oldest first) arranged by this order, for a release drawn with {@code seed}. */
    public List<StandbyEntry> arrange(List<StandbyEntry> inJoinOrder, long seed) {
        if (this == JOINED) {
            return List.copyOf(inJoinOrder);
        }
        return inJoinOrder.stream()
                .sorted(Comparator.comparingLong((StandbyEntry e) -> mix(seed ^ mix(e.personId()))).thenComparingLong(StandbyEntry::personId))
                .toList();
    }

    /** SplitMix64's finaliser: a fixed, well-spread permutation of longs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
