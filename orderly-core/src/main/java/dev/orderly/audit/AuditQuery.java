package dev.orderly.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which entries to read: every filter given must match (actor and action exactly, target by
 * prefix, time from inclusive to exclusive), within the sequence bounds ({@code after} and
 * {@code before}, both exclusive), at most {@code limit} of them. With {@code newestFirst} the
 * newest matching entries are taken and answered newest first; otherwise the oldest, oldest first.
 */
public record AuditQuery(Optional<String> actor, Optional<String> action, Optional<String> targetPrefix,
                         Optional<Instant> from, Optional<Instant> to, OptionalLong after, OptionalLong before,
                         int limit, boolean newestFirst) {

    /** The most entries one read answers. */
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("an audit read takes 1 to " + MAX_LIMIT + " entries, not " + limit);
        }
    }

    /** The newest {@value #MAX_LIMIT} entries, newest first. */
    public static AuditQuery newest() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.empty(), OptionalLong.empty(), MAX_LIMIT, true);
    }

    public AuditQuery actor(String value) {
        return new AuditQuery(Optional.of(value), action, targetPrefix, from, to, after, before, limit, newestFirst);
    }

    public AuditQuery action(String value) {
        return new AuditQuery(actor, Optional.of(value), targetPrefix, from, to, after, before, limit, newestFirst);
    }

    public AuditQuery targetPrefix(String value) {
        return new AuditQuery(actor, action, Optional.of(value), from, to, after, before, limit, newestFirst);
    }

    public AuditQuery from(Instant value) {
        return new AuditQuery(actor, action, targetPrefix, Optional.of(value), to, after, before, limit, newestFirst);
    }

    public AuditQuery to(Instant value) {
        return new AuditQuery(actor, action, targetPrefix, from, Optional.of(value), after, before, limit, newestFirst);
    }

    public AuditQuery after(long sequence) {
        return new AuditQuery(actor, action, targetPrefix, from, to, OptionalLong.of(sequence), before, limit, newestFirst);
    }

    public AuditQuery before(long sequence) {
        return new AuditQuery(actor, action, targetPrefix, from, to, after, OptionalLong.of(sequence), limit, newestFirst);
    }

    public AuditQuery limit(int value) {
        return new AuditQuery(actor, action, targetPrefix, from, to, after, before, value, newestFirst);
    }

    /** The same filters without sequence bounds, one entry, newest first: to ask whether anything lies beyond a page. */
    public AuditQuery filtersOnly() {
        return new AuditQuery(actor, action, targetPrefix, from, to, OptionalLong.empty(), OptionalLong.empty(), 1, true);
    }

    public AuditQuery oldestFirst() {
        return new AuditQuery(actor, action, targetPrefix, from, to, after, before, limit, false);
    }

    /** Whether {@code e} passes the filters and the sequence bounds (the limit aside). */
    public boolean matches(AuditEntry e) {
        return actor.map(e.actor()::equals).orElse(true)
                && action.map(e.action()::equals).orElse(true)
                && targetPrefix.map(e.target()::startsWith).orElse(true)
                && from.map(f -> !e.at().isBefore(f)).orElse(true)
                && to.map(t -> e.at().isBefore(t)).orElse(true)
                && (after.isEmpty() || e.sequence() > after.getAsLong())
                && (before.isEmpty() || e.sequence() < before.getAsLong());
    }
}
