package dev.orderly.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One appended line of the audit log: the event, where it stands in the log ({@code sequence},
 * counting from 1 without gaps), when the server's clock says it was appended, and its link in the
 * hash chain ({@code previousHash} is the hash of entry {@code sequence - 1}, or
 * {@link AuditChain#GENESIS} for the first; {@code hash} covers this entry and that link).
 */
public record AuditEntry(long sequence, Instant at, AuditEvent event, String previousHash, String hash) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }

    public String actor() {
        return event.actor();
    }

    public String role() {
        return event.role();
    }

    public String action() {
        return event.action();
    }

    public String target() {
        return event.target();
    }

    public String before() {
        return event.before();
    }

    public String after() {
        return event.after();
    }

    public String address() {
        return event.address();
    }
}
