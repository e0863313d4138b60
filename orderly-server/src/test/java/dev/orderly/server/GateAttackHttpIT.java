package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.orderly.server.gate.JwtPassSigner;
import dev.orderly.time.MutableClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tricks of July 2021, tried over a real socket against the real server, all failing: forged
 * and foreign tickets and passes, the queue URL skipped, passes replayed, clock changes, airplane
 * mode, many tabs. The server's clock is a fake one the test moves; the gate ticks on its own.
 */
class GateAttackHttpIT {

    private static final Instant START = Instant.parse("2021-07-26T11:00:00Z");
    private static MutableClock clock;
    private static OrderlyApp app;
    private static String operatorToken;

    @BeforeAll
    static void start() throws Exception {
        clock = MutableClock.at(START);
        // One person verifies from five devices here: limits per person and phone are raised to allow it.
        app = TestApp.start(Map.of("ORDERLY_GATE_IDENTITY_RATE", "5", "ORDERLY_PASS_LIFETIME_SECONDS", "60",
                "ORDERLY_CODE_DAILY_PER_PERSON", "50", "ORDERLY_CODE_DAILY_PER_PHONE", "50",
                "ORDERLY_RATE_CHALLENGE_PER_PHONE", "100/1m"), clock);
        operatorToken = app.operatorToken();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static ApiClient browser() {
        return new ApiClient(app.port());
    }

    /** Moves the server clock and waits (bounded) until the gate has ticked past it. */
    private static void advance(Duration step) {
        clock.advance(step);
        ApiClient probe = browser();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long before = probe.get("/api/gates/identity").json().getLong("admitted");
        // One tick is 100 ms; two figures reads apart guarantee a tick happened in between.
        while (System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(150).toNanos());
            if (probe.get("/api/gates/identity").json().getLong("admitted") >= before) {
                return;
            }
        }
    }

    private static JsonObject pollUntil(ApiClient client, String gate, Predicate<JsonObject> done) {
        long deadline = System.nanoTime() + ApiClient.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            ApiClient.Answer a = client.get("/api/gates/" + gate + "/status");
            if (a.status() != 200) {
                throw new AssertionError(a.status() + " " + a.body());
            }
            if (done.test(a.json())) {
                return a.json();
            }
            clock.advance(Duration.ofMillis(500));
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(120).toNanos());
        }
        throw new AssertionError("gave up waiting");
    }

    private static JsonObject admittedAtIdentity(ApiClient client) {
        client.post("/api/gates/identity/join", null);
        return pollUntil(client, "identity", s -> "admitted".equals(s.getString("state")));
    }

    private static JsonObject challengeBody(JsonObject resident) {
        return new JsonObject().put("name", resident.getString("name")).put("birthDate", resident.getString("birthDate"))
                .put("phone", resident.getString("phone"));
    }

    private static JsonObject resident(int i) {
        return browser().get("/api/dev/residents").array().getJsonObject(i);
    }

    @Test
    void theProtectedStepRefusesABrowserWithoutAPass() {
        ApiClient skipper = browser();
        ApiClient.Answer a = skipper.post("/api/identity/challenges", challengeBody(resident(0)));
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.json().getString("type")).isEqualTo("/problems/no-pass");
    }

    @Test
    void forgedTicketsAreRefused() {
        ApiClient client = browser();
        String ticket = client.post("/api/gates/identity/join", null).json().getString("ticket");
        String[] parts = ticket.split("\\.");
        String otherKey = "k9." + parts[1] + "." + parts[2];
        String badMac = parts[0] + "." + parts[1] + "." + "A".repeat(parts[2].length());
        String otherPayload = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("identity|1|0|xxxxxxxxxxxxxxxxxxxx|".getBytes()) + "." + parts[2];
        for (String forged : new String[] {otherKey, badMac, otherPayload, "garbage", ticket + "x"}) {
            ApiClient.Answer a = client.get("/api/gates/identity/status", "Orderly-Ticket", forged);
            assertThat(a.status()).as(forged).isEqualTo(403);
            assertThat(a.json().getString("type")).isEqualTo("/problems/invalid-ticket");
        }
    }

    @Test
    void aTicketOfOneGateIsNoTicketForAnother() {
        ApiClient client = browser();
        String ticket = client.post("/api/gates/identity/join", null).json().getString("ticket");
        ApiClient.Answer a = client.get("/api/gates/booking/status", "Orderly-Ticket", ticket);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.json().getString("type")).isEqualTo("/problems/other-gate");
    }

    @Test
    void forgedPassesAreRefused() throws Exception {
        ApiClient client = browser();
        admittedAtIdentity(client);
        String none = new PlainJWT(new JWTClaimsSet.Builder().issuer("orderly").audience("identity").claim("bid", "x")
                .claim("rank", 1).issueTime(new Date()).expirationTime(Date.from(START.plusSeconds(86_400))).build()).serialize();
        ECKey strangerKey = (ECKey) JwtPassSigner.generateKeys().getKeys().getFirst();
        SignedJWT stranger = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(strangerKey.getKeyID()).build(),
                JWTClaimsSet.parse(SignedJWT.parse(client.get("/api/gates/identity/status").json().getString("pass"))
                        .getJWTClaimsSet().toJSONObject()));
        stranger.sign(new ECDSASigner(strangerKey));
        for (String forged : new String[] {none, stranger.serialize(), "not.a.jwt"}) {
            ApiClient.Answer a = client.post("/api/identity/challenges", challengeBody(resident(1)), "Orderly-Pass", forged);
            assertThat(a.status()).isEqualTo(403);
            assertThat(a.json().getString("type")).isEqualTo("/problems/invalid-pass");
        }
    }

    @Test
    void aPassReplayedFromAnotherBrowserIsRefused() {
        ApiClient owner = browser();
        String pass = admittedAtIdentity(owner).getString("pass");
        ApiClient thief = browser();
        thief.get("/api/gates/identity");
        ApiClient.Answer a = thief.post("/api/identity/challenges", challengeBody(resident(2)), "Orderly-Pass", pass);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.json().getString("type")).isEqualTo("/problems/pass-other-browser");
        assertThat(owner.post("/api/identity/challenges", challengeBody(resident(2))).status()).isEqualTo(201);
    }

    @Test
    void aPassIsAcceptedAgainAfterADroppedConnectionButNotAfterItIsSpent() {
        ApiClient client = browser();
        admittedAtIdentity(client);
        JsonObject r = resident(3);
        // The first request "fails" on the way back (the browser never saw it); the pass still works.
        assertThat(client.post("/api/identity/challenges", challengeBody(r)).status()).isEqualTo(201);
        assertThat(client.verifyAs(r).status()).isEqualTo(200);
        ApiClient.Answer again = client.post("/api/identity/challenges", challengeBody(r));
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.json().getString("type")).isEqualTo("/problems/pass-spent");
        ApiClient.Answer status = client.get("/api/gates/identity/status");
        assertThat(status.status()).isEqualTo(403);
        assertThat(status.json().getString("type")).isEqualTo("/problems/pass-spent");
    }

    @Test
    void aPassExpiresOnTheServersClockAndPollingDoesNotRenewIt() {
        ApiClient client = browser();
        JsonObject admitted = admittedAtIdentity(client);
        Instant expiresAt = Instant.parse(admitted.getString("expiresAt"));
        clock.advance(Duration.ofSeconds(30));
        JsonObject later = client.get("/api/gates/identity/status").json();
        assertThat(Instant.parse(later.getString("expiresAt"))).isEqualTo(expiresAt);
        clock.set(expiresAt.plusSeconds(1));
        ApiClient.Answer a = client.post("/api/identity/challenges", challengeBody(resident(4)));
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.json().getString("type")).isEqualTo("/problems/pass-expired");
        ApiClient.Answer status = client.get("/api/gates/identity/status");
        assertThat(status.status()).isEqualTo(403);
        assertThat(status.json().getString("type")).isEqualTo("/problems/pass-expired");
    }

    @Test
    void nothingAClientSaysAboutTimeIsUsed() {
        ApiClient client = browser();
        String ticket = client.post("/api/gates/identity/join", null, "Date", "Mon, 01 Jan 2035 00:00:00 GMT",
                "X-Client-Time", "2035-01-01T00:00:00Z").json().getString("ticket");
        ApiClient.Answer plain = client.get("/api/gates/identity/status");
        ApiClient.Answer timeTravel = client.get("/api/gates/identity/status?now=2035-01-01T00:00:00Z&time=2035",
                "Date", "Mon, 01 Jan 2035 00:00:00 GMT", "X-Client-Time", "2035-01-01T00:00:00Z", "If-Modified-Since",
                "Mon, 01 Jan 2035 00:00:00 GMT");
        assertThat(timeTravel.json().getString("state")).isEqualTo(plain.json().getString("state"));
        if ("waiting".equals(plain.json().getString("state"))) {
            assertThat(timeTravel.json().getLong("rank")).isEqualTo(plain.json().getLong("rank"));
        }
        assertThat(ticket).doesNotContain("2035");
        ApiClient.Answer bodyTime = client.post("/api/identity/challenges",
                challengeBody(resident(5)).put("now", "2035-01-01T00:00:00Z"));
        assertThat(bodyTime.status()).isEqualTo(400);
    }

    @Test
    void twentyTabsOfOneBrowserHoldOnePlace() {
        ApiClient browser = browser();
        Set<Long> places = new HashSet<>();
        Set<String> tickets = new HashSet<>();
        for (int tab = 0; tab < 20; tab++) {
            JsonObject joined = browser.post("/api/gates/identity/join", null).json();
            tickets.add(joined.getString("ticket"));
            places.add(sequenceOf(joined.getString("ticket")));
        }
        assertThat(tickets).hasSize(1);
        assertThat(places).hasSize(1);
    }

    @Test
    void goingOfflineForMinutesKeepsThePlaceAndGainsNothing() {
        // A slow line of its own, so that five minutes offline end while still waiting.
        String auth = "Bearer " + operatorToken;
        ApiClient op = browser();
        assertThat(op.put("/api/operator/gates/airplane", new JsonObject().put("opensAt", clock.instant().toString())
                .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 0.001)), "Authorization", auth)
                .status()).isEqualTo(201);
        ApiClient first = browser();
        ApiClient offline = browser();
        ApiClient steady = browser();
        first.post("/api/gates/airplane/join", null);
        String offlineTicket = offline.post("/api/gates/airplane/join", null).json().getString("ticket");
        steady.post("/api/gates/airplane/join", null);
        long rankBefore = pollUntil(offline, "airplane", s -> s.getLong("rank") > 0).getLong("rank");
        // Airplane mode: the offline browser says nothing for five minutes; the clock moves on.
        clock.advance(Duration.ofMinutes(5));
        JsonObject back = offline.get("/api/gates/airplane/status").json();
        assertThat(back.getString("state")).isEqualTo("waiting");
        assertThat(back.getLong("rank")).isEqualTo(rankBefore);
        assertThat(steady.get("/api/gates/airplane/status").json().getLong("rank")).isGreaterThan(rankBefore);
        // Rejoining does not move it back (or forward): the same ticket comes back.
        assertThat(offline.post("/api/gates/airplane/join", null).json().getString("ticket")).isEqualTo(offlineTicket);
    }

    @Test
    void oneVerifiedPersonHoldsOnePlaceOnTheBookingGateFromAnyNumberOfDevices() {
        JsonObject person = resident(6);
        Set<Long> places = new HashSet<>();
        for (int device = 0; device < 5; device++) {
            ApiClient phone = browser();
            admittedAtIdentity(phone);
            assertThat(phone.verifyAs(person).status()).isEqualTo(200);
            for (int tab = 0; tab < 4; tab++) {
                ApiClient.Answer joined = phone.post("/api/gates/booking/join", null);
                assertThat(joined.status()).isIn(200, 201);
                places.add(sequenceOf(joined.json().getString("ticket")));
            }
        }
        assertThat(places).hasSize(1);
    }

    @Test
    void theBookingGateNeedsAVerifiedPerson() {
        ApiClient.Answer a = browser().post("/api/gates/booking/join", null);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().getString("type")).isEqualTo("/problems/not-verified");
    }

    private static long sequenceOf(String ticket) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(ticket.split("\\.")[1]));
        return Long.parseLong(payload.split("\\|")[1]);
    }

    @Test
    void theOperatorApiNeedsTheToken() {
        assertThat(browser().get("/api/operator/gates").status()).isEqualTo(401);
        assertThat(browser().get("/api/operator/gates", "Authorization", "Bearer wrong-token-0123456789").status()).isEqualTo(401);
        ApiClient.Answer ok = browser().get("/api/operator/gates", "Authorization", "Bearer " + operatorToken);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.array().stream().map(o -> ((JsonObject) o).getString("name"))).contains("identity", "booking");
    }

    @Test
    void operatorsPauseWithAMessageResumeAndCloseAGate() {
        String auth = "Bearer " + operatorToken;
        JsonObject config = new JsonObject().put("opensAt", clock.instant().toString())
                .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 1));
        ApiClient op = browser();
        assertThat(op.put("/api/operator/gates/drill", config, "Authorization", auth).status()).isEqualTo(201);
        ApiClient person = browser();
        assertThat(person.post("/api/gates/drill/join", null).status()).isEqualTo(201);
        JsonObject paused = op.post("/api/operator/gates/drill/pause", new JsonObject().put("message", "점검 중 / maintenance"),
                "Authorization", auth).json();
        assertThat(paused.getString("mode")).isEqualTo("PAUSED");
        JsonObject status = person.get("/api/gates/drill/status").json();
        assertThat(status.getString("phase")).isEqualTo("PAUSED");
        assertThat(status.getString("message")).isEqualTo("점검 중 / maintenance");
        assertThat(op.post("/api/operator/gates/drill/resume", null, "Authorization", auth).json().getString("mode")).isEqualTo("ACTIVE");
        assertThat(op.post("/api/operator/gates/drill/close", new JsonObject().put("message", "closed for today"), "Authorization", auth)
                .json().getString("mode")).isEqualTo("CLOSED");
        ApiClient late = browser();
        ApiClient.Answer refused = late.post("/api/gates/drill/join", null);
        assertThat(refused.status()).isEqualTo(410);
        assertThat(refused.json().getString("type")).isEqualTo("/problems/gate-closed");
    }

    @Test
    void badOperatorInputIsNamedAndChangesNothing() {
        String auth = "Bearer " + operatorToken;
        ApiClient op = browser();
        ApiClient.Answer unknownPolicy = op.put("/api/operator/gates/bad", new JsonObject().put("opensAt", START.toString())
                .put("admission", new JsonObject().put("policy", "AS_FAST_AS_POSSIBLE")), "Authorization", auth);
        assertThat(unknownPolicy.status()).isEqualTo(400);
        assertThat(unknownPolicy.json().getString("detail")).contains("policy");
        ApiClient.Answer negative = op.put("/api/operator/gates/bad", new JsonObject().put("opensAt", START.toString())
                .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", -5)), "Authorization", auth);
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().getString("detail")).contains("perSecond").contains("-5");
        ApiClient.Answer extra = op.put("/api/operator/gates/bad", new JsonObject().put("opensAt", START.toString()).put("speed", 9)
                .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 5)), "Authorization", auth);
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.json().getString("detail")).contains("speed");
        assertThat(op.get("/api/operator/gates/bad", "Authorization", auth).status()).isEqualTo(404);
        assertThat(op.put("/api/operator/gates/Bad%20Name", new JsonObject(), "Authorization", auth).status()).isEqualTo(400);
    }
}
