package dev.orderly.identity;

import java.util.Optional;
import java.util.function.UnaryOperator;

/** Port: open one-time-code challenges. */
public interface ChallengeStore {

    void save(Challenge challenge);

    Optional<Challenge> find(String id);

    /**
     * Atomically replaces the challenge with {@code change(current)} and returns the new value;
     * empty when there is no such challenge.
     */
    Optional<Challenge> update(String id, UnaryOperator<Challenge> change);
}
