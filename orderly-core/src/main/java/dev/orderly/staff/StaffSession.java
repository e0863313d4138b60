package dev.orderly.staff;

import java.time.Instant;
import java.util.Objects;

/**
 * A staff member's signed-in session, as stored. The store holds only a hash of the session's
 * token ({@link #id}): a copy of the database gives no one a live session.
 *
 * @param id         SHA-256 of the token, base64url
 * @param login      whose session it is
 * @param startedAt  the sign-in
 * @param lastSeenAt the last request that used it (kept to about a minute)
 * @param expiresAt  when it ends whatever happens (the absolute expiry)
 */
public record StaffSession(String id, String login, Instant startedAt, Instant lastSeenAt, Instant expiresAt) {

    public StaffSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "StaffSession[" + login + ", since " + startedAt + "]";
    }
}
