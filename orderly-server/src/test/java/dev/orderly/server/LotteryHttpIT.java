package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.PreQueueOrder;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lottery anyone can check, end to end: a gate configured by an operator publishes its
 * commitment at once; a re-draw is taken before joins open and refused (409, audited) after; the
 * secret stays hidden until the pre-queue is drawn; then it matches the commitment published before
 * the joins, and the rank of every real ticket — as the gate admits it — is what anyone recomputes
 * from the secret and the ticket's number (in Java here, and with docs/lottery-check.py where
 * Python is installed).
 */
class LotteryHttpIT {

    private static final String TOKEN = "operator-token-for-tests-0123456789";
    private static final String GATE = "lottery-it";

    @Test
    void theRevealedSecretMatchesTheCommitmentAndRecomputesEveryTicketsRank() throws Exception {
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC())) {
            ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);
            ApiClient anyone = new ApiClient(app.port());
            Instant joinFrom = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
            Instant opensAt = joinFrom.plusSeconds(4);
            JsonObject config = new JsonObject().put("joinFrom", joinFrom.toString()).put("opensAt", opensAt.toString())
                    .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 2));
            assertThat(operator.put("/api/operator/gates/" + GATE, config).status()).isEqualTo(201);

            JsonObject first = anyone.get("/api/gates/" + GATE + "/lottery").json();
            assertThat(first.getString("commitment")).matches("[0-9a-f]{64}");
            assertThat(first.getBoolean("revealed")).isFalse();
            assertThat(first.containsKey("secret")).isFalse();
            ApiClient.Answer redrawn = operator.post("/api/operator/gates/" + GATE + "/lottery/redraw", new JsonObject());
            assertThat(redrawn.status()).as(redrawn.body()).isEqualTo(200);
            String committed = redrawn.json().getString("commitment");
            assertThat(committed).isNotEqualTo(first.getString("commitment"));
            assertThat(redrawn.json().containsKey("secret")).isFalse();

            waitUntil(joinFrom);
            ApiClient.Answer refused = operator.post("/api/operator/gates/" + GATE + "/lottery/redraw", new JsonObject());
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().getString("type")).isEqualTo("/problems/lottery-fixed");
            assertThat(refused.json().getString("commitment")).isEqualTo(committed);

            List<ApiClient> people = new ArrayList<>();
            List<String> tickets = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                ApiClient person = new ApiClient(app.port());
                ApiClient.Answer joined = person.post("/api/gates/" + GATE + "/join", new JsonObject());
                assertThat(joined.status()).as(joined.body()).isEqualTo(201);
                assertThat(joined.json().getBoolean("inPreQueue")).isTrue();
                people.add(person);
                tickets.add(joined.json().getString("ticket"));
            }
            JsonObject before = anyone.get("/api/gates/" + GATE + "/lottery").json();
            assertThat(before.getString("commitment")).isEqualTo(committed);
            assertThat(before.containsKey("secret")).isFalse();
            assertThat(people.get(0).get("/api/gates/" + GATE + "/lottery/place", "Orderly-Ticket", tickets.get(0)).json().getLong("rank"))
                    .as("no rank before the draw").isZero();

            waitUntil(opensAt);
            JsonObject lottery = revealed(anyone);
            assertThat(lottery.getString("commitment")).isEqualTo(committed);
            assertThat(lottery.getBoolean("committedBeforeJoins")).isTrue();
            assertThat(Instant.parse(lottery.getString("committedAt"))).isBefore(joinFrom);
            assertThat(lottery.getLong("preQueueSize")).isEqualTo(25);
            byte[] secret = HexFormat.of().parseHex(lottery.getString("secret"));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(secret);
            sha.update(("|" + GATE).getBytes(StandardCharsets.UTF_8));
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(committed);

            PreQueueOrder recomputed = new PreQueueOrder(PreQueueOrder.keyFor(secret, GATE, lottery.getLong("opensAtMillis")), 25);
            List<Long> ranks = new ArrayList<>();
            for (int i = 0; i < people.size(); i++) {
                long number = numberIn(tickets.get(i));
                JsonObject place = people.get(i).get("/api/gates/" + GATE + "/lottery/place").json();
                assertThat(place.getLong("number")).isEqualTo(number);
                assertThat(place.getLong("rank")).isEqualTo(recomputed.rankOf(number));
                JsonObject status = people.get(i).get("/api/gates/" + GATE + "/status", "Orderly-Ticket", tickets.get(i)).json();
                assertThat(status.getLong("rank")).as("the rank the gate admits by").isEqualTo(recomputed.rankOf(number));
                ranks.add(status.getLong("rank"));
            }
            assertThat(ranks).containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());

            python(app.port(), tickets.get(3), recomputed.rankOf(numberIn(tickets.get(3))), committed);

            assertThat(anyone.get("/api/gates/nowhere/lottery").status()).isEqualTo(404);
            assertThat(anyone.get("/api/gates/" + GATE + "/lottery/place").status()).isEqualTo(400);
            assertThat(anyone.get("/api/gates/" + GATE + "/lottery/place", "Orderly-Ticket", "k1.bm90.aXQ").status()).isEqualTo(403);
            assertThat(anyone.post("/api/operator/gates/" + GATE + "/lottery/redraw", new JsonObject()).status()).isEqualTo(401);

            List<String> actions = operator.get("/api/operator/audit?target=gate:" + GATE).json().getJsonArray("entries").stream()
                    .map(e -> ((JsonObject) e).getString("action")).toList();
            assertThat(actions).contains("gate.create");
            assertThat(actions.stream().filter("gate.lottery.redraw"::equals)).as("the re-draw, not the refusal").hasSize(1);
        }
    }

    /** The number in a ticket, read as anyone can: keyId.base64url(gate|number|...).signature. */
    private static long numberIn(String ticket) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(ticket.split("\\.")[1]), StandardCharsets.UTF_8);
        return Long.parseLong(payload.split("\\|")[1]);
    }

    private static JsonObject revealed(ApiClient anyone) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            JsonObject l = anyone.get("/api/gates/" + GATE + "/lottery").json();
            if (l.getBoolean("revealed")) {
                return l;
            }
            assertThat(System.nanoTime()).as("revealed within a minute of opening").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void waitUntil(Instant at) throws InterruptedException {
        long ms = Duration.between(Instant.now(), at).toMillis();
        if (ms > 0) {
            Thread.sleep(ms + 50);
        }
    }

    /** The documented script, where Python is installed, recomputes the same rank and checks the commitment. */
    private static void python(int port, String ticket, long rank, String committed) throws Exception {
        Path script = Path.of("..", "docs", "lottery-check.py");
        boolean hasPython;
        try {
            hasPython = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (java.io.IOException e) {
            hasPython = false;
        }
        if (!hasPython) {
            System.err.println("python3 not installed: docs/lottery-check.py not run");
            return;
        }
        assertThat(Files.exists(script)).isTrue();
        Process p = new ProcessBuilder("python3", script.toString(), "--server", "http://127.0.0.1:" + port, "--ticket", ticket)
                .redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("commitment " + committed + ": matches the secret").contains(": rank " + rank + "\n");
    }
}
