package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leave the line over HTTP, end to end: three verified people in the booking line (paused while
 * they join, then admitting one every 10 s); the last leaves; no text while more than the lead
 * (15 s) remains; then one text in the dev inbox with the link; a phone that opens it gets the same
 * place, then its turn and a pass that books; a second browser is refused the link; bad input 4xx.
 */
class LeaveTheLineHttpIT {

    private static final String TOKEN = "operator-token-for-tests-0123456789";

    @Test
    void leaveGetTheTextComeBackOnAnotherDeviceKeepThePlaceAndBook() throws Exception {
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_RECALL_LEAD_SECONDS", "15",
                "ORDERLY_PASS_LIFETIME_SECONDS", "120", "ORDERLY_PUBLIC_URL", "https://orderly.example"), Clock.systemUTC())) {
            ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);
            assertThat(operator.post("/api/operator/gates/booking/pause", new JsonObject()).status()).isEqualTo(200);
            assertThat(operator.put("/api/operator/gates/booking/admission", new JsonObject().put("policy", "FIXED_RATE")
                    .put("perSecond", 0.1)).status()).isEqualTo(200);
            JsonArray residents = new ApiClient(app.port()).get("/api/dev/residents?count=3").array();
            for (int i = 1; i <= 2; i++) {
                joinBooking(verified(app, residents.getJsonObject(i)));
            }
            JsonObject meResident = residents.getJsonObject(0);
            ApiClient me = verified(app, meResident);
            JsonObject mine = joinBooking(me);
            long rank = rankOnceDrawn(me, "booking");
            String phone = meResident.getString("phone");

            // Bad input first: nothing is armed by any of it.
            assertProblem(new ApiClient(app.port()).post("/api/gates/booking/leave", null), 400, "no-ticket");
            assertProblem(new ApiClient(app.port()).post("/api/gates/booking/leave", null, "Orderly-Ticket", mine.getString("ticket")),
                    401, "not-verified");
            assertProblem(me.post("/api/gates/booking/leave", null, "Orderly-Ticket", "k1.bm9uc2Vuc2U.eA"), 403, "invalid-ticket");
            assertProblem(me.post("/api/gates/booking/leave", null, "Orderly-Ticket", mine.getString("ticket")
                    .substring(0, mine.getString("ticket").length() - 3) + "abc"), 403, "invalid-ticket");
            assertProblem(me.post("/api/gates/nowhere/leave", null, "Orderly-Ticket", mine.getString("ticket")), 404, "unknown-gate");
            assertProblem(me.post("/api/gates/booking/back", new JsonObject()), 400, "bad-request");
            assertProblem(me.post("/api/gates/booking/back", new JsonObject().put("token", 42)), 400, "bad-request");
            assertProblem(me.post("/api/gates/booking/back", new JsonObject().put("token", "x".repeat(600))), 400, "bad-request");
            assertProblem(me.postRaw("/api/gates/booking/back", "application/json", "{not json"), 400, "bad-request");
            assertProblem(me.post("/api/gates/booking/back", new JsonObject().put("token", "k1.YWJj.Zm9yZ2Vk")), 403, "recall-link-invalid");

            ApiClient.Answer left = me.post("/api/gates/booking/leave", null);
            assertThat(left.status()).as(left.body()).isEqualTo(201);
            assertThat(left.json().getLong("leadSeconds")).isEqualTo(15);
            assertThat(me.post("/api/gates/booking/leave", null).status()).as("leaving twice arms one text").isEqualTo(201);
            Thread.sleep(2_500);
            assertThat(latestText(me, phone)).as("no text while the line is paused and 30 s remain").doesNotContain("back.html");

            assertThat(operator.post("/api/operator/gates/booking/resume", null).status()).isEqualTo(200);
            String text = awaitText(me, phone);
            assertThat(text).contains("https://orderly.example/back.html?gate=booking#");
            JsonObject when = me.get("/api/gates/booking/status").json();
            assertThat(when.getString("state").equals("admitted") || when.getLong("etaSeconds") <= 25)
                    .as("texted when about the lead remained: %s", when).isTrue();
            int hash = text.indexOf('#');
            String token = text.substring(hash + 1, text.indexOf(' ', hash));

            ApiClient device = new ApiClient(app.port());
            ApiClient.Answer back = device.post("/api/gates/booking/back", new JsonObject().put("token", token));
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(back.json().getLong("rank")).as("the same place").isEqualTo(rank);
            assertThat(back.json().getString("ticket")).isNotEqualTo(mine.getString("ticket"));
            assertThat(device.post("/api/gates/booking/back", new JsonObject().put("token", token)).status())
                    .as("the same browser may open it again").isEqualTo(200);
            assertProblem(new ApiClient(app.port()).post("/api/gates/booking/back", new JsonObject().put("token", token)), 403,
                    "recall-other-browser");

            JsonObject admitted = device.waitForPass("booking", Duration.ofMinutes(1));
            assertThat(admitted.getLong("rank")).isEqualTo(rank);
            assertThat(Instant.parse(admitted.getString("expiresAt"))).isAfter(Instant.now().plusSeconds(60));
            device.waitForIdentityPass(Duration.ofMinutes(1));
            assertThat(device.verifyAs(meResident).status()).isEqualTo(200);
            ApiClient.Answer booked = device.post("/api/reservations", choice(device), "Idempotency-Key", "leave-1");
            assertThat(booked.status()).as("the pass of the place given back books: %s", booked.body()).isEqualTo(201);

            List<String> texts = new ApiClient(app.port()).get("/api/dev/sms").array().stream()
                    .map(m -> ((JsonObject) m).getString("text")).filter(t -> t.contains("back.html")).toList();
            assertThat(texts).as("one text, never two").hasSize(1);
        }
    }

    /**
     * Anyone in the first (identity) line leaves it with a number proved by a code: a wrong code and
     * a number already waiting for another place are refused; the text comes when the turn nears,
     * its link gives the same place back; the number is gone from the recall and the outbox after.
     */
    @Test
    void anyoneInTheIdentityLineLeavesWithANumberAndACodeAndTheLinkGivesThePlaceBack() throws Exception {
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_RECALL_LEAD_SECONDS", "15",
                "ORDERLY_PUBLIC_URL", "https://orderly.example"), Clock.systemUTC())) {
            ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);
            assertThat(operator.post("/api/operator/gates/identity/pause", new JsonObject()).status()).isEqualTo(200);
            assertThat(operator.put("/api/operator/gates/identity/admission", new JsonObject().put("policy", "FIXED_RATE")
                    .put("perSecond", 0.1)).status()).isEqualTo(200);
            ApiClient other = new ApiClient(app.port());
            joinIdentity(new ApiClient(app.port()));
            joinIdentity(other);
            ApiClient me = new ApiClient(app.port());
            joinIdentity(me);
            long rank = rankOnceDrawn(me, "identity");
            String phone = "01077776666";

            assertProblem(me.post("/api/gates/identity/leave/phone", new JsonObject().put("phone", "12")), 400, "bad-request");
            assertProblem(new ApiClient(app.port()).post("/api/gates/identity/leave/phone", new JsonObject().put("phone", phone)), 400,
                    "no-ticket");
            String challenge = askCode(me, phone);
            String code = codeIn(latestText(me, phone));
            String wrong = code.equals("000000") ? "000001" : "000000";
            assertProblem(me.post("/api/gates/identity/leave/phone/" + challenge, new JsonObject().put("phone", phone).put("code", wrong)),
                    422, "wrong-code");
            ApiClient.Answer left = me.post("/api/gates/identity/leave/phone/" + challenge,
                    new JsonObject().put("phone", phone).put("code", code));
            assertThat(left.status()).as(left.body()).isEqualTo(201);
            assertThat(left.json().getString("state")).isEqualTo("left");
            assertThat(left.json().getString("maskedPhone")).doesNotContain("7777");

            String second = askCode(other, phone);
            assertProblem(other.post("/api/gates/identity/leave/phone/" + second,
                    new JsonObject().put("phone", phone).put("code", codeIn(latestText(me, phone)))), 409, "recall-phone-taken");
            assertThat(count(app, "SELECT count(*) FROM line_recalls WHERE phone_sealed IS NOT NULL")).isEqualTo(1);

            assertThat(operator.post("/api/operator/gates/identity/resume", null).status()).isEqualTo(200);
            String text = awaitText(me, phone);
            assertThat(text).contains("https://orderly.example/back.html?gate=identity#");
            int hash = text.indexOf('#');
            ApiClient device = new ApiClient(app.port());
            ApiClient.Answer back = device.post("/api/gates/identity/back", new JsonObject().put("token", text.substring(hash + 1,
                    text.indexOf(' ', hash))));
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(back.json().getLong("rank")).as("the same place").isEqualTo(rank);

            assertThat(count(app, "SELECT count(*) FROM line_recalls WHERE phone_sealed IS NOT NULL OR phone_hash IS NOT NULL"))
                    .as("the number is gone from the recall").isZero();
            assertThat(count(app, "SELECT count(*) FROM outbox WHERE kind = 'recall' AND sent_at IS NOT NULL AND phone_sealed IS NULL"))
                    .as("and from the outbox once sent").isEqualTo(1);
        }
    }

    private static long count(OrderlyApp app, String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = app.database().jdbc(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /**
     * The ticket's rank once its gate's pre-queue is drawn. Joins that come before the draw (on a busy
     * machine the first ones can) are in the pre-queue and get their rank from the draw: 0 until then.
     */
    private static long rankOnceDrawn(ApiClient c, String gate) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            JsonObject status = c.get("/api/gates/" + gate + "/status").json();
            long rank = status.getLong("rank", 0L);
            if (rank > 0) {
                return rank;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no rank drawn in the " + gate + " line within a minute: " + status);
            }
            Thread.sleep(250);
        }
    }

    private static JsonObject joinIdentity(ApiClient c) {
        ApiClient.Answer joined = c.post("/api/gates/identity/join", null);
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        assertThat(joined.json().getString("state")).isEqualTo("waiting");
        return joined.json();
    }

    private static String askCode(ApiClient c, String phone) {
        ApiClient.Answer asked = c.post("/api/gates/identity/leave/phone", new JsonObject().put("phone", phone));
        assertThat(asked.status()).as(asked.body()).isEqualTo(201);
        return asked.json().getString("challengeId");
    }

    private static String codeIn(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(\\d{6})\\b").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private static ApiClient verified(OrderlyApp app, JsonObject resident) {
        ApiClient c = new ApiClient(app.port());
        c.waitForIdentityPass(Duration.ofMinutes(2));
        assertThat(c.verifyAs(resident).status()).isEqualTo(200);
        return c;
    }

    private static JsonObject joinBooking(ApiClient c) {
        ApiClient.Answer joined = c.post("/api/gates/booking/join", null);
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        assertThat(joined.json().getString("state")).isEqualTo("waiting");
        return joined.json();
    }

    private static String latestText(ApiClient c, String phone) {
        return c.get("/api/dev/sms?phone=" + phone).json().getString("text");
    }

    private static String awaitText(ApiClient c, String phone) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            String text = latestText(c, phone);
            if (text.contains("back.html")) {
                return text;
            }
            assertThat(System.nanoTime()).as("a text within a minute of resuming").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static JsonObject choice(ApiClient browser) {
        JsonObject me = browser.get("/api/me").json();
        String day = LocalDate.parse(me.getString("firstBookableDay")).toString();
        String province = browser.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonArray clinics = browser.get("/api/clinics?province=" + URLEncoder.encode(province, StandardCharsets.UTF_8))
                .json().getJsonArray("clinics");
        JsonObject clinic = clinics.getJsonObject(0);
        JsonObject place = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("day").equals(day) && d.getInteger("remaining") > 0).findFirst().orElseThrow();
        return new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day).put("product", place.getString("product"));
    }

    private static void assertProblem(ApiClient.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.json().getString("type")).as(a.body()).isEqualTo("/problems/" + type);
    }
}
