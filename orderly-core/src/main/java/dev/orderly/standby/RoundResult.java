package dev.orderly.standby;

import java.util.List;

/**
 * What one round of a release did.
 *
 * @param ran false when another node was running this release's round (nothing done here)
 */
public record RoundResult(boolean ran, int expired, List<StandbyOffer> offered) {

    public static RoundResult skipped() {
        return new RoundResult(false, 0, List.of());
    }
}
