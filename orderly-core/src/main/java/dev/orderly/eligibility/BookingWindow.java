package dev.orderly.eligibility;

import java.time.Instant;
import java.util.Objects;

/**
 * When a cohort may book: from {@code opensAt} (inclusive) to {@code closesAt} (exclusive).
 *
 * @param unbookedOnly a re-opening for people who hold no active reservation: someone who holds
 *                     one can neither book (they have) nor change their reservation through it
 */
public record BookingWindow(Instant opensAt, Instant closesAt, boolean unbookedOnly) {
    public BookingWindow {
        Objects.requireNonNull(opensAt, "opensAt");
        Objects.requireNonNull(closesAt, "closesAt");
        if (!closesAt.isAfter(opensAt)) {
            throw new IllegalArgumentException("window closes at " + closesAt + ", not after it opens at " + opensAt);
        }
    }

    /** A window open to everyone in the cohort. */
    public BookingWindow(Instant opensAt, Instant closesAt) {
        this(opensAt, closesAt, false);
    }

    public boolean isOpenAt(Instant now) {
        return !now.isBefore(opensAt) && now.isBefore(closesAt);
    }
}
