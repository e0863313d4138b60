package dev.orderly.identity;

import java.time.LocalDate;

/**
 * Port: counts uses per key and day, up to a limit. Shared by every node, so that a daily cap
 * holds for the whole deployment and not per node. Keys carry no personal data in the clear
 * (a person's registry id, a keyed hash of a phone number).
 */
public interface DailyQuota {

    /**
     * Counts one use of {@code key} on {@code day} if fewer than {@code limit} were counted so far,
     * atomically; returns whether it was counted. Adapters may forget days before yesterday.
     */
    boolean tryTake(String key, LocalDate day, int limit);
}
