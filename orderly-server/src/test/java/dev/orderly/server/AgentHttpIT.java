package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.staff.Role;
import dev.orderly.staff.Totp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The call centre over HTTP against a real Orderly and PostgreSQL: an agent finds a caller, sends
 * them a code, confirms with it and books, changes and cancels for them through the citizen's
 * rules and idempotency, on the agent gate's line; wrong codes run out; the assisted session
 * belongs to one staff session, ends after 15 minutes on a driven clock and on sign-out; every
 * step is in the audit log under the agent's login; other roles are refused.
 */
class AgentHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private static final ShiftingClock clock = new ShiftingClock();
    private static OrderlyApp app;
    private static ApiClient machine;
    private static int accounts;
    private static int residentsUsed;

    @BeforeAll
    static void start() {
        app = OrderlyApp.start(TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN)), clock);
        machine = new ApiClient(app.port()).withBearer(TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A browser signed in as staff; changes carry this server's Origin, as the console's pages do. */
    record Staff(String login, ApiClient browser, String origin) {

        ApiClient.Answer post(String path, Object body, String... headers) {
            return browser.post(path, body, withOrigin(headers));
        }

        ApiClient.Answer put(String path, Object body, String... headers) {
            return browser.put(path, body, withOrigin(headers));
        }

        ApiClient.Answer delete(String path, String... headers) {
            return browser.delete(path, withOrigin(headers));
        }

        ApiClient.Answer get(String path) {
            return browser.get(path);
        }

        private String[] withOrigin(String... headers) {
            List<String> all = new ArrayList<>(List.of(headers));
            all.add("Origin");
            all.add(origin);
            return all.toArray(String[]::new);
        }
    }

    /** A new account of {@code role}, signed in in a browser of its own. */
    static Staff signedIn(OrderlyApp app, ApiClient machine, ShiftingClock clock, Role role) {
        String login = role.slug() + "-a" + (++accounts);
        JsonObject body = new JsonObject().put("login", login).put("name", "Agent " + accounts).put("role", role.slug())
                .put("password", PASSWORD);
        if (role == Role.CLINIC) {
            body.put("clinics", new JsonArray().add(1));
        }
        ApiClient.Answer made = machine.post("/api/operator/staff", body);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String secret = made.json().getString("totpSecret");
        // A fresh TOTP step, so that the code is not one used already.
        clock.jumpTo(clock.instant().plusSeconds(Totp.STEP_SECONDS));
        ApiClient browser = new ApiClient(app.port());
        ApiClient.Answer in = browser.post("/api/staff/sign-in", new JsonObject().put("login", login).put("password", PASSWORD)
                .put("code", Totp.code(secret, clock.instant())));
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        return new Staff(login, browser, "http://127.0.0.1:" + app.port());
    }

    private static Staff agent() {
        return signedIn(app, machine, clock, Role.AGENT);
    }

    /** A resident of the open cohort no other test here used. */
    private static JsonObject resident() {
        return machine.get("/api/dev/residents?count=1&offset=" + (residentsUsed++)).array().getJsonObject(0);
    }

    static JsonObject claim(JsonObject resident) {
        return new JsonObject().put("name", resident.getString("name")).put("birthDate", resident.getString("birthDate"))
                .put("phone", resident.getString("phone"));
    }

    static String lastCode(ApiClient any, String phone) {
        String text = any.get("/api/dev/sms?phone=" + phone).json().getString("text");
        Matcher m = CODE.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    /** Sends the caller a code and enters it as they read it out; the confirmation's body. */
    private static JsonObject confirmed(Staff agent, JsonObject resident) {
        ApiClient.Answer sent = agent.post("/api/operator/agent/challenges", claim(resident));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String code = lastCode(agent.browser(), resident.getString("phone"));
        ApiClient.Answer ok = agent.post("/api/operator/agent/challenges/" + sent.json().getString("challengeId") + "/verify",
                new JsonObject().put("code", code));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        return ok.json();
    }

    /** Joins the agent gate as this agent and polls until admitted. */
    static JsonObject agentPass(Staff agent) {
        ApiClient.Answer joined = agent.post("/api/operator/agent/gate/join", null);
        assertThat(joined.status()).as(joined.body()).isIn(200, 201);
        JsonObject status = joined.json();
        long until = System.nanoTime() + ApiClient.PATIENCE.toNanos();
        while (!"admitted".equals(status.getString("state"))) {
            assertThat(System.nanoTime()).as("admitted in time: %s", status).isLessThan(until);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            ApiClient.Answer a = agent.get("/api/gates/agent/status");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            status = a.json();
        }
        return status;
    }

    /** A clinic-day with room, {@code dayOffset} days after the first bookable day, as the agent finds it for the caller. */
    private static JsonObject choice(Staff agent, int dayOffset) {
        JsonObject session = agent.get("/api/operator/agent/session").json();
        String day = LocalDate.parse(session.getString("firstBookableDay")).plusDays(dayOffset).toString();
        String province = machine.get("/api/regions").array().getJsonObject(0).getString("province");
        ApiClient.Answer found = agent.get("/api/operator/agent/clinics?province=" + CitizenWalkHttpIT.enc(province));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonObject clinic = found.json().getJsonArray("clinics").getJsonObject(0);
        JsonObject place = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("day").equals(day) && d.getInteger("remaining") > 0).findFirst().orElseThrow();
        return new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day).put("product", place.getString("product"));
    }

    private static JsonArray auditOf(String login) {
        ApiClient.Answer a = machine.get("/api/operator/audit?limit=1000&actor=" + login);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().getJsonArray("entries");
    }

    private static List<String> actions(JsonArray entries) {
        return entries.stream().map(JsonObject.class::cast).map(e -> e.getString("action")).toList().reversed();
    }

    @Test
    void anAgentFindsACallerAndBooksChangesAndCancelsForThemUnderTheCitizensRules() {
        Staff agent = agent();
        JsonObject caller = resident();

        ApiClient.Answer found = agent.post("/api/operator/agent/residents/lookup", claim(caller));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonObject masked = found.json().getJsonObject("resident");
        assertThat(masked.fieldNames()).containsExactlyInAnyOrder("maskedName", "birthDate", "maskedPhone");
        assertThat(masked.getString("maskedPhone")).contains("****").endsWith(caller.getString("phone").substring(7));
        assertThat(found.body()).doesNotContain(caller.getString("name")).doesNotContain(caller.getString("phone"));

        assertProblem(agent.get("/api/operator/agent/session"), 409, "no-assisted-session");
        JsonObject ok = confirmed(agent, caller);
        assertThat(Duration.between(clock.instant(), java.time.Instant.parse(ok.getString("expiresAt"))))
                .isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
        assertThat(app.smsInbox().latestTo(caller.getString("phone")).orElseThrow().text()).contains("콜센터").contains("call-centre agent");
        JsonObject session = agent.get("/api/operator/agent/session").json();
        assertThat(session.getJsonObject("eligibility").getBoolean("eligible")).isTrue();
        assertThat(session.containsKey("reservation")).isFalse();

        JsonObject first = choice(agent, 0);
        JsonObject second = choice(agent, 1);
        assertProblem(agent.post("/api/operator/agent/reservations", first), 403, "no-pass");
        agentPass(agent);
        ApiClient.Answer booked = agent.post("/api/operator/agent/reservations", first, "Idempotency-Key", "agent-b-1");
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String reference = booked.json().getString("reference");
        ApiClient.Answer retried = agent.post("/api/operator/agent/reservations", first, "Idempotency-Key", "agent-b-1");
        assertThat(retried.status()).as("a lost answer retried: " + retried.body()).isEqualTo(201);
        assertThat(retried.json()).isEqualTo(booked.json());
        assertProblem(agent.post("/api/operator/agent/reservations", second, "Idempotency-Key", "agent-b-2"), 409, "already-booked");

        // The reservation is the caller's own: they see it when they sign in themselves.
        ApiClient citizen = new ApiClient(app.port());
        citizen.waitForIdentityPass(Duration.ofSeconds(20));
        assertThat(citizen.verifyAs(caller).status()).isEqualTo(200);
        assertThat(citizen.get("/api/reservations/mine").json().getString("reference")).isEqualTo(reference);
        JsonArray onBehalf = citizen.get("/api/proxy/on-my-behalf").json().getJsonArray("onBehalf");
        assertThat(onBehalf.getJsonObject(0).getString("by")).isEqualTo("call-centre");
        assertThat(onBehalf.getJsonObject(0).getString("action")).isEqualTo("book");

        ApiClient.Answer moved = agent.put("/api/operator/agent/reservations", second, "Idempotency-Key", "agent-m-1");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().getString("reference")).isEqualTo(reference);
        assertThat(moved.json().getString("dose1Day")).isEqualTo(second.getString("day"));
        assertThat(agent.put("/api/operator/agent/reservations", second, "Idempotency-Key", "agent-m-1").json()).isEqualTo(moved.json());
        LocalDate dose2 = LocalDate.parse(moved.json().getString("dose2Day"));
        ApiClient.Answer dose2Moved = agent.put("/api/operator/agent/reservations/dose2", new JsonObject().put("day", dose2.plusDays(1).toString()));
        assertThat(dose2Moved.status()).as(dose2Moved.body()).isEqualTo(200);
        assertProblem(agent.put("/api/operator/agent/reservations/dose2", new JsonObject().put("day", second.getString("day"))), 422,
                "outside-interval");

        ApiClient.Answer cancelled = agent.delete("/api/operator/agent/reservations", "Idempotency-Key", "agent-c-1");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(agent.delete("/api/operator/agent/reservations", "Idempotency-Key", "agent-c-1").json()).isEqualTo(cancelled.json());
        assertProblem(agent.delete("/api/operator/agent/reservations"), 404, "no-reservation");
        assertProblem(citizen.get("/api/reservations/mine"), 404, "no-reservation");
        assertThat(citizen.get("/api/proxy/on-my-behalf").json().getJsonArray("onBehalf").stream().map(JsonObject.class::cast)
                .map(e -> e.getString("action")).toList()).as("retries recorded once").containsExactly("cancel", "change", "change", "book");

        JsonArray entries = auditOf(agent.login());
        assertThat(actions(entries)).containsSubsequence("agent.lookup", "agent.code.send", "agent.code.verify", "agent.view",
                "agent.search", "agent.line.join", "agent.book", "agent.change", "agent.change-dose2", "agent.cancel");
        for (Object e : entries) {
            JsonObject entry = (JsonObject) e;
            assertThat(entry.getString("actor")).isEqualTo(agent.login());
            assertThat(entry.getString("role")).isEqualTo("agent");
            assertThat(entry.encode()).as("no personal data in the audit").doesNotContain(caller.getString("phone"))
                    .doesNotContain(caller.getString("name"));
        }
        assertThat(entries.stream().map(JsonObject.class::cast).filter(e -> e.getString("action").equals("agent.book"))
                .map(e -> e.getString("target"))).allMatch(t -> t.startsWith("resident:") && !t.equals("resident:none"));
    }

    @Test
    void badInputNoMatchAndNoSessionAreClearProblems() {
        Staff agent = agent();
        JsonObject caller = resident();

        assertProblem(agent.post("/api/operator/agent/residents/lookup", new JsonObject().put("name", "x").put("birthDate", "1960-01-01")), 400,
                "bad-request");
        assertProblem(agent.post("/api/operator/agent/residents/lookup", claim(caller).put("phone", "12345")), 400, "bad-request");
        assertProblem(agent.post("/api/operator/agent/residents/lookup", claim(caller).put("birthDate", "1960-13-01")), 400, "bad-request");
        assertProblem(agent.post("/api/operator/agent/residents/lookup", claim(caller).put("phone", "010-0000-0000")), 422, "no-match");
        assertProblem(agent.post("/api/operator/agent/challenges", claim(caller).put("name", "없는사람")), 422, "no-match");
        assertProblem(agent.post("/api/operator/agent/reservations", new JsonObject().put("clinicId", 1).put("day", "2030-01-01")
                .put("product", "PFZ")), 409, "no-assisted-session");
        assertProblem(agent.post("/api/operator/agent/reservations", new JsonObject().put("clinicId", "one")), 400, "bad-request");
        assertProblem(agent.post("/api/operator/agent/challenges/abc/verify", new JsonObject().put("code", "123456")), 404,
                "unknown-challenge");
        assertProblem(agent.post("/api/operator/agent/residents/lookup", claim(caller), "Origin", "http://evil.example"), 403,
                "cross-site-request");

        assertThat(actions(auditOf(agent.login()))).contains("agent.lookup", "agent.code.send");
        JsonObject noMatch = auditOf(agent.login()).stream().map(JsonObject.class::cast)
                .filter(e -> e.getString("action").equals("agent.lookup")).findFirst().orElseThrow();
        assertThat(noMatch.getString("target")).isEqualTo("resident:none");
    }

    @Test
    void wrongCodesRunOutAndAChallengeIsNoUseToAnotherAgent() {
        Staff agent = agent();
        Staff other = agent();
        JsonObject caller = resident();
        ApiClient.Answer sent = agent.post("/api/operator/agent/challenges", claim(caller));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().getString("challengeId");
        String code = lastCode(agent.browser(), caller.getString("phone"));
        String wrong = code.equals("000000") ? "000001" : "000000";

        assertProblem(other.post("/api/operator/agent/challenges/" + id + "/verify", new JsonObject().put("code", code)), 404,
                "unknown-challenge");
        ApiClient.Answer first = agent.post("/api/operator/agent/challenges/" + id + "/verify", new JsonObject().put("code", wrong));
        assertProblem(first, 422, "wrong-code");
        assertThat(first.json().getInteger("triesLeft")).isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            assertProblem(agent.post("/api/operator/agent/challenges/" + id + "/verify", new JsonObject().put("code", wrong)), 422, "wrong-code");
        }
        assertProblem(agent.post("/api/operator/agent/challenges/" + id + "/verify", new JsonObject().put("code", wrong)), 429, "too-many-tries");
        assertProblem(agent.post("/api/operator/agent/challenges/" + id + "/verify", new JsonObject().put("code", code)), 429, "too-many-tries");
        assertProblem(agent.get("/api/operator/agent/session"), 409, "no-assisted-session");
        assertProblem(other.get("/api/operator/agent/session"), 409, "no-assisted-session");
    }

    @Test
    void clinicAndAuditorAccountsAreRefused() {
        JsonObject caller = resident();
        for (Role role : List.of(Role.CLINIC, Role.AUDITOR)) {
            Staff s = signedIn(app, machine, clock, role);
            assertProblem(s.post("/api/operator/agent/residents/lookup", claim(caller)), 403, "role-not-allowed");
            assertProblem(s.post("/api/operator/agent/challenges", claim(caller)), 403, "role-not-allowed");
            assertProblem(s.get("/api/operator/agent/session"), 403, "role-not-allowed");
            assertProblem(s.post("/api/operator/agent/gate/join", null), 403, "role-not-allowed");
        }
        assertProblem(new ApiClient(app.port()).post("/api/operator/agent/residents/lookup", claim(caller)), 401, "operator-only");
        assertProblem(new ApiClient(app.port()).post("/api/gates/agent/join", null), 403, "agent-line");
    }

    @Test
    void theAssistedSessionEndsAfterFifteenMinutesAndWithTheStaffSession() {
        Staff agent = agent();
        JsonObject caller = resident();
        confirmed(agent, caller);
        assertThat(agent.get("/api/operator/agent/session").status()).isEqualTo(200);

        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(15)).plusSeconds(5));
        ApiClient.Answer late = agent.get("/api/operator/agent/session");
        assertProblem(late, 410, "assisted-session-expired");
        assertProblem(agent.post("/api/operator/agent/reservations", new JsonObject().put("clinicId", 1).put("day", "2030-01-01")
                .put("product", "PFZ")), 410, "assisted-session-expired");

        confirmed(agent, caller);
        assertThat(agent.get("/api/operator/agent/session").status()).isEqualTo(200);
        assertThat(agent.post("/api/staff/sign-out", null).status()).isEqualTo(204);
        assertProblem(agent.get("/api/operator/agent/session"), 401, "operator-only");
        assertThat(auditOf(agent.login()).isEmpty()).isFalse();
    }

    @Test
    void theAgentGatesRateSetByTheOperatorGovernsAgentBookings() {
        setAgentRate(0.001);
        try {
            Staff kim = agent();
            Staff lee = agent();
            ApiClient.Answer kimJoined = kim.post("/api/operator/agent/gate/join", null);
            ApiClient.Answer leeJoined = lee.post("/api/operator/agent/gate/join", null);
            assertThat(kimJoined.status()).isIn(200, 201);
            assertThat(leeJoined.status()).isIn(200, 201);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L);
            String kimState = kim.get("/api/gates/agent/status").json().getString("state");
            JsonObject leeStatus = lee.get("/api/gates/agent/status").json();
            assertThat(List.of(kimState, leeStatus.getString("state"))).as("one place in 1000 s: both cannot be in")
                    .contains("waiting");
            Staff waiting = "waiting".equals(leeStatus.getString("state")) ? lee : kim;

            JsonObject caller = resident();
            confirmed(waiting, caller);
            JsonObject place = choice(waiting, 2);
            assertProblem(waiting.post("/api/operator/agent/reservations", place), 403, "no-pass");
            // The online line is a line of its own: a citizen still gets a booking pass at the booking gate's rate.
            ApiClient citizen = new ApiClient(app.port());
            citizen.waitForIdentityPass(Duration.ofSeconds(20));
            assertThat(citizen.verifyAs(resident()).status()).isEqualTo(200);
            assertThat(citizen.waitForPass("booking", Duration.ofSeconds(20)).getString("state")).isEqualTo("admitted");

            setAgentRate(50);
            agentPass(waiting);
            ApiClient.Answer booked = waiting.post("/api/operator/agent/reservations", place);
            assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        } finally {
            setAgentRate(5);
        }
    }

    private static void setAgentRate(double perSecond) {
        ApiClient.Answer a = machine.put("/api/operator/gates/agent/admission",
                new JsonObject().put("policy", "FIXED_RATE").put("perSecond", perSecond));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }
}
