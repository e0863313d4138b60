package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.demo.DemoData;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protection at the edge, over a real socket: rate limits per address, phone and challenge
 * answering 429 with Retry-After; a flood from one address holding up nobody else; refusal of
 * cross-site state changes; security headers; body and field limits. Each test talks from
 * addresses of its own (127.0.0.x), so their buckets do not meet.
 */
class ProtectionHttpIT {

    private static final String OPERATOR = "operator-token-for-protection-tests";
    private static final Map<String, String> LIMITS = Map.of(
            "ORDERLY_RATE_JOIN_PER_ADDRESS", "20/1m",
            "ORDERLY_RATE_CHALLENGE_PER_ADDRESS", "8/1m",
            "ORDERLY_RATE_CHALLENGE_PER_PHONE", "2/1m",
            "ORDERLY_RATE_VERIFY_PER_ADDRESS", "30/1m",
            "ORDERLY_RATE_VERIFY_PER_CHALLENGE", "3/1m",
            "ORDERLY_OPERATOR_TOKEN", OPERATOR);

    private static OrderlyApp app;
    private static List<DemoData.Resident> residents;

    @BeforeAll
    static void start() {
        app = TestApp.start(LIMITS, Clock.systemUTC());
        residents = TestResidents.of(TestApp.settings(LIMITS));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static ApiClient admitted(String address) {
        ApiClient browser = ApiClient.from(address, app.port());
        browser.waitForIdentityPass(Duration.ofSeconds(20));
        return browser;
    }

    private static void assertProblem(ApiClient.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo("/problems/" + type);
    }

    private static void assertRateLimited(ApiClient.Answer a) {
        assertProblem(a, 429, "rate-limited");
        assertThat(Long.parseLong(a.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(a.json().getLong("retryAfterSeconds")).isEqualTo(Long.parseLong(a.header("Retry-After")));
    }

    private static long issued() {
        return new ApiClient(app.port()).get("/api/operator/gates/identity", "Authorization", "Bearer " + OPERATOR).json()
                .getJsonObject("figures").getLong("issued");
    }

    // ------------------------------------------------------------------ rate limits

    @Test
    void joiningIsLimitedPerAddressAndAnotherAddressIsUnaffected() {
        ApiClient busy = ApiClient.from("127.0.0.10", app.port());
        for (int i = 0; i < 20; i++) {
            assertThat(busy.post("/api/gates/identity/join", null).status()).isIn(200, 201);
        }

        assertRateLimited(busy.post("/api/gates/identity/join", null));
        assertThat(ApiClient.from("127.0.0.11", app.port()).post("/api/gates/identity/join", null).status()).isEqualTo(201);
    }

    @Test
    void codesForOnePhoneAreLimitedWhicheverAddressAsks() {
        DemoData.Resident r = residents.get(300);
        ApiClient first = admitted("127.0.0.20");
        ApiClient second = admitted("127.0.0.21");
        assertThat(first.post("/api/identity/challenges", TestResidents.claimOf(r)).status()).isEqualTo(201);
        assertThat(first.post("/api/identity/challenges", TestResidents.claimOf(r)).status()).isEqualTo(201);

        assertRateLimited(first.post("/api/identity/challenges", TestResidents.claimOf(r)));
        ApiClient.Answer elsewhere = second.post("/api/identity/challenges", TestResidents.claimOf(r));
        assertRateLimited(elsewhere);
        assertThat(elsewhere.body()).doesNotContain(r.phone()).doesNotContain(r.phone().substring(3));
        assertThat(second.post("/api/identity/challenges", TestResidents.claimOf(residents.get(301))).status()).isEqualTo(201);
    }

    @Test
    void challengesAreLimitedPerAddressEvenWhenNothingMatches() {
        ApiClient prober = admitted("127.0.0.30");
        for (int i = 0; i < 8; i++) {
            assertProblem(prober.post("/api/identity/challenges", new JsonObject().put("name", "없는사람")
                    .put("birthDate", "1964-01-01").put("phone", "010-0000-%04d".formatted(i))), 422, "no-match");
        }

        assertRateLimited(prober.post("/api/identity/challenges", new JsonObject().put("name", "없는사람")
                .put("birthDate", "1964-01-01").put("phone", "010-0000-9999")));
    }

    @Test
    void codeEntriesAreLimitedPerChallengeBeforeTheTriesRunOut() {
        ApiClient guesser = admitted("127.0.0.31");
        String id = guesser.post("/api/identity/challenges", TestResidents.claimOf(residents.get(310))).json().getString("challengeId");
        for (int i = 0; i < 3; i++) {
            assertProblem(guesser.post("/api/identity/challenges/" + id + "/verify", new JsonObject().put("code", "00000" + i)), 422,
                    "wrong-code");
        }

        assertRateLimited(guesser.post("/api/identity/challenges/" + id + "/verify", new JsonObject().put("code", "000009")));
    }

    @Test
    void codeEntriesAreLimitedPerAddressAcrossChallenges() {
        ApiClient guesser = admitted("127.0.0.32");
        for (int i = 0; i < 30; i++) {
            assertProblem(guesser.post("/api/identity/challenges/" + "%036x".formatted(i) + "/verify",
                    new JsonObject().put("code", "123456")), 404, "unknown-challenge");
        }

        assertRateLimited(guesser.post("/api/identity/challenges/" + "f".repeat(36) + "/verify", new JsonObject().put("code", "123456")));
    }

    @Test
    void aFloodFromOneAddressHoldsUpNobodyElse() throws Exception {
        long issuedBefore = issued();
        long floodStarted = System.nanoTime();
        AtomicBoolean neighbourDone = new AtomicBoolean();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService flood = Executors.newFixedThreadPool(6);
        List<Future<?>> flooders = new ArrayList<>();
        try {
            for (int t = 0; t < 6; t++) {
                flooders.add(flood.submit(() -> {
                    ApiClient bot = ApiClient.from("127.0.0.40", app.port());
                    // Floods until the neighbour is through, at least 50 requests a thread, at most 2,000.
                    for (int i = 0; i < 2000 && (i < 50 || !neighbourDone.get()); i++) {
                        sent.incrementAndGet();
                        ApiClient.Answer a = bot.post("/api/gates/identity/join", null);
                        if (a.status() == 429) {
                            refused.incrementAndGet();
                        }
                        bot.cookies().getCookieStore().removeAll();
                    }
                    return null;
                }));
            }

            ApiClient neighbour = ApiClient.from("127.0.0.41", app.port());
            DemoData.Resident r = residents.get(320);
            neighbour.waitForIdentityPass(Duration.ofSeconds(30));
            ApiClient.Answer verified = neighbour.verifyAs(TestResidents.claimOf(r));
            int floodSentMeanwhile = sent.get();
            neighbourDone.set(true);
            for (Future<?> f : flooders) {
                f.get(60, TimeUnit.SECONDS);
            }
            // 20/1m: the burst of 20, then one more every 3 s of the flood.
            long allowedAtMost = 20 + Duration.ofNanos(System.nanoTime() - floodStarted).toSeconds() / 3 + 1;

            assertThat(verified.status()).as(verified.body()).isEqualTo(200);
            assertThat(neighbour.get("/api/me").json().getString("name")).isEqualTo(r.name());
            // Counted in the flood's requests, not seconds (a busy machine slows both alike): the
            // neighbour is through before the flood has sent all it may, unless its requests queue
            // behind the flood's.
            assertThat(floodSentMeanwhile).as("flood requests sent before the neighbour got through").isLessThan(6 * 2000);
            assertThat((long) (sent.get() - refused.get())).isLessThanOrEqualTo(allowedAtMost);
            assertThat(issued() - issuedBefore).as("the flood took only what its address may take of the line, pushing nobody back")
                    .isLessThanOrEqualTo(allowedAtMost + 1);
        } finally {
            flood.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ cross-site requests

    @Test
    void aStateChangeTheBrowserMarksCrossSiteIsRefused() {
        ApiClient browser = admitted("127.0.0.50");
        JsonObject claim = TestResidents.claimOf(residents.get(330));

        assertProblem(browser.post("/api/identity/challenges", claim, "Sec-Fetch-Site", "cross-site"), 403, "cross-site-request");
        assertProblem(browser.post("/api/identity/challenges", claim, "Sec-Fetch-Site", "same-site"), 403, "cross-site-request");
        assertProblem(browser.post("/api/gates/identity/join", null, "Sec-Fetch-Site", "cross-site"), 403, "cross-site-request");
        assertProblem(browser.delete("/api/reservations/mine", "Sec-Fetch-Site", "cross-site"), 403, "cross-site-request");

        assertThat(browser.post("/api/identity/challenges", claim, "Sec-Fetch-Site", "same-origin").status()).isEqualTo(201);
        assertThat(browser.get("/api/me", "Sec-Fetch-Site", "cross-site").status()).as("reading changes nothing").isEqualTo(401);
    }

    @Test
    void withoutSecFetchSiteTheOriginMustBeOurOwn() {
        ApiClient browser = admitted("127.0.0.51");
        JsonObject claim = TestResidents.claimOf(residents.get(331));

        assertProblem(browser.post("/api/identity/challenges", claim, "Origin", "http://evil.example"), 403, "cross-site-request");
        assertProblem(browser.post("/api/identity/challenges", claim, "Origin", "null"), 403, "cross-site-request");
        assertProblem(browser.post("/api/identity/challenges", claim, "Origin", "http://127.0.0.1:1"), 403, "cross-site-request");
        assertProblem(browser.post("/api/identity/challenges", claim, "Origin", "http://127.0.0.1.evil.example:" + app.port()), 403,
                "cross-site-request");

        assertThat(browser.post("/api/identity/challenges", claim, "Origin", "http://127.0.0.1:" + app.port()).status()).isEqualTo(201);
    }

    @Test
    void aRequestWithNeitherHeaderIsNotFromABrowserPageAndPasses() {
        ApiClient tool = admitted("127.0.0.52");

        assertThat(tool.post("/api/identity/challenges", TestResidents.claimOf(residents.get(332))).status()).isEqualTo(201);
    }

    @Test
    void aCrossSiteLogoutLeavesTheSessionAlone() {
        ApiClient browser = admitted("127.0.0.53");
        assertThat(browser.verifyAs(TestResidents.claimOf(residents.get(333))).status()).isEqualTo(200);

        assertProblem(browser.post("/api/identity/logout", null, "Sec-Fetch-Site", "cross-site"), 403, "cross-site-request");

        assertThat(browser.get("/api/me").status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ headers and bodies

    @Test
    void pagesAndApiAnswersCarryTheSecurityHeaders() {
        ApiClient browser = new ApiClient(app.port());
        for (ApiClient.Answer a : List.of(browser.get("/"), browser.get("/verify.html"), browser.get("/api/me"),
                browser.get("/api/identity/providers"))) {
            assertThat(a.header("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self'")
                    .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(a.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(a.header("X-Frame-Options")).isEqualTo("DENY");
        }
        assertThat(browser.get("/api/identity/providers").header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void identityBodiesAreReadStrictly() {
        ApiClient browser = admitted("127.0.0.60");
        JsonObject claim = TestResidents.claimOf(residents.get(340));

        ApiClient.Answer extra = browser.post("/api/identity/challenges", claim.copy().put("residentNumber", "6405051234567"));
        assertProblem(extra, 400, "bad-request");
        assertThat(extra.json().getString("detail")).contains("residentNumber").doesNotContain("6405051234567");
        assertProblem(browser.post("/api/identity/challenges", claim.copy().put("name", "가".repeat(200))), 400, "bad-request");
        assertProblem(browser.post("/api/identity/challenges", claim.copy().put("name", "홍길동1")), 400, "bad-request");
        assertProblem(browser.post("/api/identity/challenges", claim.copy().put("phone", 1012345678)), 400, "bad-request");
        assertProblem(browser.post("/api/identity/challenges", "[" + claim.encode() + "]"), 400, "bad-request");
        assertProblem(browser.postRaw("/api/identity/challenges", "text/plain", claim.encode()), 400, "bad-request");
        assertProblem(browser.post("/api/identity/challenges", "{\"name\":\"" + "가".repeat(20_000) + "\"}"), 413, "body-too-large");
        assertProblem(browser.post("/api/identity/challenges/" + "a".repeat(36) + "/verify", new JsonObject().put("code", "1234567")),
                400, "bad-request");
        assertProblem(browser.post("/api/identity/providers/sms/challenges/" + "a".repeat(36) + "/verify",
                new JsonObject().put("response", "x".repeat(4097))), 400, "bad-request");
    }

    @Test
    void cookiesAreMarkedSecureWhenTheSettingSaysTheSiteIsServedOverTls() {
        try (OrderlyApp secure = TestApp.start(Map.of("ORDERLY_SECURE_COOKIES", "true"), Clock.systemUTC())) {
            // Joining sets both cookies: the browser id (minted only where a ticket binds) and the ticket.
            ApiClient.Answer first = new ApiClient(secure.port()).post("/api/gates/identity/join", new JsonObject());

            assertThat(first.status()).isEqualTo(201);
            assertThat(first.raw().headers().allValues("Set-Cookie")).isNotEmpty()
                    .allSatisfy(c -> assertThat(c).containsIgnoringCase("; Secure").containsIgnoringCase("; HttpOnly"));
        }
    }
}
