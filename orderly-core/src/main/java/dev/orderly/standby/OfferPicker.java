package dev.orderly.standby;

import java.util.List;

/** Chooses whom a release's free doses go to, in a round (see {@link StandbyStore#round}). */
@FunctionalInterface
public interface OfferPicker {

    /**
     * @param candidates the people on the list not yet offered a dose of this release, oldest entry first
     * @param free       doses neither offered (open) nor claimed; at least 1
     * @return at most {@code free} offers, to distinct candidates
     */
    List<NewOffer> pick(Release release, List<StandbyEntry> candidates, int free);

    /**
     * Checks a picker's answer against what the port promises (at most {@code free} offers, to
     * distinct candidates), for adapters to call before they record it.
     *
     * @throws IllegalStateException when it breaks that promise
     */
    static void check(List<NewOffer> picked, List<StandbyEntry> candidates, int free) {
        if (picked.size() > free) {
            throw new IllegalStateException("the picker made " + picked.size() + " offers for " + free + " free doses");
        }
        java.util.Set<Long> allowed = new java.util.HashSet<>();
        candidates.forEach(c -> allowed.add(c.personId()));
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (NewOffer n : picked) {
            if (!allowed.contains(n.personId()) || !seen.add(n.personId())) {
                throw new IllegalStateException("the picker chose person " + n.personId() + " who is no candidate, or twice");
            }
        }
    }
}
