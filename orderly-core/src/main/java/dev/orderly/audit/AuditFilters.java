package dev.orderly.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * An {@link AuditQuery} from named text values, as the HTTP query and the command line give them:
 * {@code actor}, {@code action}, {@code target} (a prefix), {@code from} and {@code to} (ISO-8601
 * instants, from inclusive, to exclusive), {@code before} and {@code after} (sequence numbers,
 * exclusive) and {@code limit}. A value that does not fit is refused with the reason, for a 400.
 */
public final class AuditFilters {

    public static final int DEFAULT_LIMIT = 100;
    private static final int MAX_TEXT = 200;
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private AuditFilters() {
    }

    /** Thrown for a value that does not fit; the message says which and why. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /** The query the values ask for, newest first; {@code value} answers null for a name not given. */
    public static AuditQuery parse(Function<String, String> value) {
        int limit = value.apply("limit") == null ? DEFAULT_LIMIT : (int) whole("limit", value.apply("limit"), 1, AuditQuery.MAX_LIMIT);
        AuditQuery q = AuditQuery.newest().limit(limit);
        String actor = text("actor", value.apply("actor"));
        if (actor != null) {
            q = q.actor(actor);
        }
        String action = text("action", value.apply("action"));
        if (action != null) {
            q = q.action(action);
        }
        String target = text("target", value.apply("target"));
        if (target != null) {
            q = q.targetPrefix(target);
        }
        Instant from = instant("from", value.apply("from"));
        Instant to = instant("to", value.apply("to"));
        if (from != null && to != null && !from.isBefore(to)) {
            throw new Invalid("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        if (from != null) {
            q = q.from(from);
        }
        if (to != null) {
            q = q.to(to);
        }
        if (value.apply("before") != null) {
            q = q.before(whole("before", value.apply("before"), 1, Long.MAX_VALUE));
        }
        if (value.apply("after") != null) {
            q = q.after(whole("after", value.apply("after"), 0, Long.MAX_VALUE));
        }
        return q;
    }

    private static String text(String name, String v) {
        if (v == null) {
            return null;
        }
        if (v.isEmpty() || v.length() > MAX_TEXT || v.chars().anyMatch(Character::isISOControl)) {
            throw new Invalid("'" + name + "' must be 1 to " + MAX_TEXT + " characters without control characters");
        }
        return v;
    }

    private static Instant instant(String name, String v) {
        if (v == null) {
            return null;
        }
        Instant t;
        try {
            t = Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new Invalid("'" + name + "' must be an ISO-8601 instant such as 2021-07-19T11:00:00Z");
        }
        // Beyond these a database cannot hold the instant, and no entry can lie there.
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new Invalid("'" + name + "' must lie between " + EARLIEST + " and " + LATEST);
        }
        return t;
    }

    private static long whole(String name, String v, long min, long max) {
        long n;
        try {
            n = v.length() > 19 || !v.matches("[0-9]+") ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) {
            throw new Invalid("'" + name + "' must be a whole number from " + min + (max == Long.MAX_VALUE ? "" : " to " + max));
        }
        return n;
    }
}
