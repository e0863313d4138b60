package dev.orderly.standby;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Leftover doses a clinic releases to its standby people: {@code doses} of {@code product} on
 * {@code day} (the clinic's today, in Seoul), offered in {@code order}.
 *
 * @param seed the draw's seed (kept for every release, used by {@link FairOrder#DRAW})
 */
public record Release(long id, long clinicId, String product, LocalDate day, int doses, FairOrder order, long seed,
                      String releasedBy, Instant releasedAt) {

    /** Most doses one release may hold: a clinic's leftovers are vials, not deliveries. */
    public static final int MAX_DOSES = 200;

    /**
     * Who a release made by Orderly itself (from today's no-shows) is recorded as. Such a release is
     * made at most once per clinic, day and product, on every node together (the store refuses a second).
     */
    public static final String SYSTEM = "system";
}
