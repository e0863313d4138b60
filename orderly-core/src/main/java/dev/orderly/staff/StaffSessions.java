package dev.orderly.staff;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Staff sessions, apart from citizens': a random token in the staff member's cookie, its hash in
 * the shared {@link StaffStore}. A session ends at sign-out; by itself when unused for
 * {@code idle} or {@code absolute} after sign-in, whichever comes first; and when its account is
 * disabled or changed (the changes end the account's sessions). Every check reads the store, so an
 * ended session is refused on every node at once.
 */
public final class StaffSessions {

    /** A new session: the token for the cookie, and the session as stored. */
    public record Started(String token, StaffSession session) {
        @Override
        public String toString() {
            return "Started[" + session + "]";
        }
    }

    /** A live session and its account as it is now. */
    public record Active(StaffAccount account, StaffSession session) {
    }

    /** How stale the stored last use may get before a request refreshes it: fewer writes, idle expiry a minute coarse. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final StaffStore store;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration idle;
    private final Duration absolute;

    public StaffSessions(StaffStore store, Clock clock, SecureRandom random, Duration idle, Duration absolute) {
        if (idle.isNegative() || idle.isZero() || absolute.compareTo(idle) < 0) {
            throw new IllegalArgumentException("a staff session needs 0 < idle <= absolute, not idle " + idle + ", absolute " + absolute);
        }
        this.store = store;
        this.clock = clock;
        this.random = random;
        this.idle = idle;
        this.absolute = absolute;
    }

    public Started start(StaffAccount account) {
        Instant now = clock.instant();
        store.forgetSessionsOver(now, now.minus(idle));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        StaffSession session = new StaffSession(id(token), account.login(), now, now, now.plus(absolute));
        store.startSession(session);
        return new Started(token, session);
    }

    /** The live session behind {@code token} and its account; empty if there is none, it ran out, or its account is disabled. */
    public Optional<Active> check(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        String id = id(token);
        Optional<StaffSession> found = store.session(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StaffSession s = found.get();
        Instant now = clock.instant();
        if (!now.isBefore(s.expiresAt()) || !now.isBefore(s.lastSeenAt().plus(idle))) {
            store.endSession(id);
            return Optional.empty();
        }
        Optional<StaffAccount> account = store.find(s.login()).filter(a -> !a.disabled());
        if (account.isEmpty()) {
            store.endSession(id);
            return Optional.empty();
        }
        if (!now.isBefore(s.lastSeenAt().plus(TOUCH_EVERY))) {
            store.touchSession(id, now);
            s = new StaffSession(s.id(), s.login(), s.startedAt(), now, s.expiresAt());
        }
        return Optional.of(new Active(account.get(), s));
    }

    /** Signs out of the session behind {@code token}, if there is one. */
    public void end(String token) {
        if (token != null && !token.isEmpty() && token.length() <= 100) {
            store.endSession(id(token));
        }
    }

    public Duration idle() {
        return idle;
    }

    public Duration absolute() {
        return absolute;
    }

    static String id(String token) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK cannot do SHA-256", e);
        }
    }
}
