package dev.orderly.identity;

import dev.orderly.token.HmacTokenSigner;
import dev.orderly.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A verified person's session as a signed token (kept in an HttpOnly cookie), so any node can
 * check it without a lookup. It dies after {@code lifetime}.
 */
public final class SessionTokens {

    /** A verified person's session. */
    public record Session(long personId, Instant issuedAt, Instant expiresAt) {
    }

    private final HmacTokenSigner signer;
    private final Clock clock;
    private final Duration lifetime;

    public SessionTokens(SigningKeys keys, Clock clock, Duration lifetime) {
        this.signer = new HmacTokenSigner(keys, "session");
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public String issue(long personId) {
        Instant now = clock.instant();
        return signer.sign(personId + "|" + now.toEpochMilli() + "|" + now.plus(lifetime).toEpochMilli());
    }

    /** The session behind {@code token} if it is genuine and not expired. */
    public Optional<Session> verify(String token) {
        Instant now = clock.instant();
        return signer.verify(token).flatMap(payload -> {
            String[] f = payload.split("\\|", -1);
            if (f.length != 3) {
                return Optional.empty();
            }
            try {
                Session s = new Session(Long.parseLong(f[0]), Instant.ofEpochMilli(Long.parseLong(f[1])),
                        Instant.ofEpochMilli(Long.parseLong(f[2])));
                return now.isBefore(s.expiresAt()) ? Optional.of(s) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    public Duration lifetime() {
        return lifetime;
    }
}
