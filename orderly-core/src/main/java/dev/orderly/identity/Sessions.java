package dev.orderly.identity;

import dev.orderly.registry.ResidentRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Verified sessions, one active per person: verifying on a second device ends the first device's
 * session, and the first device is told so the next time it asks, as the 2021 system did.
 *
 * <p>Design: the session itself is a signed token ({@link SessionTokens}); the only shared state is
 * the person's current generation in the {@link SessionStore}, written once per verification and
 * read once per authenticated request (with the person's registry record, where the store can
 * read both at once). No cache: a replaced session is refused from the moment the
 * new verification commits, on every node. The one race left is a request that passed its check
 * just before the replacement commits; it completes as the person's own request.
 */
public final class Sessions {

    /** A new session: its token, and whether it ended a live session of the same person elsewhere. */
    public record Started(String token, long generation, boolean endedAnother) {
        @Override
        public String toString() {
            return "Started[generation=" + generation + ", endedAnother=" + endedAnother + "]";
        }
    }

    private final SessionTokens tokens;
    private final SessionStore store;
    private final Clock clock;

    public Sessions(SessionTokens tokens, SessionStore store, Clock clock) {
        this.tokens = tokens;
        this.store = store;
        this.clock = clock;
    }

    /** Starts a session for a person who just verified, ending any other they had. */
    public Started begin(long personId) {
        Instant now = clock.instant();
        SessionStore.Begun begun = store.begin(personId, now);
        // The other session may already have run out on its own; it counts as ended by this one
        // only if it could still have been in use.
        boolean endedAnother = begun.previous()
                .filter(SessionStore.Generation::active)
                .filter(p -> now.isBefore(p.since().plus(tokens.lifetime())))
                .isPresent();
        return new Started(tokens.issue(personId, begun.current().number()), begun.current().number(), endedAnother);
    }

    /**
     * What {@code token} is now and, for a live session, the person's record in {@code registry},
     * read with the generation: the store is read once when the token itself is live (one round
     * trip for both where the store can; see {@link SessionStore#currentWithPerson}).
     */
    public SessionCheck check(String token, ResidentRegistry registry) {
        if (token == null || token.isEmpty()) {
            return new SessionCheck.None();
        }
        Optional<SessionTokens.Session> read = tokens.read(token);
        if (read.isEmpty()) {
            return new SessionCheck.None();
        }
        SessionTokens.Session s = read.get();
        Instant now = clock.instant();
        if (!now.isBefore(s.expiresAt())) {
            return new SessionCheck.Expired(false);
        }
        if (!now.isBefore(s.idleUntil())) {
            return new SessionCheck.Expired(true);
        }
        SessionStore.Holder held = store.currentWithPerson(s.personId(), registry);
        Optional<SessionStore.Generation> current = held.generation();
        if (current.isEmpty() || current.get().number() < s.generation()) {
            // The store does not know this generation (it was reset): treat the session as ended.
            return new SessionCheck.Ended();
        }
        SessionStore.Generation g = current.get();
        if (g.number() > s.generation()) {
            return new SessionCheck.Replaced(g.since());
        }
        if (!g.active()) {
            return new SessionCheck.Ended();
        }
        return new SessionCheck.Active(s.personId(), held.person(), tokens.refreshDue(s) ? Optional.of(tokens.refresh(s)) : Optional.empty());
    }

    /** Logs out of the session behind {@code token}, if it is still the person's current one. */
    public void end(String token) {
        tokens.read(token).ifPresent(s -> store.end(s.personId(), s.generation()));
    }

    public SessionTokens tokens() {
        return tokens;
    }
}
