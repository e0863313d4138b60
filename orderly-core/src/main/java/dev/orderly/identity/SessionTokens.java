package dev.orderly.identity;

import dev.orderly.token.HmacTokenSigner;
import dev.orderly.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A verified person's session as a signed token (kept in an HttpOnly cookie), so any node can
 * check it without a lookup of the session itself.
 *
 * <p>A session ends at the first of: its absolute end ({@code lifetime} after verification), or
 * {@code idleLifetime} without a request. Idle expiry needs no server state: the token carries its
 * idle deadline, and a request made while the session is active gets a token with the deadline
 * moved on ({@link #refresh}), at most once per {@link #REFRESH_STEP} so that not every answer
 * sets a cookie. The token also carries the person's session generation, which
 * {@link Sessions} compares with the store to end a session that another device has replaced.
 */
public final class SessionTokens {

    /** How much idle time a session may use up before a request moves its deadline on. */
    public static final Duration REFRESH_STEP = Duration.ofMinutes(1);

    /**
     * A verified person's session.
     *
     * @param personId   the registry id of the person
     * @param generation the person's session generation when it was issued
     * @param issuedAt   when the person verified
     * @param idleUntil  the session ends at this instant unless a request moves it on
     * @param expiresAt  the session ends at this instant whatever happens
     */
    public record Session(long personId, long generation, Instant issuedAt, Instant idleUntil, Instant expiresAt) {

        public boolean activeAt(Instant now) {
            return now.isBefore(idleUntil) && now.isBefore(expiresAt);
        }
    }

    private final HmacTokenSigner signer;
    private final Clock clock;
    private final Duration lifetime;
    private final Duration idleLifetime;

    /**
     * @param lifetime     absolute lifetime of a session
     * @param idleLifetime how long a session survives without a request; at most {@code lifetime}
     */
    public SessionTokens(SigningKeys keys, Clock clock, Duration lifetime, Duration idleLifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || idleLifetime.isNegative() || idleLifetime.isZero()) {
            throw new IllegalArgumentException("session lifetimes must be positive, were " + lifetime + " and idle " + idleLifetime);
        }
        if (idleLifetime.compareTo(lifetime) > 0) {
            throw new IllegalArgumentException("the idle lifetime " + idleLifetime + " is longer than the whole lifetime " + lifetime);
        }
        this.signer = new HmacTokenSigner(keys, "session");
        this.clock = clock;
        this.lifetime = lifetime;
        this.idleLifetime = idleLifetime;
    }

    /** A new session of generation {@code generation} for {@code personId}, starting now. */
    public String issue(long personId, long generation) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime);
        return encode(new Session(personId, generation, now, earliest(now.plus(idleLifetime), expiresAt), expiresAt));
    }

    /** The same session with its idle deadline moved on from now (never past its absolute end). */
    public String refresh(Session s) {
        Instant now = clock.instant();
        return encode(new Session(s.personId(), s.generation(), s.issuedAt(), earliest(now.plus(idleLifetime), s.expiresAt()),
                s.expiresAt()));
    }

    /** Whether {@code s} has used up enough idle time that a request should move its deadline on. */
    public boolean refreshDue(Session s) {
        Instant now = clock.instant();
        return s.idleUntil().isBefore(s.expiresAt()) && s.idleUntil().isBefore(now.plus(idleLifetime).minus(REFRESH_STEP));
    }

    /** The session behind {@code token} if this server signed it, active or not. */
    public Optional<Session> read(String token) {
        return signer.verify(token).flatMap(payload -> {
            String[] f = payload.split("\\|", -1);
            if (f.length != 5) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Session(Long.parseLong(f[0]), Long.parseLong(f[1]), Instant.ofEpochMilli(Long.parseLong(f[2])),
                        Instant.ofEpochMilli(Long.parseLong(f[3])), Instant.ofEpochMilli(Long.parseLong(f[4]))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The session behind {@code token} if it is genuine and active now. */
    public Optional<Session> verify(String token) {
        Instant now = clock.instant();
        return read(token).filter(s -> s.activeAt(now));
    }

    /** The absolute lifetime. */
    public Duration lifetime() {
        return lifetime;
    }

    public Duration idleLifetime() {
        return idleLifetime;
    }

    private String encode(Session s) {
        return signer.sign(s.personId() + "|" + s.generation() + "|" + s.issuedAt().toEpochMilli() + "|"
                + s.idleUntil().toEpochMilli() + "|" + s.expiresAt().toEpochMilli());
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
