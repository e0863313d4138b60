package dev.orderly.audit;

import java.util.Objects;

/**
 * What a member of staff (or a machine token) changed, as the caller knows it; the log adds the
 * sequence number, the time and the hashes when it appends it.
 *
 * @param actor   the login of the account or the name of the machine token
 * @param role    the actor's role, as written in the API ({@code operator}, {@code auditor}, …)
 * @param action  what was done, dotted ({@code gate.pause}, {@code capacity.set})
 * @param target  what it was done to, {@code kind:name} ({@code gate:identity}, {@code cohort:teachers})
 * @param before  the target's state before the change as JSON text, or null when it did not exist
 * @param after   the target's state after the change as JSON text, or null when it no longer exists
 * @param address the address the request came from
 */
public record AuditEvent(String actor, String role, String action, String target, String before, String after, String address) {

    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(address, "address");
        if (actor.isEmpty() || action.isEmpty() || target.isEmpty()) {
            throw new IllegalArgumentException("an audit event names its actor, action and target");
        }
    }
}
