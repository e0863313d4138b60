package dev.orderly.identity;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Port: open one-time-code challenges. Shared by every node in a deployment, so that a code asked
 * for on one node can be entered on another. Adapters may forget challenges a while after they
 * expire.
 */
public interface ChallengeStore {

    void save(Challenge challenge);

    Optional<Challenge> find(String id);

    /**
     * Atomically replaces the challenge with {@code change(current)} and returns the new value;
     * empty when there is no such challenge. {@code change} may be applied more than once by a
     * store that retries; it must be a pure function of its argument.
     */
    Optional<Challenge> update(String id, UnaryOperator<Challenge> change);
}
