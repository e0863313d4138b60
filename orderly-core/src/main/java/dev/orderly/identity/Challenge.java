package dev.orderly.identity;

import java.time.Instant;

/**
 * One one-time-code challenge sent to a resident's phone.
 *
 * @param id          random, unguessable id the browser presents with its code
 * @param personId    the resident the code was sent for
 * @param code        the six digits sent
 * @param expiresAt   no code is accepted at or after this instant
 * @param failedTries wrong codes entered so far
 * @param used        whether a right code was already accepted
 */
public record Challenge(String id, long personId, String code, Instant expiresAt, int failedTries, boolean used) {

    Challenge withFailedTry() {
        return new Challenge(id, personId, code, expiresAt, failedTries + 1, used);
    }

    Challenge usedUp() {
        return new Challenge(id, personId, code, expiresAt, failedTries, true);
    }
}
