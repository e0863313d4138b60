package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.gate.JwtPassSigner;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three Orderly apps in one JVM on one PostgreSQL and one Redis, as three nodes behind a load
 * balancer that never sends two requests in a row to the same one: everything a request needs
 * (the gate's line and passes, the SMS code and the dev inbox, the session, the idempotency key,
 * the booking) must be reachable from any node, and an address's rate limit is one limit.
 */
class OneWalkAcrossThreeNodesIT {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    /** Low enough that three nodes each granting it would show: 3 x 6 = 18 joins, not 6. */
    private static final int JOINS_PER_ADDRESS = 6;

    private static final List<OrderlyApp> NODES = new ArrayList<>();
    private static int[] ports;

    @BeforeAll
    static void startThreeNodes() {
        SecureRandom random = new SecureRandom();
        Map<String, String> shared = new HashMap<>();
        shared.put("ORDERLY_DATABASE_URL", TestDatabase.fresh());
        shared.put("ORDERLY_REDIS_URL", TestRedis.url());
        shared.put("ORDERLY_REDIS_PREFIX", "walk-" + UUID.randomUUID());
        shared.put("ORDERLY_PII_HASH_KEY", key(random));
        shared.put("ORDERLY_PHONE_KEYS", "p1:" + key(random));
        shared.put("ORDERLY_SIGNING_KEYS", "k1:" + key(random));
        shared.put("ORDERLY_PASS_KEYS", JwtPassSigner.generateKeys().toString(false));
        shared.put("ORDERLY_OPERATOR_TOKEN", "operator-token-" + UUID.randomUUID());
        shared.put("ORDERLY_RATE_JOIN_PER_ADDRESS", JOINS_PER_ADDRESS + "/1h");
        // The first node writes the demo data into the empty database; the others find it there.
        for (int i = 0; i < 3; i++) {
            NODES.add(TestApp.start(shared, Clock.systemUTC()));
        }
        ports = NODES.stream().mapToInt(OrderlyApp::port).toArray();
    }

    @AfterAll
    static void stopThem() {
        NODES.reversed().forEach(OrderlyApp::close);
    }

    @Test
    void eachStepOfOneCitizensWalkGoesToAnotherNode() {
        ApiClient browser = new ApiClient(ports[0]);

        // Join the identity line on node 0, be admitted by polling node 1.
        ApiClient.Answer joined = browser.post("/api/gates/identity/join", null);
        assertThat(joined.status()).isIn(200, 201);
        awaitAdmitted(browser.withPort(ports[1]), "identity");

        // Ask for a code on node 2, read it on node 0's dev inbox, enter it on node 1.
        JsonObject resident = browser.withPort(ports[2]).get("/api/dev/residents").array().getJsonObject(0);
        ApiClient.Answer challenge = browser.withPort(ports[2]).post("/api/identity/challenges", new JsonObject()
                .put("name", resident.getString("name")).put("birthDate", resident.getString("birthDate"))
                .put("phone", resident.getString("phone")));
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(201);
        ApiClient.Answer inbox = browser.withPort(ports[0]).get("/api/dev/sms?phone=" + resident.getString("phone"));
        assertThat(inbox.status()).as("node 0 shows the code node 2 sent: " + inbox.body()).isEqualTo(200);
        Matcher code = CODE.matcher(inbox.json().getString("text"));
        assertThat(code.find()).isTrue();
        assertThat(browser.withPort(ports[1]).get("/api/dev/sms").array().stream().map(JsonObject.class::cast)
                .anyMatch(m -> m.getString("text").contains(code.group(1)))).as("node 1's inbox page lists it too").isTrue();
        ApiClient.Answer verified = browser.withPort(ports[1]).post("/api/identity/challenges/" + challenge.json().getString("challengeId")
                + "/verify", new JsonObject().put("code", code.group(1)));
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);

        // The session from node 1 is known to node 2; the booking line joined there, admitted on node 0.
        JsonObject me = browser.withPort(ports[2]).get("/api/me").json();
        assertThat(me.getString("name")).isEqualTo(resident.getString("name"));
        assertThat(browser.withPort(ports[2]).post("/api/gates/booking/join", null).status()).isIn(200, 201);
        awaitAdmitted(browser.withPort(ports[0]), "booking");

        // Search on node 1, book on node 2, the retry with the same key on node 0 gets the same booking.
        String firstDay = me.getString("firstBookableDay");
        String province = browser.withPort(ports[1]).get("/api/regions").array().getJsonObject(0).getString("province");
        JsonObject clinic = browser.withPort(ports[1]).get("/api/clinics?province=" + CitizenWalkHttpIT.enc(province)).json()
                .getJsonArray("clinics").getJsonObject(0);
        JsonObject day = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("day").equals(firstDay)).findFirst().orElseThrow();
        JsonObject choice = new JsonObject().put("clinicId", clinic.getLong("id")).put("day", firstDay).put("product", day.getString("product"));
        ApiClient.Answer booked = browser.withPort(ports[2]).post("/api/reservations", choice, "Idempotency-Key", "three-nodes-1");
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        ApiClient.Answer retried = browser.withPort(ports[0]).post("/api/reservations", choice, "Idempotency-Key", "three-nodes-1");
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.json()).isEqualTo(booked.json());

        // My reservation, read on node 1.
        assertThat(browser.withPort(ports[1]).get("/api/reservations/mine").json().getString("reference"))
                .isEqualTo(booked.json().getString("reference"));
        // The gate's figures are one set of figures, whichever node is asked.
        List<Long> joinedPerNode = java.util.Arrays.stream(ports)
                .mapToObj(p -> new ApiClient(p).get("/api/gates/identity").json().getLong("issued", -1L)).toList();
        assertThat(joinedPerNode).containsOnly(joinedPerNode.getFirst());
    }

    @Test
    void anAddressReachingThreeNodesGetsTheJoinLimitOnce() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5 * JOINS_PER_ADDRESS; i++) {
            // A new browser each time, all from one address, spread over the nodes in turn.
            ApiClient.Answer a = ApiClient.from("127.0.0.9", ports[i % 3]).post("/api/gates/identity/join", null);
            if (a.status() == 429) {
                assertThat(a.header("Retry-After")).isNotBlank();
            }
            statuses.add(a.status());
        }

        assertThat(statuses).filteredOn(s -> s == 200 || s == 201).hasSize(JOINS_PER_ADDRESS);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(4 * JOINS_PER_ADDRESS);
        assertThat(ApiClient.from("127.0.0.10", ports[1]).post("/api/gates/identity/join", null).status())
                .as("another address keeps its own limit").isIn(200, 201);
    }

    private static void awaitAdmitted(ApiClient viaNode, String gate) {
        long until = System.nanoTime() + ApiClient.PATIENCE.toNanos();
        while (true) {
            ApiClient.Answer status = viaNode.get("/api/gates/" + gate + "/status");
            assertThat(status.status()).as(status.body()).isEqualTo(200);
            if ("admitted".equals(status.json().getString("state"))) {
                return;
            }
            assertThat(System.nanoTime()).as("admitted to %s within %s: %s", gate, ApiClient.PATIENCE, status.body()).isLessThan(until);
            LockSupport.parkNanos(Duration.ofMillis(Math.min(200, status.json().getLong("pollAfterMs", 100L))).toNanos());
        }
    }

    private static String key(SecureRandom random) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
