package dev.orderly.identity;

import dev.orderly.registry.Person;
import java.time.Instant;
import java.util.Optional;

/** What a presented session token turns out to be. */
public sealed interface SessionCheck {

    /**
     * A live session of {@code personId}; {@code person} their registry record (empty when the
     * registry no longer holds them); {@code refreshedToken} the token to hand back when its idle
     * deadline was moved on.
     */
    record Active(long personId, Optional<Person> person, Optional<String> refreshedToken) implements SessionCheck {
    }

    /** No token, or not one this server signed. */
    record None() implements SessionCheck {
    }

    /** The session ran out: after its absolute lifetime, or ({@code idle}) unused for too long. */
    record Expired(boolean idle) implements SessionCheck {
    }

    /** The person verified again on another device at {@code at}, which ended this session. */
    record Replaced(Instant at) implements SessionCheck {
    }

    /** The person logged out of this session. */
    record Ended() implements SessionCheck {
    }
}
