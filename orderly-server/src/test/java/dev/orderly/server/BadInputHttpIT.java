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

    // ---------------------------------------------------------------- finding 9: bad input that reached a 500

    @Test
    void aNulByteInASearchFieldIsABadRequestNamingIt() {
        ApiClient.Answer province = verified.get("/api/clinics?province=%00");
        assertProblem(province, 400, "bad-request");
        assertThat(province.json().getString("detail")).contains("province");
        ApiClient.Answer district = verified.get("/api/clinics?province=x&district=a%00b");
        assertProblem(district, 400, "bad-request");
        assertThat(district.json().getString("detail")).contains("district");
    }

    @Test
    void aNulByteInABodyFieldIsABadRequestNamingIt() {
        ApiClient.Answer capacity = new ApiClient(app.port()).withBearer(app.operatorToken()).put("/api/operator/capacity",
                "{\"clinicId\":1,\"product\":\"\\u0000\",\"from\":\"2030-01-01\",\"capacity\":1}");
        assertProblem(capacity, 400, "bad-request");
        assertThat(capacity.json().getString("detail")).contains("product");
        ApiClient.Answer booking = verified.post("/api/reservations", "{\"clinicId\":1,\"day\":\"2030-01-01\",\"product\":\"PFZ\\u0001\"}");
        assertProblem(booking, 400, "bad-request");
        assertThat(booking.json().getString("detail")).contains("product");
        assertProblem(verified.post("/api/reservations", "{\"clinicId\":1,\"day\":\"2030-01-01\",\"product\":\"\\ud800\"}"),
                400, "bad-request");
    }

    @Test
    void aDateFarOutOfRangeIsABadRequest() {
        for (String from : new String[] {"%2B999999999-12-31", "-999999999-01-01", "0000-01-01", "%2B10000-01-01"}) {
            ApiClient.Answer a = verified.get("/api/clinics?province=x&from=" + from);
            assertProblem(a, 400, "bad-request");
            assertThat(a.json().getString("detail")).contains("from");
        }
        assertProblem(new ApiClient(app.port()).withBearer(app.operatorToken()).get("/api/operator/capacity?clinicId=1&from=-999999999-01-01"),
                400, "bad-request");
    }

    @Test
    void digitsOfOtherScriptsAreNotNumbers() {
        // Integer.parseInt reads Arabic-Indic digits; an id or count is ASCII digits only.
        assertProblem(verified.get("/api/clinics?province=x&days=%D9%A1"), 400, "bad-request");
        assertProblem(new ApiClient(app.port()).withBearer(app.operatorToken()).get("/api/operator/capacity?clinicId=%D9%A1&from=2030-01-01"),
                400, "bad-request");
    }

    @Test
    void brokenEscapesAndBytesThatAreNotUtf8InTheTargetAreBadRequests() {
        assertRawProblem(raw("GET /api/clinics?province=%ZZ HTTP/1.1\r\nHost: x", ""), 400);
        assertRawProblem(raw("GET /api/clinics?province=%C3%28 HTTP/1.1\r\nHost: x", ""), 400);
        assertRawProblem(raw("GET /api/gates/%00/status HTTP/1.1\r\nHost: x", ""), 400);
    }

    @Test
    void anOverLongRequestLineIs414WithAProblem() {
        assertRawProblem(raw("GET /api/clinics?province=" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x", ""), 414);
    }

    @Test
    void anOverLongHeaderIs431WithAProblem() {
        assertRawProblem(raw("GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(20_000), ""), 431);
    }

    @Test
    void aBrokenChunkedBodyIs400AndCostsTheLogOneLineAtMost() {
        try (LogCapture log = new LogCapture()) {
            for (String path : new String[] {"/api/reservations", "/api/identity/challenges", "/api/gates/identity/join", "/"}) {
                for (String chunks : new String[] {"2\r\n{}XX3\r\n", "zz\r\n{}\r\n0\r\n\r\n", "fffffffffffffffffff\r\n{}\r\n0\r\n\r\n"}) {
                    RawHttp.Answer a = raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked", chunks);
                    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(path.startsWith("/api/") ? 400 : 405);
                }
            }
            assertThat(log.text()).doesNotContain("\tat ").doesNotContain("Exception:");
            assertThat(log.text().lines().filter(l -> l.contains("ProtocolErrors")).count()).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void bytesThatAreNotUtf8InAJsonBodyAreABadRequest() {
        byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};
        RawHttp.Answer a = RawHttp.exchange(app.port(), RawHttp.request("POST /api/identity/challenges HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nCookie: " + cookies(admitted) + "\r\nContent-Length: " + body.length, body));
        assertRawProblem(a, 400);
    }

    @Test
    void anUnknownPageIsAStyledBilingualPage() {
        ApiClient.Answer page = verified.get("/nope");
        assertThat(page.status()).isEqualTo(404);
        assertBilingualPage(page.contentType(), page.body());
    }

    @Test
    void aWrongMethodOnAPageIs405WithAPage() {
        ApiClient.Answer page = verified.postRaw("/index.html", "text/plain", "x");
        assertThat(page.status()).isEqualTo(405);
        assertThat(page.header("Allow")).contains("GET");
        assertBilingualPage(page.contentType(), page.body());
    }

    @Test
    void machineEndpointsAndTheApiKeepJsonProblems() {
        assertProblem(verified.postRaw("/health", "text/plain", "x"), 405, "method-not-allowed");
        assertProblem(verified.get("/api/nope"), 404, "not-found");
    }

    @Test
    void refusalsVertxDecidesAreCatalogueProblemsToo() {
        // Vert.x's static files refuse a folder with 403; there is no page there, so it is not found.
        ApiClient.Answer folder = verified.get("/assets/js/");
        assertThat(folder.status()).isEqualTo(404);
        assertBilingualPage(folder.contentType(), folder.body());
        assertThat(verified.get("/assets/js/app.js", "Range", "bytes=99999999-").status()).isEqualTo(416);
        RawHttp.Answer expect = raw("POST /api/gates/identity/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: coffee", "{}");
        assertRawProblem(expect, 417);
        assertThat(new JsonObject(expect.body()).getString("type")).isEqualTo("/problems/expectation-failed");
    }

    private static void assertBilingualPage(String contentType, String html) {
        assertThat(contentType).startsWith("text/html");
        assertThat(html).contains("<html lang=\"ko\"", "lang=\"en\"", "/assets/css/app.css")
                .doesNotContain("<script", "<style", "style=");
        assertThat(html.indexOf("처음으로")).isLessThan(html.indexOf("Back to the first page"));
    }

    private static RawHttp.Answer raw(String head, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(app.port(), RawHttp.request(head + (body.isEmpty() || head.contains("chunked") ? ""
                : "\r\nContent-Length: " + bytes.length), bytes));
    }

    private static String cookies(ApiClient client) {
        return client.cookies().getCookieStore().getCookies().stream().map(java.net.HttpCookie::toString)
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static void assertRawProblem(RawHttp.Answer a, int status) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        JsonObject problem = new JsonObject(a.body());
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("type")).startsWith("/problems/");
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
    }
}
