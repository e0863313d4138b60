package dev.orderly.assist;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules of acting for another resident. A helper first has a code sent to the resident
 * ({@link #offer}); only the answer to that very challenge, given through the same binding,
 * confirms ({@link #confirm}); a confirmed session lasts {@code lifetime} from the confirmation
 * and is never extended, so a forgotten one on an agent's screen dies by itself. A new offer
 * replaces whatever the binding had: one resident at a time per helper.
 */
public final class AssistedSessions {

    /** How long a confirmed session lasts by default. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);

    private final AssistedStore store;
    private final Clock clock;
    private final Duration lifetime;

    public AssistedSessions(AssistedStore store, Clock clock, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive, was " + lifetime);
        }
        this.store = store;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Records that a code for {@code personId} went out as {@code challengeId}, waiting for the answer. */
    public Assisted offer(String binding, String actor, long personId, String challengeId) {
        Instant now = clock.instant();
        Assisted pending = new Assisted(binding, actor, personId, challengeId, false, now, now.plus(lifetime));
        store.put(pending);
        return pending;
    }

    /**
     * The challenge {@code challengeId} this binding waits on, if it waits on exactly that one and
     * in time: the caller checks the code only then, so a challenge id learned elsewhere is worth
     * nothing to another helper.
     */
    public Optional<Assisted> awaiting(String binding, String challengeId) {
        return store.get(binding).filter(a -> !a.confirmed() && a.challengeId().equals(challengeId)
                && clock.instant().isBefore(a.expiresAt()));
    }

    /**
     * Confirms the pending session once the resident's code was found right for {@code personId};
     * empty if the binding no longer waits on that challenge for that person.
     */
    public Optional<Assisted> confirm(String binding, String challengeId, long personId) {
        Optional<Assisted> pending = awaiting(binding, challengeId).filter(a -> a.personId() == personId);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Assisted p = pending.get();
        Assisted active = new Assisted(binding, p.actor(), personId, challengeId, true, now, now.plus(lifetime));
        return store.replace(p, active) ? Optional.of(active) : Optional.empty();
    }

    public AssistedCheck check(String binding) {
        Optional<Assisted> found = store.get(binding);
        if (found.isEmpty()) {
            return new AssistedCheck.None();
        }
        Assisted a = found.get();
        if (!clock.instant().isBefore(a.expiresAt())) {
            return new AssistedCheck.Expired(a.expiresAt());
        }
        return a.confirmed() ? new AssistedCheck.Active(a) : new AssistedCheck.Pending(a);
    }

    /** Ends whatever the binding had (sign-out, "done", a new caller). */
    public void end(String binding) {
        store.remove(binding);
    }
}
