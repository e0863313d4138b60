package dev.orderly.eligibility;

import java.time.Instant;
import java.util.Objects;

/**
 * When a cohort may book: from {@code opensAt} (inclusive) to {@code closesAt} (exclusive).
 */
public record BookingWindow(Instant opensAt, Instant closesAt) {
    public BookingWindow {
        Objects.requireNonNull(opensAt, "opensAt");
        Objects.requireNonNull(closesAt, "closesAt");
        if (!closesAt.isAfter(opensAt)) {
            throw new IllegalArgumentException("window closes at " + closesAt + ", not after it opens at " + opensAt);
        }
    }

    public boolean isOpenAt(Instant now) {
        return !now.isBefore(opensAt) && now.isBefore(closesAt);
    }
}
