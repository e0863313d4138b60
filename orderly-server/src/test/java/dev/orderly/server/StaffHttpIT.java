package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.http.AccessRulesTest;
import dev.orderly.staff.Role;
import dev.orderly.staff.Totp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Staff over HTTP against a real Orderly: sign-in with password and TOTP, lock-out, sessions and
 * their expiry on a driven clock, sign-out, the role table for every operation, CSRF with the staff
 * cookie, the machine token as an account, and the command line.
 */
class StaffHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";

    private static final ShiftingClock clock = new ShiftingClock();
    private static Settings settings;
    private static OrderlyApp app;
    private static ApiClient machine;
    private static int accounts;

    @BeforeAll
    static void start() {
        settings = TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN));
        app = OrderlyApp.start(settings, clock);
        machine = new ApiClient(app.port()).withBearer(TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A new account made by the machine token; its authenticator secret. */
    private record Staff(String login, String secret) {
        String code() {
            return Totp.code(secret, clock.instant());
        }
    }

    private static Staff create(Role role, Integer... clinics) {
        String login = role.slug() + "-" + (++accounts);
        JsonObject body = new JsonObject().put("login", login).put("name", "Person " + accounts).put("role", role.slug())
                .put("password", PASSWORD);
        if (clinics.length > 0) {
            body.put("clinics", new JsonArray(List.of((Object[]) clinics)));
        }
        ApiClient.Answer a = machine.post("/api/operator/staff", body);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        assertThat(a.json().getString("otpauthUri")).startsWith("otpauth://totp/Orderly%3A" + login + "?secret=");
        return new Staff(login, a.json().getString("totpSecret"));
    }

    private static ApiClient.Answer signIn(ApiClient browser, String login, String password, String code) {
        return browser.post("/api/staff/sign-in", new JsonObject().put("login", login).put("password", password).put("code", code));
    }

    /** A browser signed in as {@code s}; moves the clock to the next TOTP step first, so that a fresh code is free. */
    private static ApiClient signedIn(Staff s) {
        nextStep();
        ApiClient browser = new ApiClient(app.port());
        ApiClient.Answer a = signIn(browser, s.login(), PASSWORD, s.code());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return browser;
    }

    private static void nextStep() {
        clock.jumpTo(clock.instant().plusSeconds(Totp.STEP_SECONDS));
    }

    private String origin() {
        return "http://127.0.0.1:" + app.port();
    }

    @Test
    void anOperatorSignsInWithPasswordAndCodeAndGetsASessionCookieOfItsOwn() {
        Staff kim = create(Role.OPERATOR);
        ApiClient browser = new ApiClient(app.port());
        nextStep();

        ApiClient.Answer a = signIn(browser, kim.login(), PASSWORD, kim.code());

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().fieldNames()).containsExactlyInAnyOrder("login", "name", "role", "clinics", "expiresAt");
        assertThat(a.json().getString("role")).isEqualTo("operator");
        assertThat(Duration.between(clock.instant(), Instant.parse(a.json().getString("expiresAt")))).isBetween(Duration.ofHours(11),
                Duration.ofHours(12));
        String cookie = a.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("orderly_staff=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        assertThat(a.body()).doesNotContain(PASSWORD).doesNotContain(kim.secret());
        assertThat(browser.get("/api/staff/me").json().getString("login")).isEqualTo(kim.login());
        assertThat(browser.get("/api/operator/gates").status()).isEqualTo(200);
        assertThat(browser.get("/api/me").status()).as("not a citizen's session").isEqualTo(401);
    }

    @Test
    void everyBadCredentialGetsTheSameAnswer() {
        Staff kim = create(Role.OPERATOR);
        create(Role.AUDITOR);
        ApiClient browser = new ApiClient(app.port());
        nextStep();
        String wrongCode = kim.code().equals("000000") ? "000001" : "000000";

        List<ApiClient.Answer> answers = List.of(signIn(browser, "nobody-here", PASSWORD, kim.code()),
                signIn(browser, kim.login(), "not the password at all", kim.code()), signIn(browser, kim.login(), PASSWORD, wrongCode),
                signIn(browser, OperatorAuthMachine.LOGIN, TOKEN, kim.code()));

        for (ApiClient.Answer a : answers) {
            assertProblem(a, 401, "sign-in-failed");
            assertThat(a.body()).isEqualTo(answers.getFirst().body());
            assertThat(a.header("Set-Cookie") == null || !a.header("Set-Cookie").startsWith("orderly_staff=")).isTrue();
        }
        assertProblem(browser.post("/api/staff/sign-in", new JsonObject().put("login", "x").put("password", "y")), 400, "bad-request");
        assertProblem(browser.post("/api/staff/sign-in", "{\"login\":\"x\",\"password\":\"y\",\"code\":\"1\",\"admin\":true}"), 400,
                "bad-request");
    }

    /** The machine account's login as the tests name it (the server's constant is package-private). */
    private static final class OperatorAuthMachine {
        static final String LOGIN = "machine:operator";
    }

    @Test
    void oneAddressMakesThirtySignInAttemptsInFiveMinutesAtMost() {
        ApiClient elsewhere = ApiClient.from("127.0.0.9", app.port());
        // The server's clock stands still: the bucket refills one attempt per 10 s, and on a slow machine
        // thirty real attempts took longer than that, so the 31st was let through for a reason of speed.
        clock.hold();
        try {
            for (int i = 0; i < 30; i++) {
                assertProblem(signIn(elsewhere, "spray-" + i, PASSWORD, "123456"), 401, "sign-in-failed");
            }

            ApiClient.Answer limited = signIn(elsewhere, "spray-30", PASSWORD, "123456");

            assertProblem(limited, 429, "rate-limited");
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 10L);
            assertThat(signIn(new ApiClient(app.port()), "spray-30", PASSWORD, "123456").status()).as("another address").isEqualTo(401);

            // The refill is the limiter's own time, not the machine's: 10 s on the clock buys one attempt.
            clock.jumpTo(clock.instant().plusSeconds(10));
            assertProblem(signIn(elsewhere, "spray-31", PASSWORD, "123456"), 401, "sign-in-failed");
            assertProblem(signIn(elsewhere, "spray-32", PASSWORD, "123456"), 429, "rate-limited");
        } finally {
            clock.resume();
        }
    }

    @Test
    void aCodeSignsInOnce() {
        Staff kim = create(Role.OPERATOR);
        nextStep();
        String code = kim.code();
        assertThat(signIn(new ApiClient(app.port()), kim.login(), PASSWORD, code).status()).isEqualTo(200);

        assertProblem(signIn(new ApiClient(app.port()), kim.login(), PASSWORD, code), 401, "sign-in-failed");
    }

    @Test
    void fiveFailuresLockTheLoginForFifteenMinutes() {
        Staff kim = create(Role.OPERATOR);
        ApiClient browser = new ApiClient(app.port());
        for (int i = 1; i < 5; i++) {
            assertProblem(signIn(browser, kim.login(), "wrong password " + i, kim.code()), 401, "sign-in-failed");
        }
        ApiClient.Answer locked = signIn(browser, kim.login(), "wrong password 5", kim.code());
        assertProblem(locked, 429, "sign-in-locked");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(890L, 900L);
        nextStep();
        assertProblem(signIn(browser, kim.login(), PASSWORD, kim.code()), 429, "sign-in-locked");
        assertThat(machine.get("/api/operator/staff").array().stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("login").equals(kim.login())).findFirst().orElseThrow().getBoolean("locked")).isTrue();

        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(15)));

        assertThat(signIn(browser, kim.login(), PASSWORD, kim.code()).status()).isEqualTo(200);
    }

    @Test
    void aSessionEndsAfterThirtyMinutesUnusedAndTwelveHoursAfterSignIn() {
        Staff kim = create(Role.AUDITOR);
        ApiClient idle = signedIn(kim);
        ApiClient busy = signedIn(kim);

        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(20)));
        assertThat(busy.get("/api/staff/me").status()).isEqualTo(200);
        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(11)));
        assertProblem(idle.get("/api/staff/me"), 401, "not-signed-in");
        assertProblem(idle.get("/api/operator/gates"), 401, "operator-only");
        assertThat(busy.get("/api/operator/gates").status()).isEqualTo(200);

        for (int i = 0; i < 12 * 3 - 2; i++) {
            clock.jumpTo(clock.instant().plus(Duration.ofMinutes(20)));
            assertThat(busy.get("/api/staff/me").status()).as("after %d more 20 minutes", i + 1).isEqualTo(200);
        }
        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(20)));
        assertProblem(busy.get("/api/staff/me"), 401, "not-signed-in");
    }

    @Test
    void signingOutEndsTheSessionEvenForACopyOfTheCookie() {
        Staff kim = create(Role.OPERATOR);
        ApiClient browser = signedIn(kim);
        String value = browser.cookies().getCookieStore().getCookies().stream().filter(c -> c.getName().equals("orderly_staff"))
                .findFirst().orElseThrow().getValue();

        ApiClient.Answer out = browser.post("/api/staff/sign-out", null, "Origin", origin());

        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).startsWith("orderly_staff=;").contains("Max-Age=0");
        assertProblem(new ApiClient(app.port()).get("/api/staff/me", "Cookie", "orderly_staff=" + value), 401, "not-signed-in");
        assertProblem(new ApiClient(app.port()).get("/api/operator/gates", "Cookie", "orderly_staff=" + value), 401, "operator-only");
        assertThat(new ApiClient(app.port()).post("/api/staff/sign-out", null).status()).as("signed out already").isEqualTo(204);
    }

    @Test
    void eachRoleMayCallExactlyTheOperationsOfTheRoleTable() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Role role : Role.values()) {
            Staff s = role == Role.CLINIC ? create(role, 7) : create(role);
            ApiClient browser = signedIn(s);
            for (String operation : AccessRulesTest.staffOperations()) {
                boolean allowed = AccessRulesTest.meantToBeAllowed(role, operation);
                String method = operation.substring(0, operation.indexOf(' '));
                if (allowed && !method.equals("GET")) {
                    continue; // an operator's changes are allowed (AccessRulesTest); here they would change the night
                }
                if (allowed && operation.endsWith("/stream")) {
                    continue; // an allowed stream never ends (DashboardHttpIT reads it); a refused one is answered at once
                }
                String path = operation.substring(operation.indexOf(' ') + 1).replace(":clinicId", "7").replace(":date", "2030-01-01")
                        .replace(":gate", "identity").replace(":id", "nobody")
                        .replace(":login", "nobody") + (operation.equals("GET /api/operator/capacity") ? "?clinicId=7&from=2030-01-01" : "")
                        + (operation.startsWith("GET /fhir/") ? "?location=7&date=2030-01-01" : "");
                ApiClient.Answer a = switch (method) {
                    case "GET" -> browser.get(path);
                    case "DELETE" -> browser.delete(path, "Origin", origin());
                    case "PUT" -> browser.put(path, new JsonObject(), "Origin", origin());
                    case "PATCH" -> browser.send("PATCH", path, new JsonObject(), "Origin", origin());
                    default -> browser.post(path, new JsonObject(), "Origin", origin());
                };
                checked++;
                boolean refused = a.status() == 403 && a.body().contains("/problems/role-not-allowed");
                if (allowed == refused || a.status() == 401) {
                    wrong.add(role.slug() + " × " + operation + " → " + a.status() + " " + a.body());
                }
            }
        }
        assertThat(checked).isGreaterThan(60);
        assertThat(wrong).isEmpty();
    }

    @Test
    void aClinicAccountSeesOnlyItsOwnClinics() {
        ApiClient clinic = signedIn(create(Role.CLINIC, 3, 4));

        assertThat(clinic.get("/api/operator/capacity?clinicId=4&from=2030-01-01").status()).isEqualTo(200);
        assertProblem(clinic.get("/api/operator/capacity?clinicId=5&from=2030-01-01"), 403, "role-not-allowed");
        assertProblem(clinic.get("/api/operator/capacity?from=2030-01-01"), 403, "role-not-allowed");
        assertProblem(clinic.get("/api/operator/capacity?clinicId=4&clinicId=5&from=2030-01-01"), 403, "role-not-allowed");
        assertProblem(clinic.put("/api/operator/capacity", new JsonObject().put("clinicId", 4), "Origin", origin()), 403, "role-not-allowed");
        assertThat(clinic.get("/api/staff/me").json().getJsonArray("clinics")).isEqualTo(new JsonArray().add(3).add(4));
    }

    @Test
    void aChangeMadeWithTheStaffCookieMustComeFromOrderlysOwnPages() {
        ApiClient op = signedIn(create(Role.OPERATOR));

        assertProblem(op.post("/api/operator/gates/identity/resume", null, "Sec-Fetch-Site", "cross-site"), 403, "cross-site-request");
        assertProblem(op.post("/api/operator/gates/identity/resume", null, "Origin", "https://evil.example"), 403, "cross-site-request");
        assertProblem(op.post("/api/operator/gates/identity/resume", null, "Sec-Fetch-Site", "same-site"), 403, "cross-site-request");
        assertProblem(op.post("/api/operator/gates/identity/resume", null), 403, "cross-site-request");
        assertProblem(op.post("/api/staff/sign-in", new JsonObject(), "Origin", "https://evil.example"), 403, "cross-site-request");

        assertThat(op.post("/api/operator/gates/identity/resume", null, "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
        assertThat(op.post("/api/operator/gates/identity/resume", null, "Origin", origin()).status()).isEqualTo(200);
    }

    @Test
    void theMachineTokenIsTheOperatorMachineAccountAndNoPerson() {
        assertThat(machine.get("/api/operator/gates").status()).isEqualTo(200);
        assertThat(machine.post("/api/operator/gates/identity/resume", null).status()).as("no Origin needed: no cookie").isEqualTo(200);
        assertProblem(machine.get("/api/staff/me"), 401, "not-signed-in");
        assertProblem(new ApiClient(app.port()).withBearer("not-the-token-but-long-enough").get("/api/operator/gates"), 401, "operator-only");
        assertProblem(new ApiClient(app.port()).get("/api/operator/gates"), 401, "operator-only");
        assertProblem(new ApiClient(app.port()).get("/api/operator/gates", "Authorization", "Basic " + TOKEN), 401, "operator-only");
        assertProblem(machine.get("/api/operator/no-such-thing"), 404, "not-found");
    }

    @Test
    void operatorsManageAccountsAndAChangeOfRoleOrADisableEndsTheSessions() {
        Staff op = create(Role.OPERATOR);
        ApiClient operator = signedIn(op);
        Staff lee = create(Role.OPERATOR);
        Staff park = create(Role.AGENT);
        ApiClient leeBrowser = signedIn(lee);
        ApiClient parkBrowser = signedIn(park);

        JsonObject changed = operator.send("PATCH", "/api/operator/staff/" + lee.login(), new JsonObject().put("role", "auditor"),
                "Origin", origin()).json();
        assertThat(changed.getString("role")).isEqualTo("auditor");
        assertThat(operator.post("/api/operator/staff/" + park.login() + "/disable", null, "Origin", origin()).json().getBoolean("disabled"))
                .isTrue();

        assertProblem(leeBrowser.get("/api/staff/me"), 401, "not-signed-in");
        assertProblem(parkBrowser.get("/api/operator/gates"), 401, "operator-only");
        nextStep();
        assertProblem(signIn(new ApiClient(app.port()), park.login(), PASSWORD, park.code()), 401, "sign-in-failed");
        assertThat(signedIn(lee).get("/api/staff/me").json().getString("role")).isEqualTo("auditor");

        // Each change is in the audit log: who made it, from which role, the account before and after, no secret.
        // (The target filter is a prefix: operator-2 would match operator-21, so the exact target is picked out.)
        List<JsonObject> entries = operator.get("/api/operator/audit?target=staff:" + lee.login()).json().getJsonArray("entries").stream()
                .map(JsonObject.class::cast).filter(e -> e.getString("target").equals("staff:" + lee.login())).toList();
        assertThat(entries.stream().map(e -> e.getString("action"))).contains("staff.create", "staff.change");
        JsonObject change = entries.stream().filter(e -> e.getString("action").equals("staff.change")).findFirst().orElseThrow();
        assertThat(change.getString("actor")).isEqualTo(op.login());
        assertThat(change.getString("role")).isEqualTo("operator");
        assertThat(change.getValue("before").toString()).contains("\"operator\"").doesNotContain("totp").doesNotContain(PASSWORD);
        assertThat(change.getValue("after").toString()).contains("\"auditor\"");
        assertThat(operator.get("/api/operator/audit?action=staff.disable&target=staff:" + park.login()).json().getJsonArray("entries")
                .stream().map(JsonObject.class::cast).filter(e -> e.getString("target").equals("staff:" + park.login()))).hasSize(1);

        assertProblem(operator.post("/api/operator/staff/" + op.login() + "/disable", null, "Origin", origin()), 409, "own-account");
        assertProblem(operator.send("PATCH", "/api/operator/staff/" + op.login(), new JsonObject().put("role", "agent"), "Origin", origin()),
                409, "own-account");
        assertProblem(operator.post("/api/operator/staff", new JsonObject().put("login", lee.login()).put("name", "X").put("role", "agent")
                .put("password", PASSWORD), "Origin", origin()), 409, "staff-exists");
        assertProblem(operator.post("/api/operator/staff", new JsonObject().put("login", "shorty").put("name", "X").put("role", "agent")
                .put("password", "short"), "Origin", origin()), 422, "weak-password");
        assertProblem(operator.post("/api/operator/staff", new JsonObject().put("login", "shorty").put("name", "X").put("role", "agent")
                .put("password", "shorty"), "Origin", origin()), 422, "weak-password");
        assertProblem(operator.post("/api/operator/staff", new JsonObject().put("login", "Shorty!").put("name", "X").put("role", "agent")
                .put("password", PASSWORD), "Origin", origin()), 422, "invalid-staff");
        assertProblem(operator.post("/api/operator/staff", new JsonObject().put("login", "desk").put("name", "X").put("role", "clinic")
                .put("password", PASSWORD), "Origin", origin()), 422, "invalid-staff");
        assertProblem(operator.post("/api/operator/staff", new JsonObject().put("login", "desk").put("name", "X").put("role", "boss")
                .put("password", PASSWORD), "Origin", origin()), 400, "bad-request");
        assertProblem(operator.post("/api/operator/staff/ghost/disable", null, "Origin", origin()), 404, "unknown-staff");

        ApiClient.Answer list = operator.get("/api/operator/staff");
        assertThat(list.body()).doesNotContain("argon2").doesNotContain(lee.secret()).doesNotContain(PASSWORD);
    }

    @Test
    void aPasswordOrSecretResetGivesTheNewOneOnceAndEndsTheSessions() {
        Staff kim = create(Role.AGENT);
        ApiClient browser = signedIn(kim);

        ApiClient.Answer reset = machine.post("/api/operator/staff/" + kim.login() + "/password", null);
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        String made = reset.json().getString("password");
        assertThat(made).hasSize(20);
        assertProblem(browser.get("/api/staff/me"), 401, "not-signed-in");
        ApiClient.Answer totp = machine.post("/api/operator/staff/" + kim.login() + "/totp", null);
        String secret = totp.json().getString("totpSecret");
        assertThat(secret).isNotEqualTo(kim.secret());
        nextStep();

        assertProblem(signIn(new ApiClient(app.port()), kim.login(), PASSWORD, Totp.code(secret, clock.instant())), 401, "sign-in-failed");
        assertThat(signIn(new ApiClient(app.port()), kim.login(), made, Totp.code(secret, clock.instant())).status()).isEqualTo(200);
        ApiClient.Answer set = machine.post("/api/operator/staff/" + kim.login() + "/password", new JsonObject().put("password", PASSWORD));
        assertThat(set.json().containsKey("password")).isFalse();
    }

    @Test
    void aPersonReplacesAMadeUpPasswordWithTheirOwn() {
        Staff kim = create(Role.OPERATOR);
        ApiClient other = signedIn(kim);
        ApiClient browser = signedIn(kim);
        JsonObject change = new JsonObject().put("password", PASSWORD).put("newPassword", "kim's own long password");

        assertProblem(browser.post("/api/staff/password", change), 403, "cross-site-request");
        assertProblem(browser.post("/api/staff/password", change.copy().put("password", "not it at all"), "Origin", origin()), 403,
                "wrong-password");
        assertProblem(browser.post("/api/staff/password", change.copy().put("newPassword", "short"), "Origin", origin()), 422,
                "weak-password");
        assertProblem(new ApiClient(app.port()).post("/api/staff/password", change, "Origin", origin()), 401, "not-signed-in");
        ApiClient.Answer changed = browser.post("/api/staff/password", change, "Origin", origin());

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.header("Set-Cookie")).startsWith("orderly_staff=");
        assertThat(browser.get("/api/staff/me").status()).as("this browser stays signed in").isEqualTo(200);
        assertProblem(other.get("/api/staff/me"), 401, "not-signed-in");
        nextStep();
        assertThat(signIn(new ApiClient(app.port()), kim.login(), "kim's own long password", kim.code()).status()).isEqualTo(200);
    }

    @Test
    void theFirstOperatorComesFromTheCommandLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StaffTool.run(new String[] {"add", "--login", "first-op", "--name", "Kim Minji", "--role", "operator", "--password-stdin"},
                settings, new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("created operator 'first-op' (Kim Minji)").contains("otpauth://totp/Orderly%3Afirst-op?secret=")
                .doesNotContain(PASSWORD);
        Matcher m = Pattern.compile("Authenticator secret \\(shown this once\\): ([A-Z2-7]+)").matcher(printed);
        assertThat(m.find()).isTrue();
        Staff first = new Staff("first-op", m.group(1));
        assertThat(signedIn(first).get("/api/staff/me").json().getString("role")).isEqualTo("operator");
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT password_hash FROM staff_accounts WHERE login = 'first-op'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        }

        assertThat(cli(out, "list")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("operator 'first-op' (Kim Minji)");
        assertThat(cli(out, "add", "--login", "first-op", "--name", "Again", "--role", "operator", "--password-stdin")).isEqualTo(1);
        assertThat(cli(out, "disable", "nobody-at-all")).isEqualTo(1);
        assertThat(cli(out, "add", "--login", "x2", "--name", "X", "--role", "boss", "--password-stdin")).isEqualTo(2);
        assertThat(cli(out, "add", "--name", "X", "--role", "agent", "--password-stdin")).isEqualTo(2);
        assertThat(cli(out, "frobnicate")).isEqualTo(2);
        assertThat(cli(out)).isEqualTo(2);
        assertThat(cli(out, "disable", "first-op")).isZero();
        nextStep();
        assertProblem(signIn(new ApiClient(app.port()), first.login(), PASSWORD, first.code()), 401, "sign-in-failed");
    }

    private static int cli(ByteArrayOutputStream out, String... args) {
        out.reset();
        return StaffTool.run(args, settings, new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
