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
}
