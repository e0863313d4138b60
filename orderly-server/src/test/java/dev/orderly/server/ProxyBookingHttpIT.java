package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Booking for a family member over HTTP against a real Orderly and PostgreSQL: a verified citizen
 * books for a parent who confirms with the code sent to their own phone; the reservation is the
 * parent's, the proxy is recorded and the parent told; one appointment per person still holds; the
 * citizen's own booking-gate pass is needed (no way round the line); bad input is refused clearly.
 */
class ProxyBookingHttpIT {

    private static OrderlyApp app;
    private static ApiClient machine;
    private static int residentsUsed;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", BookingHttpIT.TOKEN), new ShiftingClock());
        machine = new ApiClient(app.port()).withBearer(BookingHttpIT.TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static JsonObject resident() {
        return machine.get("/api/dev/residents?count=1&offset=" + (residentsUsed++)).array().getJsonObject(0);
    }

    /** A browser verified as {@code who}, holding a booking pass. */
    private static ApiClient verified(JsonObject who) {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        assertThat(b.verifyAs(who).status()).isEqualTo(200);
        b.waitForPass("booking", Duration.ofSeconds(20));
        return b;
    }

    private static ApiClient.Answer confirm(ApiClient citizen, JsonObject parent) {
        ApiClient.Answer sent = citizen.post("/api/proxy/challenges", AgentHttpIT.claim(parent));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String code = AgentHttpIT.lastCode(citizen, parent.getString("phone"));
        return citizen.post("/api/proxy/challenges/" + sent.json().getString("challengeId") + "/verify", new JsonObject().put("code", code));
    }

    private static JsonObject choice(ApiClient citizen, int dayOffset) {
        JsonObject status = citizen.get("/api/proxy").json();
        String day = LocalDate.parse(status.getString("firstBookableDay")).plusDays(dayOffset).toString();
        String province = citizen.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonArray clinics = citizen.get("/api/proxy/clinics?province=" + CitizenWalkHttpIT.enc(province)).json().getJsonArray("clinics");
        JsonObject clinic = clinics.getJsonObject(0);
        JsonObject place = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("day").equals(day) && d.getInteger("remaining") > 0).findFirst().orElseThrow();
        return new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day).put("product", place.getString("product"));
    }

    private static long rows(String sql) throws Exception {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aCitizenBooksForAParentWhoseReservationItIsAndTheProxyIsRecorded() throws Exception {
        JsonObject child = resident();
        JsonObject parent = resident();
        ApiClient citizen = verified(child);

        ApiClient.Answer confirmed = confirm(citizen, parent);
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        assertThat(confirmed.body()).doesNotContain(parent.getString("phone")).doesNotContain(parent.getString("name"));
        assertThat(app.smsInbox().latestTo(parent.getString("phone")).orElseThrow().text()).contains("가족").contains("consent code");
        JsonObject status = citizen.get("/api/proxy").json();
        assertThat(status.getJsonObject("eligibility").getBoolean("eligible")).isTrue();
        assertThat(status.getJsonObject("resident").getString("maskedPhone")).contains("****");

        ApiClient.Answer booked = citizen.post("/api/proxy/reservations", choice(citizen, 0), "Idempotency-Key", "proxy-1");
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String reference = booked.json().getString("reference");
        assertThat(citizen.post("/api/proxy/reservations", choice(citizen, 0), "Idempotency-Key", "proxy-1").json())
                .as("a retry gets the first answer").isEqualTo(booked.json());
        assertProblem(citizen.get("/api/reservations/mine"), 404, "no-reservation");
        assertThat(citizen.get("/api/proxy").json().getJsonObject("reservation").getString("reference")).isEqualTo(reference);

        ApiClient parentsOwn = verified(parent);
        assertThat(parentsOwn.get("/api/reservations/mine").json().getString("reference")).isEqualTo(reference);
        JsonArray onBehalf = parentsOwn.get("/api/proxy/on-my-behalf").json().getJsonArray("onBehalf");
        assertThat(onBehalf).hasSize(1);
        assertThat(onBehalf.getJsonObject(0).getString("by")).isEqualTo("family");
        assertThat(onBehalf.getJsonObject(0).getString("maskedName")).contains("*").isNotEqualTo(child.getString("name"));
        assertThat(rows("SELECT count(*) FROM on_behalf WHERE reference = '" + reference + "' AND action = 'book' AND actor LIKE 'person:%'"))
                .isEqualTo(1);
        // The parent is told on their own phone, through the outbox.
        long until = System.nanoTime() + ApiClient.PATIENCE.toNanos();
        String last4 = parent.getString("phone").substring(parent.getString("phone").length() - 4);
        while (app.smsInbox().messages().stream().noneMatch(m -> m.phoneLast4().equals(last4)
                && m.text().contains("a family member booked " + reference))) {
            assertThat(System.nanoTime()).as("the parent's message is sent").isLessThan(until);
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }

        ApiClient.Answer moved = citizen.put("/api/proxy/reservations", choice(citizen, 1), "Idempotency-Key", "proxy-m-1");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        ApiClient.Answer cancelled = citizen.delete("/api/proxy/reservations", "Idempotency-Key", "proxy-c-1");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(parentsOwn.get("/api/proxy/on-my-behalf").json().getJsonArray("onBehalf").stream().map(JsonObject.class::cast)
                .map(e -> e.getString("action")).toList()).containsExactly("cancel", "change", "book");
    }

    @Test
    void aParentCannotGetTwoAppointmentsWhoeverBooks() {
        JsonObject child = resident();
        JsonObject parent = resident();
        ApiClient parentsOwn = verified(parent);
        ApiClient citizen = verified(child);
        assertThat(confirm(citizen, parent).status()).isEqualTo(200);

        ApiClient.Answer own = parentsOwn.post("/api/reservations", choice(citizen, 0));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        ApiClient.Answer second = citizen.post("/api/proxy/reservations", choice(citizen, 1));
        assertProblem(second, 409, "already-booked");
        assertThat(second.json().getJsonObject("reservation").getString("reference")).isEqualTo(own.json().getString("reference"));
    }

    @Test
    void aProxyBookingNeedsTheCitizensOwnPassOfTheBookingLine() {
        JsonObject child = resident();
        JsonObject parent = resident();
        ApiClient citizen = verified(child);
        ApiClient.Answer mine = citizen.post("/api/reservations", choice(verifiedChoiceSource(), 0));
        assertThat(mine.status()).as(mine.body()).isEqualTo(201);
        assertThat(confirm(citizen, parent).status()).isEqualTo(200);

        assertProblem(citizen.post("/api/proxy/reservations", choice(citizen, 0)), 403, "pass-spent");
        citizen.waitForPass("booking", Duration.ofSeconds(20));
        ApiClient.Answer booked = citizen.post("/api/proxy/reservations", choice(citizen, 0));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        assertThat(citizen.get("/api/reservations/mine").json().getString("reference")).isEqualTo(mine.json().getString("reference"))
                .isNotEqualTo(booked.json().getString("reference"));
    }

    /** A citizen confirmed for somebody, to read clinic days with. */
    private static ApiClient verifiedChoiceSource() {
        ApiClient b = verified(resident());
        assertThat(confirm(b, resident()).status()).isEqualTo(200);
        return b;
    }

    @Test
    void badInputWrongCodesAndMissingStepsAreClearProblems() {
        JsonObject child = resident();
        JsonObject parent = resident();
        ApiClient anonymous = new ApiClient(app.port());
        assertProblem(anonymous.post("/api/proxy/challenges", AgentHttpIT.claim(parent)), 401, "not-verified");
        assertProblem(anonymous.get("/api/proxy"), 401, "not-verified");

        ApiClient citizen = verified(child);
        assertProblem(citizen.post("/api/proxy/challenges", AgentHttpIT.claim(child)), 422, "proxy-self");
        assertProblem(citizen.post("/api/proxy/challenges", AgentHttpIT.claim(parent).put("name", "없는사람")), 422, "no-match");
        assertProblem(citizen.post("/api/proxy/challenges", AgentHttpIT.claim(parent).put("phone", "12")), 400, "bad-request");
        assertProblem(citizen.post("/api/proxy/challenges", AgentHttpIT.claim(parent).put("extra", 1)), 400, "bad-request");
        assertProblem(citizen.get("/api/proxy"), 409, "no-assisted-session");
        assertProblem(citizen.post("/api/proxy/reservations", new JsonObject().put("clinicId", 1).put("day", "2030-01-01").put("product", "PFZ")),
                409, "no-assisted-session");

        ApiClient.Answer sent = citizen.post("/api/proxy/challenges", AgentHttpIT.claim(parent));
        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().getString("challengeId");
        String code = AgentHttpIT.lastCode(citizen, parent.getString("phone"));
        ApiClient stranger = verified(resident());
        assertProblem(stranger.post("/api/proxy/challenges/" + id + "/verify", new JsonObject().put("code", code)), 404, "unknown-challenge");
        String wrong = code.equals("000000") ? "000001" : "000000";
        assertProblem(citizen.post("/api/proxy/challenges/" + id + "/verify", new JsonObject().put("code", wrong)), 422, "wrong-code");
        assertProblem(citizen.post("/api/proxy/challenges/" + id + "/verify", new JsonObject().put("code", "12")), 400, "bad-request");
        assertThat(citizen.post("/api/proxy/challenges/" + id + "/verify", new JsonObject().put("code", code)).status()).isEqualTo(200);
        assertThat(citizen.get("/api/proxy").status()).isEqualTo(200);

        assertThat(citizen.post("/api/identity/logout", null).status()).isEqualTo(204);
        ApiClient again = verified(child);
        assertProblem(again.get("/api/proxy"), 409, "no-assisted-session");
    }
}
