package dev.orderly.identity;

import java.time.LocalDate;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Port: open one-time-code challenges. Shared by every node in a deployment, so that a code asked
 * for on one node can be entered on another. Adapters may forget challenges a while after they
 * expire.
 */
public interface ChallengeStore {

    void save(Challenge challenge);

    /**
     * Counts a use against two daily caps as {@link DailyQuota#tryTakeBoth} does and saves
     * {@code challenge} only if both counted it; returns whether it was saved. A store that keeps
     * its challenges beside {@code quota}'s counts does both in one atomic step: a code request
     * then pays one round trip and one commit for them, not two.
     */
    default boolean saveWithin(Challenge challenge, DailyQuota quota, LocalDate day, DailyQuota.Cap first, DailyQuota.Cap second) {
        if (!quota.tryTakeBoth(day, first.key(), first.limit(), second.key(), second.limit())) {
            return false;
        }
        save(challenge);
        return true;
    }

    Optional<Challenge> find(String id);

    /**
     * Atomically replaces the challenge with {@code change(current)} and returns the new value;
     * empty when there is no such challenge. {@code change} may be applied more than once by a
     * store that retries; it must be a pure function of its argument.
     */
    Optional<Challenge> update(String id, UnaryOperator<Challenge> change);
}
