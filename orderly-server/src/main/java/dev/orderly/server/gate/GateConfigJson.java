package dev.orderly.server.gate;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateNotice;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gate configuration as operators write it in JSON, read strictly: unknown fields, wrong types
 * and out-of-range values are refused ({@link IllegalArgumentException}) with a message naming the
 * field. The same form, with {@code name} and {@code mode} added, is how stores keep configs.
 *
 * <pre>
 * { "opensAt": "2021-07-26T11:00:00Z", "joinFrom": "2021-07-26T10:30:00Z",
 *   "admission": { "policy": "FIXED_RATE", "perSecond": 500 },
 *   "passLifetimeSeconds": 600, "keyedByPerson": false, "maxPollSeconds": 60, "message": "" }
 * </pre>
 * Policies: {@code FIXED_RATE} (perSecond), {@code CONCURRENCY_TARGET} (maxOutstanding,
 * maxPerSecond), {@code ADAPTIVE} (minPerSecond, maxPerSecond, startPerSecond, increasePerSecond,
 * decreaseFactor, latencyTargetMs, maxErrorRatio).
 */
public final class GateConfigJson {

    private static final Set<String> FIELDS = Set.of("opensAt", "joinFrom", "admission", "passLifetimeSeconds",
            "keyedByPerson", "maxPollSeconds", "message", "messageEn", "expectedBack");

    private GateConfigJson() {
    }

    public static GateConfig read(String name, JsonObject json, GateMode mode) {
        unknown(json, FIELDS, "");
        Instant opensAt = instant(json, "opensAt");
        Instant joinFrom = json.containsKey("joinFrom") ? instant(json, "joinFrom") : opensAt;
        Object admission = json.getValue("admission");
        if (!(admission instanceof JsonObject a)) {
            throw new IllegalArgumentException("'admission' is required and must be an object with a 'policy'");
        }
        long passLifetime = json.containsKey("passLifetimeSeconds") ? whole(json, "passLifetimeSeconds") : 600;
        long maxPoll = json.containsKey("maxPollSeconds") ? whole(json, "maxPollSeconds") : GateConfig.DEFAULT_MAX_POLL.toSeconds();
        Object keyed = json.getValue("keyedByPerson", false);
        if (!(keyed instanceof Boolean)) {
            throw new IllegalArgumentException("'keyedByPerson' must be true or false");
        }
        return new GateConfig(name, joinFrom, opensAt, admission(a), Duration.ofSeconds(passLifetime), (Boolean) keyed, mode,
                notice(json), Duration.ofSeconds(maxPoll));
    }

    private static final Instant LATEST_BACK = Instant.parse("9999-12-31T23:59:59Z");

    /**
     * The operator's notice from {@code message} (Korean pages, or every page), {@code messageEn}
     * (English pages) and {@code expectedBack} (an ISO-8601 instant with its offset), each optional.
     */
    public static GateNotice notice(JsonObject json) {
        String message = text(json, "message");
        String messageEn = text(json, "messageEn");
        Instant back = json.getValue("expectedBack") == null ? null : instant(json, "expectedBack");
        // Instant.parse takes years up to a billion; no page can show such a time, nor any store keep it.
        if (back != null && back.isAfter(LATEST_BACK)) {
            throw new IllegalArgumentException("'expectedBack' must be before " + LATEST_BACK);
        }
        return new GateNotice(message, messageEn, back);
    }

    private static String text(JsonObject json, String field) {
        Object value = json.getValue(field, "");
        if (!(value instanceof String s) || s.length() > GateNotice.MAX_LENGTH) {
            throw new IllegalArgumentException("'" + field + "' must be a string of at most " + GateNotice.MAX_LENGTH + " characters");
        }
        return s;
    }

    /** The notice's members, as {@link #notice(JsonObject)} reads them. */
    public static JsonObject write(GateNotice n) {
        // Only what is said: a config with no English text or time is stored as before notices had them.
        JsonObject json = new JsonObject().put("message", n.message());
        if (!n.messageEn().isEmpty()) {
            json.put("messageEn", n.messageEn());
        }
        n.back().ifPresent(b -> json.put("expectedBack", b.toString()));
        return json;
    }

    /** A config as {@link #write(GateConfig)} stored it. */
    public static GateConfig readStored(JsonObject stored) {
        JsonObject copy = stored.copy();
        String name = (String) copy.remove("name");
        GateMode mode = GateMode.valueOf((String) copy.remove("mode"));
        return read(name, copy, mode);
    }

    public static AdmissionPolicy admission(JsonObject a) {
        Object policy = a.getValue("policy");
        try {
            return switch (policy instanceof String p ? p : "") {
                case "FIXED_RATE" -> {
                    unknown(a, Set.of("policy", "perSecond"), "admission.");
                    yield new AdmissionPolicy.FixedRate(number(a, "perSecond"));
                }
                case "CONCURRENCY_TARGET" -> {
                    unknown(a, Set.of("policy", "maxOutstanding", "maxPerSecond"), "admission.");
                    yield new AdmissionPolicy.ConcurrencyTarget(whole(a, "maxOutstanding"), number(a, "maxPerSecond"));
                }
                case "ADAPTIVE" -> {
                    unknown(a, Set.of("policy", "minPerSecond", "maxPerSecond", "startPerSecond", "increasePerSecond",
                            "decreaseFactor", "latencyTargetMs", "maxErrorRatio"), "admission.");
                    yield new AdmissionPolicy.Adaptive(number(a, "minPerSecond"), number(a, "maxPerSecond"),
                            number(a, "startPerSecond"), number(a, "increasePerSecond"), number(a, "decreaseFactor"),
                            Duration.ofMillis(whole(a, "latencyTargetMs")), number(a, "maxErrorRatio"));
                }
                default -> throw new IllegalArgumentException("'admission.policy' must be FIXED_RATE, CONCURRENCY_TARGET or ADAPTIVE");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("'") || e.getMessage().startsWith("unknown")
                    ? e.getMessage() : "admission: " + e.getMessage(), e);
        }
    }

    public static JsonObject write(GateConfig c) {
        return new JsonObject().put("name", c.name()).put("mode", c.mode().name()).put("opensAt", c.opensAt().toString())
                .put("joinFrom", c.joinFrom().toString()).put("admission", write(c.admission()))
                .put("passLifetimeSeconds", c.passLifetime().toSeconds()).put("keyedByPerson", c.keyedByPerson())
                .put("maxPollSeconds", c.maxPollInterval().toSeconds()).mergeIn(write(c.notice()));
    }

    public static JsonObject write(AdmissionPolicy a) {
        return switch (a) {
            case AdmissionPolicy.FixedRate f -> new JsonObject().put("policy", "FIXED_RATE").put("perSecond", f.perSecond());
            case AdmissionPolicy.ConcurrencyTarget t -> new JsonObject().put("policy", "CONCURRENCY_TARGET")
                    .put("maxOutstanding", t.maxOutstanding()).put("maxPerSecond", t.maxPerSecond());
            case AdmissionPolicy.Adaptive d -> new JsonObject().put("policy", "ADAPTIVE").put("minPerSecond", d.minPerSecond())
                    .put("maxPerSecond", d.maxPerSecond()).put("startPerSecond", d.startPerSecond())
                    .put("increasePerSecond", d.increasePerSecond()).put("decreaseFactor", d.decreaseFactor())
                    .put("latencyTargetMs", d.latencyTarget().toMillis()).put("maxErrorRatio", d.maxErrorRatio());
        };
    }

    private static void unknown(JsonObject json, Set<String> allowed, String prefix) {
        Set<String> extra = new TreeSet<>(json.fieldNames());
        extra.removeAll(allowed);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unknown field(s) " + extra.stream().map(f -> prefix + f).toList() + "; expected only "
                    + new TreeSet<>(allowed).stream().map(f -> prefix + f).toList());
        }
    }

    private static Instant instant(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + field + "' is required: an instant such as 2021-07-26T11:00:00Z");
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an instant such as 2021-07-26T11:00:00Z, got '" + s + "'");
        }
    }

    private static double number(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("'" + field + "' is required and must be a number");
        }
        return n.doubleValue();
    }

    private static long whole(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new IllegalArgumentException("'" + field + "' is required and must be a whole number");
        }
        return ((Number) v).longValue();
    }
}
