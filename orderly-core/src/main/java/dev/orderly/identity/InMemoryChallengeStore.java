package dev.orderly.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * Challenges in one node's memory. Expired challenges are dropped as new ones arrive, so memory is
 * bounded by the challenges of the last few minutes.
 */
public final class InMemoryChallengeStore implements ChallengeStore {

    private static final Duration KEEP_AFTER_EXPIRY = Duration.ofMinutes(5);

    private final ConcurrentMap<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryChallengeStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void save(Challenge challenge) {
        var cutoff = clock.instant().minus(KEEP_AFTER_EXPIRY);
        challenges.values().removeIf(c -> c.expiresAt().isBefore(cutoff));
        challenges.put(challenge.id(), challenge);
    }

    @Override
    public Optional<Challenge> find(String id) {
        return Optional.ofNullable(challenges.get(id));
    }

    @Override
    public Optional<Challenge> update(String id, UnaryOperator<Challenge> change) {
        return Optional.ofNullable(challenges.computeIfPresent(id, (k, c) -> change.apply(c)));
    }
}
