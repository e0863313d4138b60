package dev.orderly.identity;

import dev.orderly.registry.Person;
import java.net.URI;
import java.time.Instant;

/** Outcomes of identity verification steps. */
public final class Verification {

    private Verification() {
    }

    /** What asking for a challenge can lead to. */
    public sealed interface Started {
    }

    /** A code was sent; the browser presents {@code challengeId} with it. */
    public record CodeSent(String challengeId, String maskedPhone, Instant expiresAt) implements Started {
    }

    /**
     * The browser must go to the provider ({@code location}: its page or app link) and come back
     * with the provider's response to {@code challengeId}.
     */
    public record Redirect(String challengeId, URI location, Instant expiresAt) implements Started {
    }

    /** No resident matches what was claimed, or what the provider established. */
    public record NoMatch() implements Started, Checked {
    }

    /** The person or phone has had as many challenges today (Seoul calendar) as allowed. */
    public record TooManyChallenges(Instant retryAt) implements Started {
    }

    /** The provider could not be reached or the message not handed over; try again shortly. */
    public record NotSent() implements Started {
    }

    /** What presenting a response can lead to. */
    public sealed interface Checked {
    }

    public record Verified(Person person) implements Checked {
    }

    public record WrongCode(int triesLeft) implements Checked {
    }

    public record Expired() implements Checked {
    }

    public record TooManyTries() implements Checked {
    }

    /** No such challenge, or it was already used. */
    public record UnknownChallenge() implements Checked {
    }
}
