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
        JsonObject json = object(ctx);
        Set<String> unknown = new TreeSet<>(json.fieldNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new BadRequest("unknown field(s) " + unknown + "; expected only " + new TreeSet<>(allowed));
        }
        return new JsonInput(json);
    }

    /** The body as a JSON object: sent as application/json, valid JSON, an object; else a {@link BadRequest}. */
    public static JsonObject object(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest("send the body as application/json");
        }
        try {
            Object parsed = ctx.body().buffer() == null ? null : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
            if (parsed instanceof JsonObject o) {
                requireCleanText(o, "");
                return o;
            }
        } catch (DecodeException e) {
            throw new BadRequest("the body is not valid JSON");
        }
        throw new BadRequest("the body must be a JSON object");
    }

    /**
     * Refuses a body with a control character or an unpaired surrogate in any name or string,
     * however deep, naming where: one check for every route, before any value reaches a store.
     */
    private static void requireCleanText(Object value, String where) {
        switch (value) {
            case JsonObject o -> {
                for (java.util.Map.Entry<String, Object> e : o) {
                    if (!TextCheck.isCleanText(e.getKey())) {
                        throw new BadRequest("a field name" + (where.isEmpty() ? "" : " in '" + where + "'")
                                + " contains a control character or an unpaired surrogate");
                    }
                    requireCleanText(e.getValue(), where.isEmpty() ? e.getKey() : where + "." + e.getKey());
                }
            }
            case io.vertx.core.json.JsonArray a -> {
                for (int i = 0; i < a.size(); i++) {
                    requireCleanText(a.getValue(i), where + "[" + i + "]");
                }
            }
            case String s when !TextCheck.isCleanText(s) ->
                    throw new BadRequest("'" + where + "' contains a control character or an unpaired surrogate");
            case null, default -> {
            }
        }
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
        return date(field, text(field, 10));
    }

    // LocalDate.parse also takes years of up to nine digits with a sign (+999999999-12-31), which
    // overflow date arithmetic and PostgreSQL's date range; a four-digit year from 0001 is enough.
    private static final java.util.regex.Pattern ISO_DATE = java.util.regex.Pattern.compile("(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}");

    public long number(String field) {
        Object v = json.getValue(field);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new BadRequest("'" + field + "' is required and must be a whole number");
    }

    /** A nested JSON value read as strictly as a body: an object with only the named fields; {@code where} names it in messages. */
    public static JsonInput of(Object value, Set<String> allowed, String where) {
        if (!(value instanceof JsonObject json)) {
            throw new BadRequest("'" + where + "' must be a JSON object");
        }
        Set<String> unknown = new TreeSet<>(json.fieldNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new BadRequest("unknown field(s) " + unknown + " in '" + where + "'; expected only " + new TreeSet<>(allowed));
        }
        return new JsonInput(json);
    }

    public boolean has(String field) {
        return json.getValue(field) != null;
    }

    /** The field's raw value (null when absent), for nested objects and arrays. */
    public Object raw(String field) {
        return json.getValue(field);
    }

    public java.time.Instant instant(String field) {
        String s = text(field, 40);
        try {
            if (!ISO_INSTANT_YEAR.matcher(s).lookingAt()) {
                throw new DateTimeParseException("year out of range", s, 0);
            }
            return java.time.Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadRequest("'" + field + "' must be an instant as 2021-08-09T11:00:00Z, got '" + s + "'");
        }
    }

    private static final java.util.regex.Pattern ISO_INSTANT_YEAR = java.util.regex.Pattern.compile("(?!0000)[0-9]{4}-");

    public boolean bool(String field, boolean fallback) {
        Object v = json.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new BadRequest("'" + field + "' must be true or false");
    }

    /** A whole number from {@code min} to {@code max}. */
    public int integer(String field, int min, int max) {
        long v = number(field);
        if (v < min || v > max) {
            throw new BadRequest("'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return (int) v;
    }

    /** A JSON array of at most {@code maxItems} items. */
    public io.vertx.core.json.JsonArray array(String field, int maxItems) {
        Object v = json.getValue(field);
        if (!(v instanceof io.vertx.core.json.JsonArray a)) {
            throw new BadRequest("'" + field + "' is required and must be an array");
        }
        if (a.size() > maxItems) {
            throw new BadRequest("'" + field + "' must have at most " + maxItems + " items");
        }
        return a;
    }

    private static final java.util.regex.Pattern ASCII_WHOLE_NUMBER = java.util.regex.Pattern.compile("-?[0-9]{1,10}");

    /**
     * Parses a query or path value as a whole number in [min, max], naming {@code what} if it is
     * not one; {@code absent} when there is no value.
     */
    public static int wholeNumber(String what, String value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        try {
            // Integer.parseInt also reads digits of other scripts (١٢٣); a number in a URL is ASCII.
            if (!ASCII_WHOLE_NUMBER.matcher(value).matches()) {
                throw new NumberFormatException();
            }
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below, as a number out of range is
        }
        throw new BadRequest("'" + what + "' must be a whole number from " + min + " to " + max);
    }

    /** Parses a query or path value as a date, naming {@code what} if it fails. */
    public static LocalDate date(String what, String value) {
        try {
            if (value == null || !ISO_DATE.matcher(value).matches()) {
                throw new DateTimeParseException("not YYYY-MM-DD with a year from 0001 to 9999", String.valueOf(value), 0);
            }
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            // The value is not echoed: whatever was typed here (a resident number, say) stays out of answers and logs.
            throw new BadRequest("'" + what + "' must be a date as YYYY-MM-DD");
        }
    }
}
