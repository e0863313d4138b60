package dev.orderly.identity;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * The decision on one code presented against a challenge, taken inside the challenge store's
 * atomic update on the challenge as it is then: a guess read beside concurrent guesses would
 * otherwise be compared before their failures were counted, and a crowd of parallel guesses would
 * get past the tries allowed. Shared by every kind of code (identity, consent, leaving the line).
 *
 * @param outcome    what the code met
 * @param next       the challenge to store (used up when right, one more failed try when wrong)
 * @param triesLeft  after a wrong code, the tries still allowed (0: none)
 */
public record CodeAttempt(Outcome outcome, Challenge next, int triesLeft) {

    public enum Outcome { USED, EXPIRED, TOO_MANY_TRIES, RIGHT, WRONG }

    /** {@code presented}: the keyed hash of what was typed, or null when nothing usable was. */
    public static CodeAttempt decide(Challenge current, Instant now, byte[] presented, int maxTries) {
        if (current.used()) {
            return new CodeAttempt(Outcome.USED, current, 0);
        }
        if (!now.isBefore(current.expiresAt())) {
            return new CodeAttempt(Outcome.EXPIRED, current, 0);
        }
        if (current.failedTries() >= maxTries) {
            return new CodeAttempt(Outcome.TOO_MANY_TRIES, current, 0);
        }
        if (presented != null && MessageDigest.isEqual(Base64.getUrlDecoder().decode(current.codeMac()), presented)) {
            return new CodeAttempt(Outcome.RIGHT, current.usedUp(), 0);
        }
        Challenge failed = current.withFailedTry();
        return new CodeAttempt(Outcome.WRONG, failed, Math.max(0, maxTries - failed.failedTries()));
    }
}
