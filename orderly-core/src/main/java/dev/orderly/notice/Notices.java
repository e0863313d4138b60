package dev.orderly.notice;

import java.util.OptionalLong;

/**
 * Messages from operators to many people, written into the outbox that already carries the
 * booking confirmations, so they go out through the same relay and never hold up a booking.
 */
public interface Notices {

    /** How many people {@code audience} holds now; empty when it names a cohort that does not exist. */
    OptionalLong count(Audience audience);

    /**
     * Queues one message per person of {@code audience} with {@code body}, all or none in one
     * transaction, but only if the audience still holds {@code expectedCount} people (the count
     * the operator was shown): a message to a different number of people than confirmed is not sent.
     */
    Outcome send(Audience audience, String body, long expectedCount);

    /** What came of a send. */
    sealed interface Outcome {
    }

    /** Queued: one outbox row per person, all under {@code reference} ({@code MSG-<messageId>}). */
    record Sent(long messageId, String reference, long count) implements Outcome {
    }

    /** Nothing queued: the audience now holds {@code count} people, not the number confirmed. */
    record AudienceChanged(long count) implements Outcome {
    }

    /** Nothing queued: the cohort does not exist (any more). */
    record UnknownCohort() implements Outcome {
    }
}
