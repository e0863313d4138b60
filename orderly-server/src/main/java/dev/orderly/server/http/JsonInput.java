package dev.orderly.server.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON body read strictly: it must be an object, carry only the named fields, and
 * each field must have the expected type and size. Anything else is a {@link BadRequest} naming
 * the field, so a client learns what to fix.
 */
public final class JsonInput {

    private final JsonObject json;

    private JsonInput(JsonObject json) {
        this.json = json;
    }

    public static JsonInput of(RoutingContext ctx, Set<String> allowed) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest("send the body as application/json");
        }
        JsonObject json;
        try {
            Object parsed = ctx.body().buffer() == null ? null : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
            if (!(parsed instanceof JsonObject o)) {
                throw new BadRequest("the body must be a JSON object");
            }
            json = o;
        } catch (DecodeException e) {
            throw new BadRequest("the body is not valid JSON");
        }
        Set<String> unknown = new TreeSet<>(json.fieldNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new BadRequest("unknown field(s) " + unknown + "; expected only " + new TreeSet<>(allowed));
        }
        return new JsonInput(json);
    }

    public String text(String field, int maxLength) {
        Object v = json.getValue(field);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new BadRequest("'" + field + "' is required and must be a non-empty string");
        }
        if (s.length() > maxLength) {
            throw new BadRequest("'" + field + "' must be at most " + maxLength + " characters");
        }
        return s.strip();
    }

    public LocalDate date(String field) {
        String s = text(field, 10);
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            // The value is not echoed: whatever was typed here (a resident number, say) stays out of answers and logs.
            throw new BadRequest("'" + field + "' must be a date as YYYY-MM-DD");
        }
    }

    public long number(String field) {
        Object v = json.getValue(field);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new BadRequest("'" + field + "' is required and must be a whole number");
    }

    /** Parses a query or path value as a date, naming {@code what} if it fails. */
    public static LocalDate date(String what, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new BadRequest("'" + what + "' must be a date as YYYY-MM-DD");
        }
    }
}
