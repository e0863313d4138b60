package dev.orderly.server.fhir;

import java.time.Instant;
import java.util.List;

/**
 * The FHIR rows of the outbox (channel {@code fhir}), written by the database in the transaction
 * of the change they report. Adapter: PostgreSQL.
 */
public interface FhirOutbox {

    /** One change to report. {@code dose} is set for a dose given or a no-show, 0 for a booking's change. */
    record Event(long id, String kind, long personId, String reference, int dose, int attempts) {
    }

    /** Turns the writing of FHIR rows on or off (off: nothing would deliver them). */
    void enable(boolean on);

    /**
     * Leases, until {@code leaseUntil}, up to {@code max} due events, each the oldest unsent one of its
     * person: a person's later event waits until the earlier is delivered, so their order holds
     * across retries and nodes.
     */
    List<Event> leaseDue(Instant now, Instant leaseUntil, int max);

    void delivered(long id, Instant at);

    void failed(long id, Instant nextAttempt, String error);

    /** Events not yet delivered. */
    long backlog();
}
