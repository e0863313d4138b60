package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.demo.DemoData;
import dev.orderly.staff.Role;
import dev.orderly.staff.Totp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator's message to many people over HTTP: the preview counts the audience (a cohort, the
 * people booked at a clinic, on a day, for a dose) and shows the text as sent; the send queues one
 * outbox row per person, which the relay delivers to each person's phone (the demo SMS inbox), and
 * is refused, storing nothing, when the audience changed since the preview. Audited; operators only.
 */
class MessageHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";
    private static final long CLINIC = 5;
    /** A clinic of the change test's own, so the other tests' counts stay put. */
    private static final long CLINIC_CHANGING = 6;
    private static final String DAY = "2031-03-10";

    private static Settings settings;
    private static OrderlyApp app;
    private static ApiClient operator;
    private static List<DemoData.Resident> residents;

    @BeforeAll
    static void start() throws Exception {
        settings = TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN));
        app = OrderlyApp.start(settings, Clock.systemUTC());
        operator = new ApiClient(app.port()).withBearer(TOKEN);
        residents = TestResidents.of(settings);
        for (DemoData.Resident r : residents.subList(0, 20)) {
            assertThat(rows("SELECT name || ' ' || birth_date FROM residents WHERE id = " + r.id())).as("the registry's ids are the demo's")
                    .containsExactly(r.name() + " " + r.birthDate());
        }

        // A special-group cohort of three, so its size does not hang on how the demo spreads birth dates.
        StringBuilder csv = new StringBuilder();
        for (DemoData.Resident r : residents.subList(0, 3)) {
            csv.append(r.id()).append(',').append(r.name()).append(',').append(r.birthDate()).append(",msg-carers\n");
        }
        assertThat(operator.postRaw("/api/operator/special-groups", "text/csv", csv.toString()).status()).isEqualTo(201);
        ApiClient.Answer cohort = operator.put("/api/operator/cohorts/msg-carers", new JsonObject().put("name", "Carers")
                .put("bornFrom", "1900-01-01").put("bornTo", "2020-12-31").put("products", new JsonArray().add(productOf(CLINIC)))
                .put("specialGroup", "msg-carers")
                .put("windows", new JsonArray().add(new JsonObject().put("opensAt", "2031-01-01T00:00:00Z").put("closesAt", "2031-12-31T00:00:00Z"))));
        assertThat(cohort.status()).as(cohort.body()).isEqualTo(201);

        // At the clinic: residents 10 (both doses there), 11 (dose 1), 12 (cancelled), 13 (no phone on file).
        String product = productOf(CLINIC);
        sql(reservation("MSGA", 1, residents.get(10).id(), DAY, product, "ACTIVE"),
                reservation("MSGA", 2, residents.get(10).id(), "2031-04-07", product, "ACTIVE"),
                reservation("MSGB", 1, residents.get(11).id(), DAY, product, "ACTIVE"),
                reservation("MSGC", 1, residents.get(12).id(), DAY, product, "CANCELLED"),
                reservation("MSGD", 1, residents.get(13).id(), DAY, product, "ACTIVE"),
                "UPDATE residents SET phone = 'withheld', phone_sealed = NULL, phone_key_id = NULL, phone_hash = NULL WHERE id = "
                        + residents.get(13).id());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String reservation(String reference, int dose, long person, String day, String product, String status) {
        return reservation(CLINIC, reference, dose, person, day, product, status);
    }

    private static String reservation(long clinic, String reference, int dose, long person, String day, String product, String status) {
        return "INSERT INTO reservations (reference, dose, person_id, clinic_id, product, day, grp, status, created_at, changed_at) VALUES ('"
                + reference + "', " + dose + ", " + person + ", " + clinic + ", '" + product + "', '" + day + "', -1, '" + status + "', now(), now())";
    }

    private static JsonObject toClinic(String day, Integer dose) {
        JsonObject audience = new JsonObject().put("clinicId", CLINIC);
        if (day != null) {
            audience.put("day", day);
        }
        if (dose != null) {
            audience.put("dose", dose);
        }
        return audience;
    }

    private static JsonObject message(JsonObject audience, String ko, String en) {
        JsonObject text = new JsonObject().put("ko", ko);
        if (en != null) {
            text.put("en", en);
        }
        return new JsonObject().put("audience", audience).put("text", text);
    }

    @Test
    void thePreviewCountsACohortAndTheBookingsOfAClinicDayOrDoseAndShowsTheTextAsSent() throws Exception {
        List<String> before = outbox();
        JsonObject cohort = operator.post("/api/operator/messages/preview",
                message(new JsonObject().put("cohort", "msg-carers"), "  접종 안내입니다  ", "A note on your vaccination")).json();
        assertThat(cohort.getLong("count")).isEqualTo(3);
        assertThat(cohort.getString("sample")).isEqualTo("[Orderly] 접종 안내입니다\nA note on your vaccination");
        assertThat(cohort.getString("target")).isEqualTo("cohort:msg-carers");

        assertThat(count(toClinic(null, null))).as("10 and 11; 12 cancelled, 13 unreachable, 10 once").isEqualTo(2);
        assertThat(count(toClinic(DAY, null))).isEqualTo(2);
        assertThat(count(toClinic("2031-04-07", null))).isEqualTo(1);
        assertThat(count(toClinic(null, 2))).isEqualTo(1);
        assertThat(count(toClinic(DAY, 2))).isZero();
        assertThat(count(new JsonObject().put("clinicId", 59))).isZero();
        assertThat(operator.post("/api/operator/messages/preview", message(toClinic(null, null), "2차 접종일이 바뀌었습니다", null)).json()
                .getString("sample")).isEqualTo("[Orderly] 2차 접종일이 바뀌었습니다");
        assertThat(outbox()).as("a preview stores nothing").isEqualTo(before);
    }

    private static long count(JsonObject audience) {
        ApiClient.Answer a = operator.post("/api/operator/messages/preview", message(audience, "안내", null));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().getLong("count");
    }

    @Test
    void aMessageSentToTheCountConfirmedReachesEveryPhoneThroughTheOutboxAndIsAudited() throws Exception {
        JsonObject message = message(new JsonObject().put("cohort", "msg-carers"), "2차 접종일이 8월 9일로 바뀌었습니다", "Dose 2 moved to 9 August");
        ApiClient.Answer sent = operator.post("/api/operator/messages", message.copy().put("expectedCount", 3));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        long id = sent.json().getLong("messageId");
        assertThat(sent.json().getLong("count")).isEqualTo(3);
        assertThat(sent.json().getString("reference")).isEqualTo("MSG-" + id);

        String body = "[Orderly] 2차 접종일이 8월 9일로 바뀌었습니다\nDose 2 moved to 9 August";
        assertThat(rows("SELECT person_id || ' ' || kind || ' ' || body FROM outbox WHERE reference = 'MSG-" + id + "' ORDER BY person_id"))
                .containsExactlyElementsOf(residents.subList(0, 3).stream().map(r -> r.id() + " notice " + body).sorted().toList());

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        for (DemoData.Resident r : residents.subList(0, 3)) {
            ApiClient.Answer inbox;
            do {
                Thread.sleep(100);
                inbox = operator.get("/api/dev/sms?phone=" + r.phone());
            } while (inbox.status() == 404 && Instant.now().isBefore(deadline));
            assertThat(inbox.status()).as(inbox.body()).isEqualTo(200);
            assertThat(inbox.json().getString("text")).isEqualTo(body);
        }
        assertThat(rows("SELECT count(*) FROM outbox WHERE reference = 'MSG-" + id + "' AND sent_at IS NOT NULL")).containsExactly("3");

        JsonObject entry = operator.get("/api/operator/audit?action=message.send&target=cohort:msg-carers").json()
                .getJsonArray("entries").getJsonObject(0);
        assertThat(entry.getString("actor")).isEqualTo("machine:operator");
        assertThat(entry.getValue("before")).isNull();
        assertThat(entry.getJsonObject("after").getLong("count")).isEqualTo(3);
        assertThat(entry.getJsonObject("after").getLong("messageId")).isEqualTo(id);
        assertThat(entry.getJsonObject("after").getString("text")).isEqualTo(body);
        assertThat(entry.getJsonObject("after").fieldNames()).as("counts and the text, nobody's data")
                .containsExactlyInAnyOrder("messageId", "reference", "count", "text");
        for (DemoData.Resident r : residents.subList(0, 3)) {
            assertThat(entry.encode()).doesNotContain(r.name(), r.phone());
        }
    }

    @Test
    void whenTheAudienceChangedSinceThePreviewNothingIsSent() throws Exception {
        String product = productOf(CLINIC_CHANGING);
        sql(reservation(CLINIC_CHANGING, "MSGF", 2, residents.get(15).id(), "2031-04-07", product, "ACTIVE"));
        JsonObject audience = new JsonObject().put("clinicId", CLINIC_CHANGING).put("day", "2031-04-07");
        JsonObject message = message(audience, "2차 접종 시간이 바뀌었습니다", null);
        assertThat(count(audience)).isEqualTo(1);
        sql(reservation(CLINIC_CHANGING, "MSGE", 2, residents.get(14).id(), "2031-04-07", product, "ACTIVE"));
        List<String> before = outbox();
        long audited = audited();

        ApiClient.Answer refused = operator.post("/api/operator/messages", message.copy().put("expectedCount", 1));
        assertProblem(refused, 409, "audience-changed");
        assertThat(refused.json().getLong("count")).isEqualTo(2);
        assertThat(outbox()).isEqualTo(before);
        assertThat(audited()).isEqualTo(audited);

        ApiClient.Answer sent = operator.post("/api/operator/messages", message.copy().put("expectedCount", 2));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(sent.json().getLong("count")).isEqualTo(2);
        assertThat(rows("SELECT count(*) FROM outbox WHERE reference = '" + sent.json().getString("reference") + "'")).containsExactly("2");
        assertThat(operator.get("/api/operator/audit?action=message.send&target=clinic:" + CLINIC_CHANGING + "/2031-04-07").json()
                .getJsonArray("entries")).hasSize(1);
    }

    @Test
    void badRequestsAreProblemsAndStoreNothing() throws Exception {
        List<String> before = outbox();
        long audited = audited();
        JsonObject fine = message(new JsonObject().put("cohort", "msg-carers"), "안내", "Note");
        List<JsonObject> badMessages = List.of(
                new JsonObject(),
                fine.copy().put("extra", true),
                fine.copy().put("audience", new JsonObject()),
                fine.copy().put("audience", new JsonObject().put("cohort", "msg-carers").put("clinicId", 5)),
                fine.copy().put("audience", new JsonObject().put("cohort", "Not An Id")),
                fine.copy().put("audience", "msg-carers"),
                fine.copy().put("audience", toClinic(null, 3)),
                fine.copy().put("audience", toClinic("10 March", null)),
                fine.copy().put("audience", new JsonObject().put("clinicId", 0)),
                fine.copy().put("audience", new JsonObject().put("clinicId", "five")),
                fine.copy().put("audience", toClinic(null, null).put("room", 2)),
                fine.copy().put("text", new JsonObject()),
                fine.copy().put("text", new JsonObject().put("ko", " ")),
                fine.copy().put("text", new JsonObject().put("ko", "가".repeat(301))),
                fine.copy().put("text", new JsonObject().put("ko", "안내").put("en", "x".repeat(301))),
                fine.copy().put("text", new JsonObject().put("ko", "안내").put("fr", "Avis")),
                fine.copy().put("text", "안내"));
        for (JsonObject body : badMessages) {
            assertProblem(operator.post("/api/operator/messages/preview", body), 400, "bad-request");
            assertProblem(operator.post("/api/operator/messages", body.copy().put("expectedCount", 3)), 400, "bad-request");
        }
        for (Object count : new Object[] {null, 0, -3, 2_000_001, "3", 2.5}) {
            JsonObject body = fine.copy();
            if (count != null) {
                body.put("expectedCount", count);
            }
            assertProblem(operator.post("/api/operator/messages", body), 400, "bad-request");
        }
        assertProblem(operator.post("/api/operator/messages/preview", fine.copy().put("expectedCount", 3)), 400, "bad-request");
        assertProblem(operator.postRaw("/api/operator/messages", "application/json", "[1]"), 400, "bad-request");
        assertProblem(operator.postRaw("/api/operator/messages/preview", "text/plain", "hello"), 400, "bad-request");
        assertProblem(operator.post("/api/operator/messages/preview", message(new JsonObject().put("cohort", "nobody"), "안내", null)),
                404, "unknown-cohort");
        assertProblem(operator.post("/api/operator/messages", message(new JsonObject().put("cohort", "nobody"), "안내", null)
                .put("expectedCount", 1)), 404, "unknown-cohort");
        assertThat(operator.post("/api/operator/messages/preview", fine).status()).as("the good one").isEqualTo(200);
        assertThat(outbox()).isEqualTo(before);
        assertThat(audited()).isEqualTo(audited);
    }

    @Test
    void onlyOperatorsPreviewOrSendAndStrangersGetNothing() throws Exception {
        JsonObject message = message(new JsonObject().put("cohort", "msg-carers"), "안내", null);
        List<String> before = outbox();
        for (Role role : List.of(Role.AUDITOR, Role.AGENT, Role.CLINIC)) {
            ApiClient staff = signedIn(role);
            String origin = "http://127.0.0.1:" + app.port();
            assertProblem(staff.post("/api/operator/messages/preview", message, "Origin", origin), 403, "role-not-allowed");
            assertProblem(staff.post("/api/operator/messages", message.copy().put("expectedCount", 3), "Origin", origin), 403,
                    "role-not-allowed");
        }
        ApiClient stranger = new ApiClient(app.port());
        assertProblem(stranger.post("/api/operator/messages/preview", message), 401, "operator-only");
        assertProblem(stranger.post("/api/operator/messages", message.copy().put("expectedCount", 3)), 401, "operator-only");
        assertThat(outbox()).isEqualTo(before);
    }

    private static ApiClient signedIn(Role role) {
        String login = "msg-" + role.slug();
        JsonObject account = new JsonObject().put("login", login).put("name", "Person " + role.slug()).put("role", role.slug())
                .put("password", PASSWORD);
        if (role == Role.CLINIC) {
            account.put("clinics", new JsonArray().add(CLINIC));
        }
        ApiClient.Answer made = operator.post("/api/operator/staff", account);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        ApiClient browser = new ApiClient(app.port());
        ApiClient.Answer in = browser.post("/api/staff/sign-in", new JsonObject().put("login", login).put("password", PASSWORD)
                .put("code", Totp.code(made.json().getString("totpSecret"), Instant.now())));
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        return browser;
    }

    // ------------------------------------------------------------------ the database, read directly

    /** The outbox's notices as the requests wrote them (the relay marks them sent in the background). */
    private static List<String> outbox() throws Exception {
        return rows("SELECT id || ' ' || person_id || ' ' || reference || ' ' || body FROM outbox WHERE kind = 'notice' ORDER BY id");
    }

    private static long audited() throws Exception {
        return Long.parseLong(rows("SELECT count(*) FROM audit_log").getFirst());
    }

    private static List<String> rows(String query) throws Exception {
        List<String> rows = new java.util.ArrayList<>();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String productOf(long clinicId) throws Exception {
        return rows("SELECT product FROM clinic_products WHERE clinic_id = " + clinicId + " ORDER BY product LIMIT 1").getFirst();
    }
}
