package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.demo.DemoData;
import dev.orderly.time.MutableClock;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonObject;
import java.net.HttpCookie;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity verification over a real socket, on a fake clock: the one-time code's life (expiry,
 * tries, daily caps), wrong claims, the session cookie with its idle and absolute ends, and the
 * second-device takeover.
 */
class IdentityHttpIT {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final MutableClock CLOCK = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private static final AtomicInteger NEXT_RESIDENT = new AtomicInteger(100);

    private static OrderlyApp app;
    private static List<DemoData.Resident> residents;

    @BeforeAll
    static void start() {
        Map<String, String> overrides = Map.of("ORDERLY_CODE_DAILY_PER_PERSON", "3", "ORDERLY_RATE_CHALLENGE_PER_PHONE", "100/1m");
        app = TestApp.start(overrides, CLOCK);
        residents = TestResidents.of(TestApp.settings(overrides));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A resident no other test in this class uses. */
    private static DemoData.Resident someone() {
        return residents.get(NEXT_RESIDENT.getAndIncrement());
    }

    /** A browser holding a pass of the identity gate. */
    private static ApiClient admittedBrowser() {
        ApiClient browser = new ApiClient(app.port());
        browser.waitForPass("identity", Duration.ofSeconds(20), () -> CLOCK.advance(Duration.ofMillis(200)));
        return browser;
    }

    private static ApiClient.Answer askCode(ApiClient browser, DemoData.Resident r) {
        return browser.post("/api/identity/challenges", TestResidents.claimOf(r));
    }

    private static String codeSentTo(DemoData.Resident r) {
        String text = app.smsInbox().messages().stream().filter(m -> m.phoneLast4().equals(r.phone().substring(r.phone().length() - 4)))
                .findFirst().orElseThrow().text();
        Matcher m = CODE.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private static ApiClient.Answer enter(ApiClient browser, ApiClient.Answer challenge, String code) {
        return browser.post("/api/identity/challenges/" + challenge.json().getString("challengeId") + "/verify",
                new JsonObject().put("code", code));
    }

    private static ApiClient.Answer verify(ApiClient browser, DemoData.Resident r) {
        ApiClient.Answer challenge = askCode(browser, r);
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(201);
        return enter(browser, challenge, codeSentTo(r));
    }

    private static String wrong(String code) {
        return "%06d".formatted((Integer.parseInt(code) + 1) % 1_000_000);
    }

    private static void assertProblem(ApiClient.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo("/problems/" + type);
    }

    private static HttpCookie sessionCookie(ApiClient.Answer a) {
        return a.raw().headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("orderly_session="))
                .map(h -> HttpCookie.parse(h).getFirst()).findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + a.raw().headers()));
    }

    @Test
    void theRightCodeOpensAStrictHttpOnlySessionForThatPerson() {
        DemoData.Resident r = someone();
        ApiClient browser = admittedBrowser();

        ApiClient.Answer challenge = askCode(browser, r);
        assertThat(challenge.status()).isEqualTo(201);
        assertThat(challenge.json().getString("maskedPhone")).isEqualTo(r.phone().substring(0, 3) + "-****-" + r.phone().substring(7));
        assertThat(challenge.json().getString("provider")).isEqualTo("sms");
        ApiClient.Answer verified = enter(browser, challenge, codeSentTo(r));

        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.json().getString("name")).isEqualTo(r.name());
        assertThat(verified.json().getBoolean("endedOtherSession")).isFalse();
        String setCookie = verified.raw().headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("orderly_session=")).findFirst()
                .orElseThrow();
        assertThat(setCookie).containsIgnoringCase("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/")
                .contains("; Max-Age=1800").doesNotContainIgnoringCase("Secure");
        assertThat(browser.get("/api/me").json().getString("name")).isEqualTo(r.name());
    }

    @Test
    void aWrongNameBirthDateOrPhoneGetsNoCodeAndSaysSoPlainly() {
        DemoData.Resident r = someone();
        DemoData.Resident other = someone();
        ApiClient browser = admittedBrowser();
        int before = app.smsInbox().messages().size();

        assertProblem(browser.post("/api/identity/challenges", TestResidents.claimOf(r).put("name", r.name() + "가")), 422, "no-match");
        assertProblem(browser.post("/api/identity/challenges", TestResidents.claimOf(r).put("birthDate", r.birthDate().plusDays(1).toString())),
                422, "no-match");
        assertProblem(browser.post("/api/identity/challenges", TestResidents.claimOf(r).put("phone", other.phone())), 422, "no-match");

        assertThat(app.smsInbox().messages()).hasSize(before);
    }

    @Test
    void wrongCodesUseUpTriesAndTheFifthEndsTheChallenge() {
        DemoData.Resident r = someone();
        ApiClient browser = admittedBrowser();
        ApiClient.Answer challenge = askCode(browser, r);
        String code = codeSentTo(r);

        for (int left = 4; left >= 1; left--) {
            ApiClient.Answer wrong = enter(browser, challenge, wrong(code));
            assertProblem(wrong, 422, "wrong-code");
            assertThat(wrong.json().getInteger("triesLeft")).isEqualTo(left);
        }
        assertProblem(enter(browser, challenge, wrong(code)), 429, "too-many-tries");
        assertProblem(enter(browser, challenge, code), 429, "too-many-tries");
        assertThat(browser.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void aCodeExpiresThreeMinutesAfterItWasSent() {
        DemoData.Resident r = someone();
        ApiClient browser = admittedBrowser();
        ApiClient.Answer challenge = askCode(browser, r);
        assertThat(Instant.parse(challenge.json().getString("expiresAt"))).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(3)));

        CLOCK.advance(Duration.ofMinutes(3));

        assertProblem(enter(browser, challenge, codeSentTo(r)), 410, "code-expired");
    }

    @Test
    void aPersonGetsThreeCodesADayHereAndIsToldWhenMoreCanBeHad() {
        DemoData.Resident r = someone();
        ApiClient browser = admittedBrowser();
        for (int i = 0; i < 3; i++) {
            assertThat(askCode(browser, r).status()).isEqualTo(201);
        }

        ApiClient.Answer fourth = askCode(browser, r);

        assertProblem(fourth, 429, "code-limit");
        Instant midnight = SeoulCalendar.startOf(SeoulCalendar.today(CLOCK).plusDays(1));
        assertThat(fourth.json().getString("retryAt")).isEqualTo(midnight.toString());
        assertThat(Long.parseLong(fourth.header("Retry-After"))).isEqualTo((Duration.between(CLOCK.instant(), midnight).toMillis() + 999) / 1000);
    }

    @Test
    void verifyingOnASecondDeviceEndsTheFirstDevicesSessionAndTheFirstIsTold() {
        DemoData.Resident r = someone();
        ApiClient phone = admittedBrowser();
        ApiClient laptop = admittedBrowser();
        assertThat(verify(phone, r).status()).isEqualTo(200);
        assertThat(phone.get("/api/me").status()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(30));

        ApiClient.Answer second = verify(laptop, r);

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().getBoolean("endedOtherSession")).isTrue();
        assertThat(laptop.get("/api/me").status()).isEqualTo(200);
        ApiClient.Answer told = phone.get("/api/me");
        assertProblem(told, 401, "session-replaced");
        assertThat(told.json().getString("replacedAt")).isEqualTo(CLOCK.instant().toString());
        assertThat(sessionCookie(told).getMaxAge()).as("the dead cookie is cleared").isZero();
        assertThat(phone.get("/api/reservations/mine").status()).isEqualTo(401);
        assertThat(laptop.get("/api/me").status()).as("the new session is untouched").isEqualTo(200);
    }

    @Test
    void anotherPersonVerifyingOnTheSameDeviceReplacesTheCookieNotTheFirstPersonsOtherSessions() {
        DemoData.Resident first = someone();
        DemoData.Resident second = someone();
        ApiClient shared = admittedBrowser();
        ApiClient firstsPhone = admittedBrowser();
        verify(firstsPhone, first);

        verify(shared, second);

        assertThat(shared.get("/api/me").json().getString("name")).isEqualTo(second.name());
        assertThat(firstsPhone.get("/api/me").json().getString("name")).isEqualTo(first.name());
    }

    @Test
    void aSessionEndsAfterTenIdleMinutesAndUseKeepsItAliveUpToThirtyMinutes() {
        DemoData.Resident r = someone();
        ApiClient browser = admittedBrowser();
        verify(browser, r);

        for (int i = 0; i < 3; i++) {
            CLOCK.advance(Duration.ofMinutes(9));
            ApiClient.Answer me = browser.get("/api/me");
            assertThat(me.status()).as("after %d minutes", 9 * (i + 1)).isEqualTo(200);
            assertThat(sessionCookie(me).getMaxAge()).as("the idle deadline moves on").isPositive();
        }
        CLOCK.advance(Duration.ofMinutes(3));
        assertProblem(browser.get("/api/me"), 401, "session-expired");

        ApiClient idle = admittedBrowser();
        verify(idle, someone());
        CLOCK.advance(Duration.ofMinutes(10));
        ApiClient.Answer idleAnswer = idle.get("/api/me");
        assertProblem(idleAnswer, 401, "session-expired");
        assertThat(idleAnswer.json().getString("detail")).contains("10 minutes without use");
    }

    @Test
    void loggingOutEndsTheSessionEvenForACopyOfItsCookie() {
        DemoData.Resident r = someone();
        ApiClient browser = admittedBrowser();
        String token = sessionCookie(verify(browser, r)).getValue();

        ApiClient.Answer out = browser.post("/api/identity/logout", null);

        assertThat(out.status()).isEqualTo(204);
        assertThat(sessionCookie(out).getMaxAge()).isZero();
        assertProblem(browser.get("/api/me"), 401, "not-verified");
        ApiClient copy = new ApiClient(app.port());
        assertProblem(copy.get("/api/me", "Cookie", "orderly_session=" + token), 401, "session-ended");
    }

    @Test
    void theProvidersAreListedWithTheirGatesAndWhatTheyAskFor() {
        JsonObject sms = new ApiClient(app.port()).get("/api/identity/providers").array().getJsonObject(0);

        assertThat(sms.getString("name")).isEqualTo("sms");
        assertThat(sms.getString("gate")).isEqualTo("identity");
        assertThat(sms.getBoolean("primary")).isTrue();
        assertThat(sms.getJsonArray("claims").stream().map(String::valueOf).toList()).containsExactly("name", "birthDate", "phone");
    }
}
