package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input anywhere gets a 4xx with a problem body, and changes nothing: after every test the
 * database holds no reservation, no booked place and no outbox message.
 */
class BadInputHttpIT {

    private static OrderlyApp app;
    private static ApiClient verified;
    /** Holds an identity pass, not yet used: verifying spends it. */
    private static ApiClient admitted;
    private static JsonObject resident;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        verified = new ApiClient(app.port());
        verified.waitForIdentityPass(Duration.ofSeconds(20));
        resident = verified.get("/api/dev/residents").array().getJsonObject(0);
        assertThat(verified.verifyAs(resident).status()).isEqualTo(200);
        verified.waitForPass("booking", Duration.ofSeconds(20));
        admitted = new ApiClient(app.port());
        admitted.waitForIdentityPass(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            assertNothingChanged();
        } finally {
            app.close();
        }
    }

    private static void assertNothingChanged() throws Exception {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT count(*) FROM reservations")).isZero();
            assertThat(count(s, "SELECT coalesce(sum(booked), 0) FROM day_capacity")).isZero();
            assertThat(count(s, "SELECT count(*) FROM outbox")).isZero();
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertProblem(ApiClient.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        JsonObject problem = a.json();
        assertThat(problem.getString("type")).isEqualTo("/problems/" + type);
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
    }

    @Test
    void malformedJsonIsABadRequest() {
        assertProblem(verified.post("/api/reservations", "{\"clinicId\": 1,"), 400, "bad-request");
        assertProblem(verified.post("/api/reservations", "[1,2,3]"), 400, "bad-request");
        assertProblem(verified.post("/api/reservations", ""), 400, "bad-request");
        assertProblem(verified.postRaw("/api/reservations", "text/plain", "clinicId=1"), 400, "bad-request");
    }

    @Test
    void unknownOrMistypedFieldsAreNamed() {
        ApiClient.Answer extra = verified.post("/api/reservations",
                new JsonObject().put("clinicId", 1).put("day", "2030-01-01").put("product", "PFZ").put("admin", true));
        assertProblem(extra, 400, "bad-request");
        assertThat(extra.json().getString("detail")).contains("admin");

        ApiClient.Answer mistyped = verified.post("/api/reservations",
                new JsonObject().put("clinicId", "one").put("day", "2030-01-01").put("product", "PFZ"));
        assertProblem(mistyped, 400, "bad-request");
        assertThat(mistyped.json().getString("detail")).contains("clinicId");

        ApiClient.Answer badDate = verified.post("/api/reservations",
                new JsonObject().put("clinicId", 1).put("day", "2030-02-30").put("product", "PFZ"));
        assertProblem(badDate, 400, "bad-request");
        assertThat(badDate.json().getString("detail")).contains("day");
    }

    @Test
    void anOversizeBodyIsRefused() {
        String big = "{\"name\":\"" + "가".repeat(20_000) + "\"}";
        assertProblem(verified.post("/api/identity/challenges", big), 413, "body-too-large");
    }

    @Test
    void unknownClinicsAndDaysOutsideTheRangeAreRefused() {
        String tomorrow = verified.get("/api/me").json().getString("firstBookableDay");
        assertProblem(verified.post("/api/reservations",
                new JsonObject().put("clinicId", 999_999).put("day", tomorrow).put("product", "PFZ")), 422, "not-offered");
        assertProblem(verified.post("/api/reservations",
                new JsonObject().put("clinicId", 1).put("day", "2020-01-01").put("product", "PFZ")), 422, "day-out-of-range");
        assertProblem(verified.post("/api/reservations",
                new JsonObject().put("clinicId", 1).put("day", tomorrow).put("product", "XYZ")), 422, "not-offered");
    }

    @Test
    void aMalformedIdempotencyKeyIsRefused() {
        assertProblem(verified.post("/api/reservations",
                new JsonObject().put("clinicId", 1).put("day", "2030-01-01").put("product", "PFZ"),
                "Idempotency-Key", "spaces are not allowed"), 400, "bad-request");
    }

    @Test
    void searchNeedsAProvinceAndSaneDays() {
        assertProblem(verified.get("/api/clinics"), 400, "bad-request");
        assertProblem(verified.get("/api/clinics?province=x&days=abc"), 400, "bad-request");
        assertProblem(verified.get("/api/clinics?province=x&days=0"), 400, "bad-request");
        assertProblem(verified.get("/api/clinics?province=x&from=tomorrow"), 400, "bad-request");
        assertThat(verified.get("/api/clinics?province=nowhere").json().getJsonArray("clinics")).isEmpty();
    }

    @Test
    void bookingWithoutVerificationIsUnauthorised() {
        ApiClient stranger = new ApiClient(app.port());
        assertProblem(stranger.post("/api/reservations",
                new JsonObject().put("clinicId", 1).put("day", "2030-01-01").put("product", "PFZ")), 401, "not-verified");
        assertProblem(stranger.get("/api/reservations/mine"), 401, "not-verified");
        assertProblem(stranger.delete("/api/reservations/mine"), 401, "not-verified");
    }

    @Test
    void identityStepsNeedAPassFromTheWaitingRoom() {
        ApiClient queueJumper = new ApiClient(app.port());
        assertProblem(queueJumper.post("/api/identity/challenges", new JsonObject().put("name", resident.getString("name"))
                .put("birthDate", resident.getString("birthDate")).put("phone", resident.getString("phone"))), 403, "no-pass");
        assertProblem(queueJumper.post("/api/identity/challenges/" + "0".repeat(36) + "/verify",
                new JsonObject().put("code", "123456")), 403, "no-pass");
    }

    @Test
    void forgedMissingAndForeignTicketsAreRefused() {
        ApiClient client = new ApiClient(app.port());
        assertProblem(client.get("/api/gates/identity/status"), 400, "no-ticket");
        assertProblem(client.get("/api/gates/identity/status", "Orderly-Ticket", "k1.Zm9yZ2Vk.AAAA"), 403, "invalid-ticket");
        String ticket = client.post("/api/gates/identity/join", null).json().getString("ticket");
        String tampered = ticket.substring(0, ticket.length() - 2) + (ticket.endsWith("A") ? "BB" : "AA");
        assertProblem(client.get("/api/gates/identity/status", "Orderly-Ticket", tampered), 403, "invalid-ticket");
        ApiClient otherBrowser = new ApiClient(app.port());
        otherBrowser.get("/api/gates/identity");
        assertProblem(otherBrowser.get("/api/gates/identity/status", "Orderly-Ticket", ticket), 403, "other-browser");
        assertProblem(client.get("/api/gates/nosuchgate/status", "Orderly-Ticket", ticket), 404, "unknown-gate");
        assertProblem(client.post("/api/gates/nosuchgate/join", null), 404, "unknown-gate");
    }

    @Test
    void wrongAndUnknownCodesAreRefusedWithTriesLeft() {
        ApiClient.Answer challenge = admitted.post("/api/identity/challenges", new JsonObject().put("name", resident.getString("name"))
                .put("birthDate", resident.getString("birthDate")).put("phone", resident.getString("phone")));
        assertThat(challenge.status()).isEqualTo(201);
        String id = challenge.json().getString("challengeId");
        ApiClient.Answer wrong = admitted.post("/api/identity/challenges/" + id + "/verify", new JsonObject().put("code", "000000x"));
        assertProblem(wrong, 400, "bad-request");
        String wrongCode = admitted.get("/api/dev/sms").array().getJsonObject(0).getString("text").contains("999999") ? "999998" : "999999";
        ApiClient.Answer first = admitted.post("/api/identity/challenges/" + id + "/verify", new JsonObject().put("code", wrongCode));
        assertProblem(first, 422, "wrong-code");
        assertThat(first.json().getInteger("triesLeft")).isEqualTo(4);
        assertProblem(admitted.post("/api/identity/challenges/" + "f".repeat(36) + "/verify",
                new JsonObject().put("code", "123456")), 404, "unknown-challenge");
        assertProblem(admitted.post("/api/identity/challenges/not-an-id/verify",
                new JsonObject().put("code", "123456")), 404, "unknown-challenge");
    }

    @Test
    void noMatchingResidentIsSaidPlainly() {
        assertProblem(admitted.post("/api/identity/challenges", new JsonObject().put("name", "없는사람")
                .put("birthDate", "1964-01-01").put("phone", "010-0000-0000")), 422, "no-match");
        assertProblem(admitted.post("/api/identity/challenges", new JsonObject().put("name", "홍길동")
                .put("birthDate", "1964-01-01").put("phone", "not a phone")), 400, "bad-request");
    }

    @Test
    void unknownApiPathsAreProblemsToo() {
        assertProblem(verified.get("/api/does-not-exist"), 404, "not-found");
    }

    @Test
    void everyResponseCarriesSecurityHeaders() {
        ApiClient.Answer page = verified.get("/");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(verified.get("/api/me").header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void healthReadinessMetricsAndTheApiDescriptionAreServed() {
        assertThat(verified.get("/health").status()).isEqualTo(200);
        assertThat(verified.get("/ready").status()).isEqualTo(200);
        ApiClient.Answer metrics = verified.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("orderly_gate_joins_total").contains("orderly_http_server_requests");
        ApiClient.Answer openapi = verified.get("/openapi.yaml");
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body()).startsWith("openapi: 3");
    }
}
