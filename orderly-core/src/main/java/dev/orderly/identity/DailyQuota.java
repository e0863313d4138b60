package dev.orderly.identity;

import java.time.LocalDate;

/**
 * Port: counts uses per key and day, up to a limit. Shared by every node, so that a daily cap
 * holds for the whole deployment and not per node. Keys carry no personal data in the clear
 * (a person's registry id, a keyed hash of a phone number).
 */
public interface DailyQuota {

    /** A cap: at most {@code limit} uses of {@code key} a day. */
    record Cap(String key, int limit) {
    }

    /**
     * Counts one use of {@code key} on {@code day} if fewer than {@code limit} were counted so far,
     * atomically; returns whether it was counted. Adapters may forget days before yesterday.
     */
    boolean tryTake(String key, LocalDate day, int limit);

    /**
     * {@link #tryTake} of {@code first}, then of {@code second} only if the first was counted: a use
     * counted against two caps (a person's and their phone's). The first stays counted when the
     * second is refused. Returns whether both were counted. A store that can does both in one round
     * trip (each code request pays both).
     */
    default boolean tryTakeBoth(LocalDate day, String first, int firstLimit, String second, int secondLimit) {
        return tryTake(first, day, firstLimit) && tryTake(second, day, secondLimit);
    }
}
