package dev.orderly.assist;

import java.time.Instant;

/** Where the assisted session of a binding stands. */
public sealed interface AssistedCheck {

    /** The resident confirmed, and the time has not run out: act for {@code assisted.personId()}. */
    record Active(Assisted assisted) implements AssistedCheck {
    }

    /** A code was sent and not yet answered (still in time). */
    record Pending(Assisted assisted) implements AssistedCheck {
    }

    /** The session (or the wait for the code) ended at {@code at}. */
    record Expired(Instant at) implements AssistedCheck {
    }

    /** Nothing started, or it was ended. */
    record None() implements AssistedCheck {
    }
}
