package dev.orderly.identity;

import dev.orderly.registry.Person;
import java.time.Instant;

/** Outcomes of identity verification steps. */
public final class Verification {

    private Verification() {
    }

    /** What asking for a code can lead to. */
    public sealed interface Started {
    }

    /** A code was sent; the browser presents {@code challengeId} with it. */
    public record CodeSent(String challengeId, String maskedPhone, Instant expiresAt) implements Started {
    }

    /** No resident has that name, birth date and phone. */
    public record NoMatch() implements Started {
    }

    /** What entering a code can lead to. */
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
