package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The audit trail end to end: an operator's changes over HTTP (a gate paused and resumed, capacity
 * set, a special-group list uploaded, a cohort created and removed) each appear in
 * {@code /api/operator/audit} with actor, role, address, before and after, and in the CSV; the
 * chain verifies, until a superuser edits a row behind the triggers' back, which the API and the
 * command line then name. A change whose entry cannot be written stands and is answered 503. The tampering runs last: it breaks this database's chain for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;

    private static OrderlyApp app;
    private static ApiClient operator;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC());
        operator = new ApiClient(app.port()).withBearer(TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static List<JsonObject> entries(String query) {
        ApiClient.Answer a = operator.get("/api/operator/audit" + query);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<JsonObject> list = new ArrayList<>();
        a.json().getJsonArray("entries").forEach(e -> list.add((JsonObject) e));
        return list;
    }

    @Test
    @Order(1)
    void pausingAndResumingAGateAreRecordedWithWhoWhereBeforeAndAfter() {
        assertThat(operator.post("/api/operator/gates/identity/pause", new JsonObject().put("message", "점검 중 / maintenance until 21:00"))
                .status()).isEqualTo(200);
        assertThat(operator.post("/api/operator/gates/identity/resume", new JsonObject()).status()).isEqualTo(200);

        JsonObject pause = entries("?action=gate.pause").getFirst();
        assertThat(pause.getString("actor")).isEqualTo("machine:operator");
        assertThat(pause.getString("role")).isEqualTo("operator");
        assertThat(pause.getString("target")).isEqualTo("gate:identity");
        assertThat(pause.getString("address")).isEqualTo("127.0.0.1");
        assertThat(pause.getJsonObject("before").getString("mode")).isEqualTo("ACTIVE");
        assertThat(pause.getJsonObject("after").getString("mode")).isEqualTo("PAUSED");
        assertThat(pause.getJsonObject("after").getString("message")).isEqualTo("점검 중 / maintenance until 21:00");
        assertThat(pause.getString("hash")).matches("[0-9a-f]{64}");

        List<JsonObject> onTheGate = entries("?target=gate:identity");
        assertThat(onTheGate).extracting(e -> e.getString("action")).containsExactly("gate.resume", "gate.pause");
        assertThat(onTheGate.get(0).getJsonObject("before").getString("mode")).isEqualTo("PAUSED");
        assertThat(onTheGate.get(0).getLong("sequence")).isEqualTo(onTheGate.get(1).getLong("sequence") + 1);
    }

    @Test
    @Order(2)
    void settingCapacityIsRecordedWithTheBucketsBeforeAndAfter() {
        String product = productOf(3);
        JsonObject set = new JsonObject().put("clinicId", 3).put("product", product).put("from", "2031-05-01").put("to", "2031-05-02")
                .put("capacity", 40);
        assertThat(operator.put("/api/operator/capacity", set).status()).isEqualTo(200);
        assertThat(operator.put("/api/operator/capacity", set.copy().put("capacity", 55)).status()).isEqualTo(200);

        JsonObject entry = entries("?action=capacity.set&target=clinic:3/").getFirst();
        assertThat(entry.getString("target")).isEqualTo("clinic:3/capacity/" + product + "/2031-05-01..2031-05-02");
        assertThat(entry.getJsonObject("before").getJsonArray("buckets").stream().map(JsonObject.class::cast)
                .filter(b -> b.getValue("group") == null).map(b -> b.getInteger("capacity")).toList()).containsExactly(40, 40);
        assertThat(entry.getJsonObject("after").getJsonArray("buckets").stream().map(JsonObject.class::cast)
                .filter(b -> b.getValue("group") == null).map(b -> b.getInteger("capacity")).toList()).containsExactly(55, 55);
    }

    @Test
    @Order(3)
    void anUploadedListIsRecordedByNameSizeAndDigestNeverByItsRows() throws Exception {
        String list = residentsCsv(3);
        byte[] bytes = list.getBytes(StandardCharsets.UTF_8);
        ApiClient.Answer stored = operator.postRaw("/api/operator/special-groups?filename=carers-2031.csv", "text/csv", list);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        assertProblem(operator.postRaw("/api/operator/special-groups", "text/csv", list + "999999,없는사람,1980-01-01,carers\n"), 422, "rejected-rows");
        assertProblem(operator.postRaw("/api/operator/special-groups?filename=", "text/csv", list), 400, "bad-request");

        List<JsonObject> uploads = entries("?action=special-group.upload");
        assertThat(uploads).hasSize(1);
        JsonObject entry = uploads.getFirst();
        assertThat(entry.getString("target")).isEqualTo("special-groups:carers");
        assertThat(entry.getJsonObject("before").getJsonObject("members").getInteger("carers")).isZero();
        JsonObject after = entry.getJsonObject("after");
        assertThat(after.getJsonObject("members").getInteger("carers")).isEqualTo(3);
        assertThat(after.getInteger("accepted")).isEqualTo(3);
        assertThat(after.getJsonObject("file")).isEqualTo(new JsonObject().put("name", "carers-2031.csv").put("bytes", bytes.length)
                .put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))));
        // Names and birth dates (the demo's resident ids are small numbers, found anywhere).
        for (String line : list.lines().toList()) {
            String[] fields = line.split(",");
            assertThat(entry.encode()).doesNotContain(fields[1]).doesNotContain(fields[2]);
        }
    }

    @Test
    @Order(4)
    void cohortsCreatedAndRemovedAreRecordedAndRefusedChangesAreNot() {
        JsonObject cohort = new JsonObject().put("name", "=cmd|' /C calc'!A0").put("bornFrom", "1950-01-01").put("bornTo", "1960-12-31")
                .put("products", new JsonArray().add("PFZ"))
                .put("windows", new JsonArray().add(new JsonObject().put("opensAt", "2031-07-19T11:00:00Z").put("closesAt", "2031-07-24T09:00:00Z")));
        assertThat(operator.put("/api/operator/cohorts/audit-test", cohort).status()).isEqualTo(201);
        assertProblem(operator.put("/api/operator/cohorts/audit-test", cohort.copy().put("bornTo", "1940-01-01")), 422, "invalid-cohort");
        assertThat(operator.delete("/api/operator/cohorts/audit-test").status()).isEqualTo(204);

        List<JsonObject> onIt = entries("?target=cohort:audit-test");
        assertThat(onIt).extracting(e -> e.getString("action")).containsExactly("cohort.delete", "cohort.create");
        assertThat(onIt.get(0).getJsonObject("before").getString("name")).isEqualTo("=cmd|' /C calc'!A0");
        assertThat(onIt.get(0).getValue("after")).isNull();
        assertThat(onIt.get(1).getValue("before")).isNull();
    }

    @Test
    @Order(5)
    void theCsvHoldsTheSameEntriesWithAHeaderAndNoLiveFormula() {
        ApiClient.Answer csv = operator.get("/api/operator/audit.csv?from=2000-01-01T00:00:00Z");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).isEqualTo("text/csv; charset=utf-8");
        assertThat(csv.header("Content-Disposition")).contains("attachment");
        assertThat(csv.body()).startsWith("\uFEFFsequence,at,actor,role,action,target,before,after,address,previous_hash,hash\r\n");
        List<String> rows = csv.body().lines().skip(1).toList();
        long total = operator.get("/api/operator/audit/verify").json().getLong("entries");
        assertThat(rows).hasSize((int) total);
        assertThat(rows).anyMatch(r -> r.startsWith("1,") && r.contains(",machine:operator,operator,gate.pause,gate:identity,"));
        assertThat(rows).anyMatch(r -> r.contains(",capacity.set,clinic:3/capacity/"));
        assertThat(rows).anyMatch(r -> r.contains(",special-group.upload,special-groups:carers,"));
        // The cohort's name is inside a JSON cell (starting with '{'), so it cannot start a formula.
        assertThat(rows).allMatch(r -> !r.contains(",=") && !r.contains(",\"="));

        ApiClient.Answer pauses = operator.get("/api/operator/audit.csv?action=gate.pause");
        assertThat(pauses.body().lines().count()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void pagesRunNewestFirstAndLinkToTheirNeighbours() {
        List<JsonObject> all = entries("?limit=1000");
        assertThat(all.size()).isGreaterThanOrEqualTo(7);
        JsonObject page = operator.get("/api/operator/audit?limit=3").json();
        assertThat(page.getJsonArray("entries")).hasSize(3);
        assertThat(page.getValue("newer")).isNull();
        long older = page.getLong("older");
        assertThat(older).isEqualTo(all.get(2).getLong("sequence"));

        JsonObject next = operator.get("/api/operator/audit?limit=3&before=" + older).json();
        assertThat(next.getJsonArray("entries").getJsonObject(0).getLong("sequence")).isEqualTo(older - 1);
        JsonObject back = operator.get("/api/operator/audit?limit=3&after=" + next.getLong("newer")).json();
        assertThat(back.getJsonArray("entries")).isEqualTo(page.getJsonArray("entries"));
        assertThat(operator.get("/api/operator/audit?limit=2&after=0").json().getJsonArray("entries").getJsonObject(1).getLong("sequence"))
                .isEqualTo(1);
    }

    @Test
    @Order(7)
    void badFiltersAreProblemsAndStrangersReadNothing() {
        for (String bad : List.of("?limit=0", "?limit=5000", "?limit=x", "?from=yesterday", "?to=2031-01-01", "?before=-3", "?after=1e3",
                "?actor=a&actor=b", "?from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z", "?target=" + "x".repeat(201))) {
            assertProblem(operator.get("/api/operator/audit" + bad), 400, "bad-request");
            assertProblem(operator.get("/api/operator/audit.csv" + bad), 400, "bad-request");
        }
        ApiClient stranger = new ApiClient(app.port());
        assertProblem(stranger.get("/api/operator/audit"), 401, "operator-only");
        assertProblem(stranger.get("/api/operator/audit.csv"), 401, "operator-only");
        assertProblem(stranger.get("/api/operator/audit/verify"), 401, "operator-only");
    }

    @Test
    @Order(8)
    void aChangeWhoseEntryCannotBeWrittenStandsAndTheOperatorIsTold() throws Exception {
        long entriesBefore = entries("?limit=1000").size();
        sql("CREATE FUNCTION audit_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
                "CREATE TRIGGER audit_test_refuse BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_test_refuse()");
        ApiClient.Answer paused;
        try {
            paused = operator.post("/api/operator/gates/booking/pause", new JsonObject().put("message", "audit down"));
        } finally {
            sql("DROP TRIGGER audit_test_refuse ON audit_log", "DROP FUNCTION audit_test_refuse()");
        }

        assertProblem(paused, 503, "audit-unrecorded");
        assertThat(paused.json().getBoolean("changed")).isTrue();
        assertThat(paused.json().getString("detail")).contains("'gate.pause' on 'gate:booking' was made but not written to the audit log");
        // The list answers the gates as saved (one gate's answer is the node's view, a tick behind).
        assertThat(operator.get("/api/operator/gates").array().stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("name").equals("booking")).findFirst().orElseThrow().getString("mode")).isEqualTo("PAUSED");
        assertThat(entries("?limit=1000")).hasSize((int) entriesBefore);
        assertThat(operator.post("/api/operator/gates/booking/resume", new JsonObject()).status()).isEqualTo(200);
        assertThat(entries("?action=gate.resume&target=gate:booking").getFirst().getJsonObject("before").getString("message"))
                .isEqualTo("audit down");
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    @Order(9)
    void theIntactChainVerifies() {
        JsonObject v = operator.get("/api/operator/audit/verify").json();
        assertThat(v.getBoolean("ok")).as("%s", v).isTrue();
        assertThat(v.getLong("entries")).isEqualTo(v.getJsonObject("head").getLong("sequence")).isGreaterThanOrEqualTo(7);
        assertThat(v.containsKey("firstBroken")).isFalse();
    }

    @Test
    @Order(10)
    void aRowEditedBehindTheTriggersBackIsNamedByTheApiAndTheCommandLine() throws Exception {
        long capacity = entries("?action=capacity.set").getFirst().getLong("sequence");
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("UPDATE audit_log SET after_state = replace(after_state, '55', '5') WHERE seq = " + capacity);
        }

        JsonObject v = operator.get("/api/operator/audit/verify").json();
        assertThat(v.getBoolean("ok")).isFalse();
        assertThat(v.getLong("entries")).isEqualTo(capacity - 1);
        assertThat(v.getJsonObject("firstBroken")).isEqualTo(new JsonObject().put("sequence", capacity)
                .put("reason", "entry " + capacity + " does not match its own hash: it was edited after it was written, or forged"));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status = AuditTool.run(new String[] {"verify"},
                TestApp.settings(Map.of("ORDERLY_DATABASE_URL", app.database().jdbcUrl())), new PrintStream(printed, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(status).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("audit log BROKEN at entry " + capacity + ":");
    }

    private static String productOf(long clinicId) {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT product FROM clinic_products WHERE clinic_id = " + clinicId + " ORDER BY product LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String residentsCsv(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, birth_date FROM residents ORDER BY id LIMIT " + n)) {
            while (rs.next()) {
                sb.append(rs.getLong(1)).append(',').append(rs.getString(2)).append(',').append(rs.getDate(3).toLocalDate()).append(",carers\n");
            }
        }
        return sb.toString();
    }
}
