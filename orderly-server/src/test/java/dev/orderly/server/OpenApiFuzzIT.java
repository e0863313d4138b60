package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orderly.problem.ProblemType;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpCookie;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests generated from {@code openapi.yaml}: for every operation, each parameter and
 * each body field (nested ones too) in turn is replaced by a hostile value, the other values being
 * harmless ones; every body is also sent broken as a whole (not JSON, bytes that are not UTF-8,
 * broken chunking, deep nesting, duplicate keys), and every operation gets hostile bytes in its
 * query. Requests go out over a raw socket, so bytes no client library would send arrive as sent.
 *
 * <p>Every answer must be a non-5xx; every 4xx a problem document; a hostile value must be
 * refused unless the field takes any text (a name, a filter, a message: markup and SQL are data
 * there) or the body is one Jackson reads leniently (see {@code brokenBodies}). Every table of the
 * schema keeps its row count, none excluded: the baseline values are chosen so that even the
 * untouched request changes nothing (an unknown clinic, a cohort born after it ends, a challenge
 * for nobody), and no baseline sends an {@code Idempotency-Key}, under which even a refusal would
 * be recorded.
 *
 * <p>Deterministic: the requests are enumerated in the order of the file, nothing is random. They
 * go out four at a time, so which one meets a rate limit first may vary; no assertion depends on it.
 */
class OpenApiFuzzIT {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final String HOSTILE = "\"@@hostile@@\"";

    private static OrderlyApp app;
    private static String cookies;
    private static String bearer;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        ApiClient person = new ApiClient(app.port());
        person.waitForIdentityPass(Duration.ofMinutes(2));
        JsonObject resident = person.get("/api/dev/residents").array().getJsonObject(0);
        assertThat(person.verifyAs(resident).status()).isEqualTo(200);
        person.waitForPass("booking", Duration.ofMinutes(2));
        cookies = person.cookies().getCookieStore().getCookies().stream()
                .map(HttpCookie::toString).collect(Collectors.joining("; "));
        bearer = app.operatorToken();
        // The machine account's one place in the call centre's line exists before the rows are
        // counted, as the person's session does: a join below then finds it, and adds no row.
        assertThat(person.withBearer(bearer).post("/api/operator/agent/gate/join", null).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** One request: what it is for the report, its bytes, and whether it may be accepted. */
    record Probe(String label, byte[] bytes, boolean mayBeAccepted) {
    }

    @Test
    void hostileRequestsToEveryOperationAreRefusedWithProblemsAndChangeNothing() throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(resource("api/openapi.yaml"));
        Map<String, Long> before = rowCounts();
        // The call centre's entries (every request of it is audited) are counted apart from staff changes.
        long auditBefore = count("audit_log WHERE action NOT LIKE 'agent.%'");
        long agentBefore = count("audit_log WHERE action LIKE 'agent.%'");
        List<Probe> probes = new ArrayList<>();
        Set<String> operations = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey())) {
                    operations.add(op.getKey().toUpperCase() + " " + path.getKey());
                    if (!op.getValue().path("responses").path("200").path("content").path("text/event-stream").isMissingNode()) {
                        // A stream never ends, so the exchange cannot read it to the end; it takes no input to fuzz.
                        continue;
                    }
                    probes.addAll(new Operation(spec, path.getKey(), path.getValue(), op.getKey(), op.getValue()).probes());
                }
            }
        }

        List<String> wrong = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        // A few at a time, as several clients would send them: the machine's cores are shared, the waits are not.
        List<RawHttp.Answer> answers;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<RawHttp.Answer>> pending = new ArrayList<>();
            for (Probe probe : probes) {
                pending.add(pool.submit(() -> RawHttp.exchange(app.port(), probe.bytes())));
            }
            answers = new ArrayList<>();
            for (var p : pending) {
                answers.add(p.get());
            }
        }
        long staffChanges = 0;
        long agentRequests = 0;
        for (int i = 0; i < probes.size(); i++) {
            Probe probe = probes.get(i);
            RawHttp.Answer a = answers.get(i);
            statuses.merge(a.status(), 1, Integer::sum);
            if (probe.label().contains("/api/operator/agent/")) {
                // The call centre's every request is audited, refusals and reads too: counted apart below.
                agentRequests++;
            } else if (a.status() >= 200 && a.status() < 300 && probe.label().matches("(PUT|POST|DELETE) /api/operator/.*")) {
                staffChanges++;
            }
            String problem = problemDefect(a);
            if (problem != null) {
                wrong.add(probe.label() + " → " + problem);
            } else if (a.status() < 400 && !probe.mayBeAccepted()) {
                wrong.add(probe.label() + " → accepted: " + a.status() + " " + abbreviate(a.body()));
            }
        }
        System.out.printf("OpenApiFuzzIT: %d operations, %d requests in %d ms, statuses %s%n", operations.size(), probes.size(),
                (System.nanoTime() - started) / 1_000_000, statuses);

        assertThat(operations).hasSizeGreaterThan(30);
        assertThat(wrong).as("hostile requests answered wrongly").isEmpty();
        assertThat(rowCounts()).as("rows per table").isEqualTo(before);
        assertThat(count("staff_unknown_logins WHERE failures > 0 OR locked_until IS NOT NULL"))
                .as("hostile sign-ins counted as failures of logins that do not exist").isEqualTo(count("staff_unknown_logins")).isPositive();
        // A free-text field takes any text, so some staff changes are accepted (a gate paused with
        // a hostile message): each one, and nothing else, is in the audit log, whose chain holds.
        long agentEntries = count("audit_log WHERE action LIKE 'agent.%'") - agentBefore;
        assertThat(count("audit_log WHERE action NOT LIKE 'agent.%'")).as("audit entries").isEqualTo(auditBefore + staffChanges);
        assertThat(agentEntries).as("call-centre entries, at most one per request").isBetween(1L, agentRequests);
        JsonObject verified = new JsonObject(RawHttp.exchange(app.port(), ("GET /api/operator/audit/verify HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + bearer + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8)).body());
        assertThat(verified.getBoolean("ok")).as("%s", verified).isTrue();
    }

    private static long count(String table) throws Exception {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Why {@code a} is not an acceptable answer to a hostile request, or null when it is. */
    static String problemDefect(RawHttp.Answer a) {
        if (a.status() == 0) {
            return "no answer: " + abbreviate(a.body());
        }
        if (a.status() >= 500) {
            return a.status() + " " + abbreviate(a.body());
        }
        if (a.status() < 400) {
            return null;
        }
        if (!a.contentType().startsWith("application/problem+json")) {
            return a.status() + " without a problem body: " + a.contentType() + " " + abbreviate(a.body());
        }
        try {
            JsonObject p = new JsonObject(a.body());
            if (p.getString("type") == null || p.getString("title") == null || p.getString("detail") == null
                    || !Integer.valueOf(a.status()).equals(p.getInteger("status"))) {
                return a.status() + " with an incomplete problem: " + abbreviate(a.body());
            }
            ProblemType type = ProblemType.ofType(p.getString("type")).orElse(null);
            if (type == null || type.status() != a.status() || !type.title().equals(p.getString("title"))) {
                return a.status() + " with a problem that is not the catalogue's: " + abbreviate(a.body());
            }
        } catch (RuntimeException e) {
            return a.status() + " with a problem that is not JSON: " + abbreviate(a.body());
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static Map<String, Long> rowCounts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            // Written by the node's gate ticks as time passes (a checkpoint each time the mark moves),
            // not by any request: admitting a ticket the walk above took may add one mid-run.
            tables.remove("gate_checkpoints");
            // Claim marks: every answer that keeps a ticket waiting claims its number (that is what a
            // status poll is for), gathered and written by the node's next tick, a row per number.
            tables.remove("gate_claims");
            // The watchdog's, written by its turns as time passes: a wall of hostile requests may
            // rightly raise an alert (identity checks failing), which is no change by a request.
            tables.removeAll(List.of("watch_lease", "alerts", "alert_outbox"));
            // Grows by one entry for each staff change accepted: counted against those below.
            tables.remove("audit_log");
            // Failed sign-ins of logins no account has are counted here, shared by the nodes: that is
            // the lockout doing its work on hostile logins, checked below.
            tables.remove("staff_unknown_logins");
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        assertThat(counts).containsKeys("reservations", "day_capacity", "outbox", "person_sessions", "cohorts", "residents");
        return counts;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OpenApiFuzzIT.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- hostile values

    /**
     * A hostile JSON value as raw JSON text (some cannot be built as a tree: lone surrogates,
     * 1e999). {@code neverText}: no field may take it (control characters, unpaired surrogates).
     */
    record Hostile(String name, String json, boolean neverText) {

        Hostile(String name, String json) {
            this(name, json, false);
        }

        boolean isString() {
            return json.startsWith("\"");
        }
    }

    static List<Hostile> hostileJson() {
        List<Hostile> values = new ArrayList<>();
        for (Hostile h : hostileStrings()) {
            values.add(new Hostile(h.name(), quote(h.json()), h.neverText()));
        }
        values.add(new Hostile("zero", "0"));
        values.add(new Hostile("minus one", "-1"));
        values.add(new Hostile("int overflow", "2147483648"));
        values.add(new Hostile("long max", "9223372036854775807"));
        values.add(new Hostile("long overflow", "9223372036854775808"));
        values.add(new Hostile("huge integer", "1" + "0".repeat(400)));
        values.add(new Hostile("1e999", "1e999"));
        values.add(new Hostile("fraction", "1.5"));
        values.add(new Hostile("true", "true"));
        values.add(new Hostile("empty array", "[]"));
        values.add(new Hostile("array of NUL", "[\"\\u0000\"]"));
        values.add(new Hostile("empty object", "{}"));
        values.add(new Hostile("object", "{\"a\":1}"));
        values.add(new Hostile("deep array", "[".repeat(500) + "]".repeat(500)));
        values.add(new Hostile("deep object", "{\"a\":".repeat(500) + "1" + "}".repeat(500)));
        return values;
    }

    /** Hostile strings, as the characters of a JSON string literal's inside (escapes allowed). */
    static List<Hostile> hostileStrings() {
        return List.of(
                new Hostile("empty", ""),
                new Hostile("blank", "   "),
                new Hostile("NUL", "\\u0000", true),
                new Hostile("NUL inside", "PFZ\\u0000", true),
                new Hostile("control characters", "\\u0001\\u001b[31m\\u007f", true),
                new Hostile("lone high surrogate", "\\ud800", true),
                new Hostile("very long", "x".repeat(5_000)),
                new Hostile("far-future date", "+999999999-12-31"),
                new Hostile("far-past date", "-999999999-01-01"),
                new Hostile("year 0", "0000-01-01"),
                new Hostile("impossible date", "2030-02-30"),
                new Hostile("far-future instant", "+1000000000-01-01T00:00:00Z"),
                new Hostile("markup", "<script>alert(1)</script>"),
                new Hostile("sql", "' OR 1=1 --"),
                new Hostile("other digits", "١٢٣٤٥٦"));
    }

    private static String quote(String inside) {
        return "\"" + inside + "\"";
    }

    /** The Java string a JSON string literal's inside stands for (lone surrogates kept). */
    static String unescape(String inside) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < inside.length(); i++) {
            char c = inside.charAt(i);
            if (c == '\\' && i + 5 < inside.length() && inside.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(inside.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code s} as UTF-8 bytes; a lone surrogate becomes its three-byte encoding, which is not UTF-8. */
    static byte[] rawUtf8(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1)))) {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toByteArray();
    }

    static String percentEncode(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int v = b & 0xFF;
            if ((v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9') || v == '-' || v == '_' || v == '.') {
                out.append((char) v);
            } else {
                out.append('%').append(String.format("%02X", v));
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- one operation

    /** One operation of the description and the hostile requests made from it. */
    static final class Operation {

        private final JsonNode spec;
        private final String path;
        private final String method;
        private final List<JsonNode> parameters = new ArrayList<>();
        private final JsonNode bodySchema;
        private final String bodyType;
        private final JsonNode requestBody;
        private boolean authenticated = true;

        Operation(JsonNode spec, String path, JsonNode pathItem, String method, JsonNode op) {
            this.spec = spec;
            this.path = path;
            this.method = method.toUpperCase();
            for (JsonNode list : new JsonNode[] {pathItem.get("parameters"), op.get("parameters")}) {
                if (list != null) {
                    list.forEach(p -> parameters.add(resolve(p)));
                }
            }
            requestBody = op.path("requestBody");
            JsonNode content = requestBody.path("content");
            if (content.has("application/json")) {
                bodyType = "application/json";
                bodySchema = resolve(content.get("application/json").path("schema"));
            } else if (content.has("text/csv")) {
                bodyType = "text/csv";
                bodySchema = null;
            } else {
                bodyType = null;
                bodySchema = null;
            }
        }

        List<Probe> probes() {
            List<Probe> probes = new ArrayList<>();
            Map<String, String> values = baselineParameters();
            String baselineBody = baselineBody();
            probes.add(probe("baseline", values, Map.of(), baselineBody, bodyType, true));

            for (JsonNode p : parameters) {
                String name = p.get("name").asText();
                for (Hostile h : hostileStrings()) {
                    Map<String, String> changed = new LinkedHashMap<>(values);
                    changed.put(name, unescape(h.json()));
                    // An empty path segment makes another path (/api/operator/gates/ lists the gates).
                    boolean mayBeAccepted = isFreeText(p.path("schema")) && !h.neverText()
                            || "path".equals(p.path("in").asText()) && h.json().isEmpty();
                    probes.add(probe(name + "=" + h.name(), changed, Map.of(), baselineBody, bodyType, mayBeAccepted));
                }
            }
            if (bodySchema != null) {
                ObjectNode baseline = (ObjectNode) baseline(bodySchema, "");
                for (Map.Entry<String, JsonNode> slot : slots(bodySchema, "").entrySet()) {
                    for (Hostile h : hostileJson()) {
                        String body = withHostile(baseline, slot.getKey()).replace(HOSTILE, h.json());
                        boolean mayBeAccepted = h.isString() && !h.neverText() && isFreeText(slot.getValue());
                        probes.add(probe("body " + slot.getKey() + "=" + h.name(), values, Map.of(), body, bodyType, mayBeAccepted));
                    }
                }
                boolean required = requestBody.path("required").asBoolean(false);
                probes.addAll(brokenBodies(values, baseline, required));
                // The same without session or operator token: refused for that or for the body, never worse.
                authenticated = false;
                brokenBodies(values, baseline, required).forEach(p -> probes.add(new Probe("anonymous " + p.label(), p.bytes(), false)));
                authenticated = true;
            }
            if ("text/csv".equals(bodyType)) {
                for (Hostile h : hostileStrings()) {
                    probes.add(probe("csv name=" + h.name(), values, Map.of(), "1,"
                            + unescape(h.json()).replace(",", "") + ",1964-01-01,fuzz\n", bodyType, false));
                }
                probes.add(rawBodyProbe("csv not UTF-8", values, bodyType, new byte[] {'1', ',', (byte) 0xC3, 0x28, ',', '1', '\n'}));
            }
            probes.addAll(hostileQueries(values, baselineBody));
            return probes;
        }

        /**
         * A field of free text (a name, a filter, a message): any printable text is a value it may
         * take, markup and SQL included (they are data, never code, to Orderly).
         */
        private boolean isFreeText(JsonNode schema) {
            schema = resolve(schema);
            return "string".equals(schema.path("type").asText()) && !schema.has("format") && !schema.has("pattern")
                    && !schema.has("enum");
        }

        private List<Probe> hostileQueries(Map<String, String> values, String body) {
            List<Probe> probes = new ArrayList<>();
            String[][] queries = {
                    {"NUL in an unknown query parameter", "fuzz=%00"},
                    {"not UTF-8 in the query", "fuzz=%C3%28"},
                    {"lone byte in the query", "fuzz=%FF"},
                    {"broken percent escape", "fuzz=%ZZ%"},
                    {"over-long request line", "fuzz=" + "x".repeat(10_000)}};
            for (String[] q : queries) {
                String target = target(values);
                probes.add(rawProbe("query " + q[0], target + (target.contains("?") ? "&" : "?") + q[1], Map.of(), body, bodyType));
            }
            probes.add(rawProbe("over-long header", target(values), Map.of("X-Fuzz", "x".repeat(20_000)), body, bodyType));
            probes.add(rawProbe("NUL byte in a header", target(values), Map.of("X-Fuzz", "a\u0000b"), body, bodyType));
            probes.add(new Probe(label("anonymous baseline"), request(target(values), Map.of(), bodyBytes(body), bodyType, false), true));
            return probes;
        }

        /**
         * Bodies broken as a whole. Jackson's lenient reading takes a byte order mark, comments
         * and duplicate keys (the last wins); one parser reads every body, so no two readers can
         * disagree about what was sent, and such a body is judged on its values like any other.
         */
        private List<Probe> brokenBodies(Map<String, String> values, ObjectNode baseline, boolean bodyRequired) {
            List<Probe> probes = new ArrayList<>();
            String json = baseline.toString();
            String[][] bodies = {
                    {"empty body", ""},
                    {"truncated JSON", json.substring(0, json.length() / 2)},
                    {"array body", "[" + json + "]"},
                    {"string body", "\"x\""},
                    {"null body", "null"},
                    {"number body", "1e999"},
                    {"deeply nested body", "[".repeat(5_000) + "]".repeat(5_000)},
                    {"deeply nested object body", "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000)},
                    {"duplicate keys", duplicateKeys(json)},
                    {"byte order mark", "\uFEFF" + json},
                    {"trailing garbage", json + "}"},
                    {"comments", "/*x*/" + json},
                    {"NUL key", "{\"\\u0000\":1}"},
                    {"over-large body", "{\"x\":\"" + "가".repeat(400_000) + "\"}"}};
            Set<String> lenient = Set.of("byte order mark", "comments", "duplicate keys");
            for (String[] b : bodies) {
                boolean mayBeAccepted = lenient.contains(b[0]) || "empty body".equals(b[0]) && !bodyRequired;
                probes.add(probe(b[0], values, Map.of(), b[1], "application/json", mayBeAccepted));
            }
            probes.add(probe("text/plain body", values, Map.of(), json, "text/plain", false));
            byte[] notUtf8 = json.replaceFirst("\"([^\"]*)\"", "\"@\"").getBytes(StandardCharsets.UTF_8);
            int at = new String(notUtf8, StandardCharsets.ISO_8859_1).indexOf('@');
            byte[][] badBytes = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
            for (byte[] bad : badBytes) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(notUtf8, 0, at);
                out.writeBytes(bad);
                out.write(notUtf8, at + 1, notUtf8.length - at - 1);
                probes.add(rawBodyProbe("not UTF-8 in a key: " + percentEncode(bad), values, "application/json", out.toByteArray()));
            }
            probes.add(chunkedProbe("chunk size not hex", values, "zz\r\n{}\r\n0\r\n\r\n"));
            probes.add(chunkedProbe("chunk size overflow", values, "fffffffffffffffffff\r\n{}\r\n0\r\n\r\n"));
            probes.add(chunkedProbe("chunk without its line end", values, "2\r\n{}XX3\r\n"));
            return probes;
        }

        private static String duplicateKeys(String json) {
            int colon = json.indexOf(':');
            if (colon < 0) {
                return "{\"a\":1,\"a\":2}";
            }
            int comma = json.indexOf(',');
            String first = json.substring(1, comma > 0 ? comma : json.length() - 1);
            return "{" + first + "," + json.substring(1);
        }

        private Map<String, String> baselineParameters() {
            Map<String, String> values = new LinkedHashMap<>();
            for (JsonNode p : parameters) {
                String name = p.get("name").asText();
                String value = switch (name) {
                    case "gate" -> "identity";
                    case "login" -> "fuzz-nobody";
                    case "provider" -> "sms";
                    case "id" -> path.startsWith("/api/operator/") ? "fuzz-cohort" : path.startsWith("/api/clinics/") ? "1" : "f".repeat(36);
                    case "birthDate" -> "1964-03-15";
                    case "clinicId" -> "999999";
                    case "from" -> path.startsWith("/api/operator/audit") ? "2030-01-01T00:00:00Z" : "2030-01-01";
                    case "to" -> "2030-01-02T00:00:00Z";
                    case "actor", "action", "target" -> "fuzz";
                    case "before" -> "1000";
                    case "after" -> "0";
                    case "limit" -> "10";
                    case "filename" -> "fuzz.csv";
                    case "days", "count" -> "1";
                    case "offset", "_offset" -> "0";
                    case "_count" -> "2";
                    case "location" -> "999999";
                    case "file" -> "Slot.ndjson";
                    case "date" -> "2030-01-01";
                    case "q" -> "OR-FUZZ0000";
                    case "name" -> "없는사람";
                    case "province" -> "서울특별시";
                    case "district" -> "종로구";
                    case "replace" -> "false";
                    case "phone" -> "010-0000-0000";
                    case "Orderly-Ticket" -> "k1.Zm9yZ2Vk.AAAA";
                    // A leftover-dose offer nobody was made: shown and claimed as not found.
                    case "token" -> "f".repeat(32);
                    case "Idempotency-Key" -> null;
                    default -> throw new AssertionError("no baseline value for parameter " + name + " of " + method + " " + path);
                };
                if (value != null) {
                    values.put(name, value);
                }
            }
            return values;
        }

        private String baselineBody() {
            if ("text/csv".equals(bodyType)) {
                return "1,없는사람,1964-01-01,fuzz\n";
            }
            return bodySchema == null ? null : baseline(bodySchema, "").toString();
        }

        /** A harmless value for {@code schema}: valid where it matters, refused late or a no-op as a whole. */
        private JsonNode baseline(JsonNode schema, String field) {
            schema = resolve(schema);
            JsonNodeFactory f = JsonNodeFactory.instance;
            if (schema.has("allOf")) {
                ObjectNode merged = f.objectNode();
                schema.get("allOf").forEach(part -> merged.setAll((ObjectNode) baseline(part, field)));
                return merged;
            }
            String type = schema.path("type").asText("object");
            switch (type) {
                case "object" -> {
                    ObjectNode o = f.objectNode();
                    schema.path("properties").properties().forEach(e -> o.set(e.getKey(), baseline(e.getValue(), e.getKey())));
                    return o;
                }
                case "array" -> {
                    ArrayNode a = f.arrayNode();
                    a.add(baseline(schema.path("items"), field));
                    return a;
                }
                case "integer" -> {
                    return f.numberNode(switch (field) {
                        case "clinicId" -> 999_999;
                        case "group" -> -1;
                        case "digitIndex" -> 7;
                        case "passLifetimeSeconds" -> 600;
                        case "maxPollSeconds" -> 60;
                        default -> 1;
                    });
                }
                case "number" -> {
                    return f.numberNode(field.equals("decreaseFactor") ? 0.5 : 1.0);
                }
                case "boolean" -> {
                    return f.booleanNode(false);
                }
                default -> {
                    return f.textNode(switch (field) {
                        case "day", "from", "to" -> "2030-01-01";
                        case "birthDate" -> "1964-01-01";
                        // Born after the range ends: the cohort is refused as a whole, after every field is read.
                        case "bornFrom" -> "2000-01-01";
                        case "bornTo" -> "1990-01-01";
                        case "opensAt", "joinFrom" -> "2030-01-01T00:00:00Z";
                        case "closesAt" -> "2030-01-02T00:00:00Z";
                        case "product", "products" -> "PFZ";
                        case "name" -> "없는사람";
                        case "phone" -> "010-0000-0000";
                        case "code" -> "123456";
                        case "policy" -> "FIXED_RATE";
                        case "mapping" -> "0123456789";
                        default -> "fuzz";
                    });
                }
            }
        }

        /** JSON pointers of every leaf and every nested value of {@code schema}, each with its schema. */
        private Map<String, JsonNode> slots(JsonNode schema, String at) {
            schema = resolve(schema);
            Map<String, JsonNode> slots = new LinkedHashMap<>();
            if (schema.has("allOf")) {
                for (JsonNode part : schema.get("allOf")) {
                    slots.putAll(slots(part, at));
                }
                return slots;
            }
            String type = schema.path("type").asText("object");
            if ("object".equals(type)) {
                for (Map.Entry<String, JsonNode> e : schema.path("properties").properties()) {
                    String child = at + "/" + e.getKey();
                    slots.put(child, e.getValue());
                    slots.putAll(slots(e.getValue(), child));
                }
            } else if ("array".equals(type)) {
                slots.put(at + "/0", schema.path("items"));
                slots.putAll(slots(schema.path("items"), at + "/0"));
            }
            return slots;
        }

        private static String withHostile(ObjectNode baseline, String slot) {
            ObjectNode copy = baseline.deepCopy();
            int cut = slot.lastIndexOf('/');
            JsonNode parent = cut == 0 ? copy : copy.at(slot.substring(0, cut));
            String last = slot.substring(cut + 1);
            if (parent instanceof ObjectNode o) {
                o.put(last, "@@hostile@@");
            } else if (parent instanceof ArrayNode a) {
                a.set(Integer.parseInt(last), JsonNodeFactory.instance.textNode("@@hostile@@"));
            }
            return copy.toString();
        }

        private JsonNode resolve(JsonNode node) {
            while (node != null && node.has("$ref")) {
                node = spec.at(node.get("$ref").asText().substring(1));
            }
            return node;
        }

        // ------------------------------------------------------------ building requests

        private String label(String what) {
            return method + " " + path + " [" + what + "]";
        }

        private String target(Map<String, String> values) {
            String p = path;
            StringBuilder query = new StringBuilder();
            for (JsonNode param : parameters) {
                String name = param.get("name").asText();
                String value = values.get(name);
                if (value == null) {
                    continue;
                }
                String encoded = percentEncode(rawUtf8(value));
                switch (param.get("in").asText()) {
                    case "path" -> p = p.replace("{" + name + "}", encoded);
                    case "query" -> query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(encoded);
                    default -> {
                    }
                }
            }
            return p + query;
        }

        private Map<String, String> headers(Map<String, String> values) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (JsonNode param : parameters) {
                String name = param.get("name").asText();
                if ("header".equals(param.get("in").asText()) && values.containsKey(name)) {
                    headers.put(name, values.get(name));
                }
            }
            return headers;
        }

        private Probe probe(String what, Map<String, String> values, Map<String, String> extraHeaders, String body, String contentType,
                            boolean mayBeAccepted) {
            Map<String, String> headers = new LinkedHashMap<>(headers(values));
            headers.putAll(extraHeaders);
            return new Probe(label(what), request(target(values), headers, bodyBytes(body), contentType, authenticated), mayBeAccepted);
        }

        private Probe rawProbe(String what, String target, Map<String, String> headers, String body, String contentType) {
            return new Probe(label(what), request(target, headers, bodyBytes(body), contentType, authenticated), false);
        }

        private Probe rawBodyProbe(String what, Map<String, String> values, String contentType, byte[] body) {
            return new Probe(label(what), request(target(values), headers(values), body, contentType, authenticated), false);
        }

        private Probe chunkedProbe(String what, Map<String, String> values, String chunks) {
            StringBuilder head = head(target(values), headers(values), "application/json", authenticated);
            head.append("\r\nTransfer-Encoding: chunked");
            return new Probe(label(what), RawHttp.request(head.toString(), chunks.getBytes(StandardCharsets.ISO_8859_1)), false);
        }

        private static byte[] bodyBytes(String body) {
            return body == null ? null : rawUtf8(body);
        }

        private byte[] request(String target, Map<String, String> headers, byte[] body, String contentType, boolean authenticated) {
            StringBuilder head = head(target, headers, contentType, authenticated);
            if (body != null) {
                head.append("\r\nContent-Length: ").append(body.length);
            } else if (!"GET".equals(method) && !"DELETE".equals(method)) {
                head.append("\r\nContent-Length: 0");
            }
            return RawHttp.request(head.toString(), body == null ? new byte[0] : body);
        }

        private StringBuilder head(String target, Map<String, String> headers, String contentType, boolean authenticated) {
            StringBuilder head = new StringBuilder();
            // The request line and headers go out as the bytes of their UTF-8 text: what a raw client can send.
            head.append(method).append(' ').append(latin1(target)).append(" HTTP/1.1\r\nHost: 127.0.0.1");
            if (authenticated) {
                head.append("\r\nCookie: ").append(latin1(cookies)).append("\r\nAuthorization: Bearer ").append(bearer);
            }
            if (contentType != null) {
                head.append("\r\nContent-Type: ").append(contentType);
            }
            headers.forEach((name, value) -> head.append("\r\n").append(name).append(": ").append(latin1(value)));
            return head;
        }

        private static String latin1(String s) {
            return new String(rawUtf8(s), StandardCharsets.ISO_8859_1);
        }
    }
}
