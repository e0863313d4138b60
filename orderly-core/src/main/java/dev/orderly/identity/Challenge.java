package dev.orderly.identity;

import java.time.Instant;

/**
 * One one-time-code challenge sent to a resident's phone. The code itself is not kept: only its
 * keyed hash, bound to the challenge id.
 *
 * @param id          random, unguessable id the browser presents with its code
 * @param personId    the resident the code was sent for
 * @param codeMac     base64url HMAC-SHA256 of {@code id:code} under the server's secret
 * @param expiresAt   no code is accepted at or after this instant
 * @param failedTries wrong codes entered so far
 * @param used        whether a right code was already accepted (or the challenge was withdrawn)
 */
public record Challenge(String id, long personId, String codeMac, Instant expiresAt, int failedTries, boolean used) {

    Challenge withFailedTry() {
        return new Challenge(id, personId, codeMac, expiresAt, failedTries + 1, used);
    }

    Challenge usedUp() {
        return new Challenge(id, personId, codeMac, expiresAt, failedTries, true);
    }

    @Override
    public String toString() {
        return "Challenge[id=" + id + ", personId=" + personId + ", expiresAt=" + expiresAt + ", failedTries=" + failedTries
                + ", used=" + used + "]";
    }
}
