package dev.orderly.server.http;

import dev.orderly.audit.AuditEvent;
import dev.orderly.audit.AuditLog;
import dev.orderly.problem.ProblemType;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what staff change: every mutating staff route calls {@link #record} once its change has
 * succeeded, off the event loop (inside {@code HttpApi.run}), with the state before and after.
 *
 * <p>No change without an entry, or the operator is told: when the entry cannot be written the
 * change has already been made (in a store of its own, not in the log's transaction), so
 * {@link #record} logs the whole entry as an error line and throws {@link Unrecorded}, which the
 * API answers 503 {@code audit-unrecorded}, saying the change was made but is not in the log.
 */
public final class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final AuditLog log;

    public AuditTrail(AuditLog log) {
        this.log = log;
    }

    /** Thrown when the change was made but its entry could not be written. */
    public static final class Unrecorded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unrecorded(AuditEvent event, RuntimeException cause) {
            super("the change '" + event.action() + "' on '" + event.target() + "' was made but not written to the audit log", cause);
        }
    }

    /** Records a change the request's actor made; see {@link #record(Actor, String, String, Object, Object)}. */
    public void record(RoutingContext ctx, String action, String target, Object before, Object after) {
        record(Actor.of(ctx), action, target, before, after);
    }

    /**
     * Records that {@code actor} did {@code action} (dotted, e.g. {@code gate.pause}) to
     * {@code target} ({@code kind:name}, e.g. {@code gate:identity}). {@code before} and
     * {@code after} are the target's states: a {@code JsonObject}, a {@code JsonArray}, a
     * {@code String} of JSON text, or null where the target did not (or no longer) exist. Never
     * personal data: a list upload is recorded by its name, size, digest and counts.
     *
     * @throws Unrecorded when the entry could not be written (the caller's change stands)
     */
    public void record(Actor actor, String action, String target, Object before, Object after) {
        AuditEvent event = new AuditEvent(actor.login(), actor.role().slug(), action, target, json(before), json(after), actor.address());
        try {
            log.append(event);
        } catch (RuntimeException e) {
            // The log file keeps what the audit log could not: enough to write the entry by hand.
            LOG.error("AUDIT ENTRY NOT WRITTEN, the change was made: actor={} role={} action={} target={} address={} before={} after={}",
                    event.actor(), event.role(), event.action(), event.target(), event.address(), event.before(), event.after(), e);
            throw new Unrecorded(event, e);
        }
    }

    /** The answer to a change whose entry was not written: the change stands, the operator must know. */
    static Reply answer(Unrecorded unrecorded) {
        return Reply.problem(ProblemType.AUDIT_UNRECORDED,
                unrecorded.getMessage() + ": the audit log could not be written. Do not send it again; check the change, "
                        + "and tell whoever keeps the audit (the server's log holds the entry)").with("changed", true);
    }

    static String json(Object state) {
        return switch (state) {
            case null -> null;
            case JsonObject o -> o.encode();
            case JsonArray a -> a.encode();
            case String text -> text;
            default -> Json.encode(state);
        };
    }
}
