package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's cohorts, windows, special-group lists and capacity over HTTP. Every bad request
 * gets a 4xx problem and leaves every table as it was.
 */
class OperatorBookingHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    /** Tables and the columns that only requests change (the outbox relay marks messages sent in the background). */
    private static final String[] TABLES = {"cohorts", "cohort_windows", "special_group_members", "day_capacity", "reservations",
        "request_keys", "(SELECT id, kind, person_id, reference, body FROM outbox) AS"};

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

    private static JsonObject cohort() {
        return new JsonObject().put("name", "Teachers").put("bornFrom", "1950-01-01").put("bornTo", "2003-12-31")
                .put("products", new JsonArray().add("PFZ")).put("specialGroup", "teachers")
                .put("rotation", new JsonObject().put("digitIndex", 7).put("mapping", "0123456789"))
                .put("windows", new JsonArray().add(new JsonObject().put("opensAt", "2030-07-19T11:00:00Z").put("closesAt", "2030-07-24T09:00:00Z")));
    }

    @Test
    void theIntegrityCheckCountsEachKindOfFindingAndIsForOperatorsOnly() {
        ApiClient citizen = new ApiClient(app.port());
        assertProblem(citizen.get("/api/operator/integrity"), 401, "operator-only");
        ApiClient.Answer check = operator.get("/api/operator/integrity");
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.json().getMap()).containsEntry("clean", true).containsEntry("overbookedBuckets", 0)
                .containsEntry("peopleWithTwoAppointments", 0).containsEntry("countMismatches", 0);
        assertThat(check.json().getJsonArray("findings")).isEmpty();
    }

    @Test
    void aLoadTestPagesThroughDemoResidentsAndReadsEachOnesCodeByPhone() {
        ApiClient citizen = new ApiClient(app.port());
        JsonArray four = citizen.get("/api/dev/residents?count=4").array();
        assertThat(four).hasSize(4);
        assertThat(citizen.get("/api/dev/residents?count=2&offset=2").array()).isEqualTo(new JsonArray(four.getList().subList(2, 4)));
        assertProblem(citizen.get("/api/dev/residents?count=0"), 400, "bad-request");
        assertProblem(citizen.get("/api/dev/residents?count=100001"), 400, "bad-request");
        assertProblem(citizen.get("/api/dev/residents?offset=-1"), 400, "bad-request");
        assertProblem(citizen.get("/api/dev/residents?count=lots"), 400, "bad-request");

        JsonObject resident = four.getJsonObject(3);
        assertProblem(citizen.get("/api/dev/sms?phone=" + resident.getString("phone")), 404, "no-message");
        citizen.waitForPass("identity", Duration.ofSeconds(30));
        assertThat(citizen.post("/api/identity/challenges", new JsonObject().put("name", resident.getString("name"))
                .put("birthDate", resident.getString("birthDate")).put("phone", resident.getString("phone"))).status()).isEqualTo(201);
        JsonObject message = citizen.get("/api/dev/sms?phone=" + resident.getString("phone").replace("-", "")).json();
        assertThat(message.getString("text")).containsPattern("\\d{6}");
        assertThat(message.getString("to")).doesNotContain(resident.getString("phone").substring(4, 8));
        assertProblem(citizen.get("/api/dev/sms?phone=12345"), 400, "bad-request");
    }

    @Test
    void withoutTheTokenNothingIsServed() {
        ApiClient stranger = new ApiClient(app.port());
        assertProblem(stranger.get("/api/operator/cohorts"), 401, "operator-only");
        assertProblem(stranger.put("/api/operator/cohorts/teachers", cohort()), 401, "operator-only");
        assertProblem(stranger.postRaw("/api/operator/special-groups", "text/csv", "1,a,1980-01-01,teachers"), 401, "operator-only");
        assertProblem(stranger.put("/api/operator/capacity", new JsonObject()), 401, "operator-only");
    }

    @Test
    void badRequestsAreProblemsAndChangeNothing() throws Exception {
        List<String> before = snapshot();
        JsonObject backwards = cohort().put("bornTo", "1940-01-01");
        JsonObject unknownProduct = cohort().put("products", new JsonArray().add("XYZ"));
        JsonObject badWindow = cohort().put("windows", new JsonArray().add(new JsonObject().put("opensAt", "2030-07-24T09:00:00Z")
                .put("closesAt", "2030-07-19T11:00:00Z")));
        JsonObject noWindows = cohort().put("windows", new JsonArray());
        JsonObject badMapping = cohort().put("rotation", new JsonObject().put("digitIndex", 7).put("mapping", "01234"));
        JsonObject badDigit = cohort().put("rotation", new JsonObject().put("digitIndex", 9));
        JsonObject extra = cohort().put("admin", true);
        JsonObject badInstant = cohort().put("windows", new JsonArray().add(new JsonObject().put("opensAt", "tomorrow").put("closesAt", "2030-07-24T09:00:00Z")));
        JsonObject badGroup = cohort().put("specialGroup", "Teachers!");

        assertProblem(operator.put("/api/operator/cohorts/teachers", backwards), 422, "invalid-cohort");
        assertProblem(operator.put("/api/operator/cohorts/teachers", unknownProduct), 422, "unknown-product");
        assertProblem(operator.put("/api/operator/cohorts/teachers", badWindow), 400, "bad-request");
        assertProblem(operator.put("/api/operator/cohorts/teachers", noWindows), 422, "invalid-cohort");
        assertProblem(operator.put("/api/operator/cohorts/teachers", badMapping), 400, "bad-request");
        assertProblem(operator.put("/api/operator/cohorts/teachers", badDigit), 400, "bad-request");
        assertProblem(operator.put("/api/operator/cohorts/teachers", extra), 400, "bad-request");
        assertProblem(operator.put("/api/operator/cohorts/teachers", badInstant), 400, "bad-request");
        assertProblem(operator.put("/api/operator/cohorts/teachers", badGroup), 422, "invalid-cohort");
        assertProblem(operator.put("/api/operator/cohorts/Not_An_Id", cohort()), 400, "bad-request");
        assertProblem(operator.put("/api/operator/cohorts/teachers", "[1]"), 400, "bad-request");
        assertProblem(operator.post("/api/operator/cohorts/nobody/windows",
                new JsonObject().put("opensAt", "2030-07-19T11:00:00Z").put("closesAt", "2030-07-24T09:00:00Z")), 404, "unknown-cohort");
        assertProblem(operator.delete("/api/operator/cohorts/nobody"), 404, "unknown-cohort");

        assertProblem(operator.postRaw("/api/operator/special-groups", "application/json", "{}"), 400, "bad-request");
        assertProblem(operator.postRaw("/api/operator/special-groups?replace=maybe", "text/csv", "1,a,1980-01-01,x"), 400, "bad-request");
        ApiClient.Answer rejected = operator.postRaw("/api/operator/special-groups", "text/csv", csv(2) + "999999,없는사람,1980-01-01,teachers\n");
        assertProblem(rejected, 422, "rejected-rows");
        assertThat(rejected.json().getInteger("accepted")).isEqualTo(2);
        assertThat(rejected.json().getInteger("rejected")).isEqualTo(1);
        assertThat(rejected.json().getJsonArray("rejections").getJsonObject(0).getInteger("line")).isEqualTo(3);

        JsonObject capacity = new JsonObject().put("clinicId", 1).put("product", "PFZ").put("from", "2030-01-01").put("capacity", 10);
        assertProblem(operator.put("/api/operator/capacity", capacity.copy().put("capacity", -1)), 400, "bad-request");
        assertProblem(operator.put("/api/operator/capacity", capacity.copy().put("to", "2029-12-31")), 400, "bad-request");
        assertProblem(operator.put("/api/operator/capacity", capacity.copy().put("group", 10)), 400, "bad-request");
        assertProblem(operator.put("/api/operator/capacity", capacity.copy().put("group", 3).put("splitByRotation", true)), 400, "bad-request");
        assertProblem(operator.put("/api/operator/capacity", capacity.copy().put("product", "XYZ")), 422, "not-offered");
        assertProblem(operator.put("/api/operator/capacity", capacity.copy().put("clinicId", 999_999)), 422, "not-offered");
        assertProblem(operator.get("/api/operator/capacity?clinicId=x&from=2030-01-01"), 400, "bad-request");
        assertProblem(operator.get("/api/operator/capacity?clinicId=1&from=2030-01-01&days=0"), 400, "bad-request");

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void cohortsAndWindowsAreCreatedReplacedExtendedAndRemoved() {
        ApiClient.Answer created = operator.put("/api/operator/cohorts/teachers-2030", cohort());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(operator.put("/api/operator/cohorts/teachers-2030", cohort().put("name", "Teachers and carers")).status()).isEqualTo(200);
        ApiClient.Answer reopened = operator.post("/api/operator/cohorts/teachers-2030/windows", new JsonObject()
                .put("opensAt", "2030-08-09T11:00:00Z").put("closesAt", "2030-08-21T09:00:00Z").put("unbookedOnly", true));
        assertThat(reopened.status()).isEqualTo(201);

        JsonObject listed = operator.get("/api/operator/cohorts").array().stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("id").equals("teachers-2030")).findFirst().orElseThrow();
        assertThat(listed.getString("name")).isEqualTo("Teachers and carers");
        assertThat(listed.getString("specialGroup")).isEqualTo("teachers");
        assertThat(listed.getJsonObject("rotation")).isEqualTo(new JsonObject().put("digitIndex", 7).put("mapping", "0123456789"));
        assertThat(listed.getJsonArray("windows")).hasSize(2);
        assertThat(listed.getJsonArray("windows").getJsonObject(1).getBoolean("unbookedOnly")).isTrue();

        assertThat(operator.delete("/api/operator/cohorts/teachers-2030").status()).isEqualTo(204);
        assertThat(operator.get("/api/operator/cohorts").array().stream().map(JsonObject.class::cast)
                .noneMatch(c -> c.getString("id").equals("teachers-2030"))).isTrue();
    }

    @Test
    void aGoodListIsStoredAndCanReplaceAGroup() throws Exception {
        ApiClient.Answer stored = operator.postRaw("/api/operator/special-groups", "text/csv; charset=utf-8",
                "resident_id,name,birth_date,group\n" + csv(3));
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        assertThat(stored.json().getInteger("accepted")).isEqualTo(3);
        assertThat(operator.get("/api/operator/special-groups").array())
                .contains(new JsonObject().put("group", "carers").put("members", 3));

        ApiClient.Answer replaced = operator.postRaw("/api/operator/special-groups?replace=true", "text/csv", csv(1));
        assertThat(replaced.status()).isEqualTo(201);
        assertThat(operator.get("/api/operator/special-groups").array())
                .contains(new JsonObject().put("group", "carers").put("members", 1));
    }

    @Test
    void aListFarLargerThanAnOrdinaryRequestBodyIsAccepted() throws Exception {
        String list = csv(1_500).replace(",carers\n", ",reservists\n");
        assertThat(list.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isGreaterThan(16_384);

        ApiClient.Answer stored = operator.postRaw("/api/operator/special-groups", "text/csv", list);

        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        assertThat(stored.json().getInteger("accepted")).isEqualTo(1_500);
        assertThat(operator.get("/api/operator/special-groups").array())
                .contains(new JsonObject().put("group", "reservists").put("members", 1_500));
    }

    @Test
    void capacityCanBeSplitAcrossTheRotationAndNeverCutBelowWhatIsBooked() {
        JsonObject split = new JsonObject().put("clinicId", 2).put("product", productOf(2)).put("from", "2031-03-01").put("to", "2031-03-02")
                .put("capacity", 25).put("splitByRotation", true);
        ApiClient.Answer answer = operator.put("/api/operator/capacity", split);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonArray buckets = answer.json().getJsonArray("buckets");
        List<Integer> firstDay = new ArrayList<>();
        buckets.stream().map(JsonObject.class::cast).filter(b -> b.getString("day").equals("2031-03-01") && b.getValue("group") != null)
                .forEach(b -> firstDay.add(b.getInteger("capacity")));
        assertThat(firstDay).containsExactly(3, 3, 3, 3, 3, 2, 2, 2, 2, 2);

        ApiClient citizen = new ApiClient(app.port());
        citizen.waitForIdentityPass(Duration.ofSeconds(20));
        assertThat(citizen.verifyAs(citizen.get("/api/dev/residents").array().getJsonObject(0)).status()).isEqualTo(200);
        citizen.waitForPass("booking", Duration.ofSeconds(20));
        JsonObject choice = BookingHttpIT.choice(citizen, 0);
        choice.remove("province");
        assertThat(citizen.post("/api/reservations", choice).status()).isEqualTo(201);

        ApiClient.Answer cut = operator.put("/api/operator/capacity", new JsonObject().put("clinicId", choice.getLong("clinicId"))
                .put("product", choice.getString("product")).put("from", choice.getString("day")).put("capacity", 0));
        assertProblem(cut, 409, "below-booked");
        JsonObject view = operator.get("/api/operator/capacity?clinicId=" + choice.getLong("clinicId") + "&from=" + choice.getString("day") + "&days=1").json();
        assertThat(view.getJsonArray("buckets").stream().map(JsonObject.class::cast)
                .filter(b -> b.getString("product").equals(choice.getString("product"))).findFirst().orElseThrow().getInteger("booked")).isEqualTo(1);
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

    /** {@code n} real residents as list rows of group "carers". */
    private static String csv(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, birth_date FROM residents ORDER BY id LIMIT " + n)) {
            while (rs.next()) {
                sb.append(rs.getLong(1)).append(',').append(rs.getString(2)).append(',').append(rs.getDate(3).toLocalDate()).append(",carers\n");
            }
        }
        return sb.toString();
    }

    private static List<String> snapshot() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
                        + table + " t")) {
                    rs.next();
                    rows.add(table + "=" + rs.getString(1));
                }
            }
        }
        return rows;
    }
}
