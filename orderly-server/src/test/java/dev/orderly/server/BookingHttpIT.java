package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.eligibility.Rotation;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Eligibility reasons, booking, changing and cancelling over a real socket, on a clock the test can move. */
class BookingHttpIT {

    static final String TOKEN = "operator-token-for-tests-0123456789";

    private final ShiftingClock clock = new ShiftingClock();
    private OrderlyApp app;
    private ApiClient browser;
    private JsonObject resident;

    @BeforeEach
    void start() {
        app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), clock);
        browser = verifiedBrowser();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private ApiClient verifiedBrowser() {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        if (resident == null) {
            resident = b.get("/api/dev/residents").array().getJsonObject(0);
        }
        assertThat(b.verifyAs(resident).status()).isEqualTo(200);
        b.waitForPass("booking", Duration.ofSeconds(20));
        return b;
    }

    @Test
    void someoneOffTheirRotationDayIsToldTheirDayAndBooksWhenItComes() {
        LocalDate today = SeoulCalendar.today(clock);
        int digit = Rotation.DEFAULT.groupOf(LocalDate.parse(resident.getString("birthDate")));
        char[] mapping = "----------".toCharArray();
        mapping[today.plusDays(2).getDayOfMonth() % 10] = (char) ('0' + digit);
        LocalDate theirDay = today.plusDays(1);
        while (theirDay.getDayOfMonth() % 10 != today.plusDays(2).getDayOfMonth() % 10) {
            theirDay = theirDay.plusDays(1);
        }
        JsonObject cohort = operator().get("/api/operator/cohorts").array().getJsonObject(0);
        cohort.put("rotation", new JsonObject().put("digitIndex", 7).put("mapping", new String(mapping)));
        String id = (String) cohort.remove("id");
        assertThat(operator().put("/api/operator/cohorts/" + id, cohort).status()).isEqualTo(200);

        JsonObject eligibility = browser.get("/api/me").json().getJsonObject("eligibility");
        assertThat(eligibility.getBoolean("eligible")).isFalse();
        assertThat(eligibility.getString("reason")).isEqualTo("WRONG_ROTATION_DAY");
        assertThat(eligibility.getString("yourDay")).isEqualTo(theirDay.toString());
        assertThat(eligibility.getString("opensAt")).isEqualTo(SeoulCalendar.startOf(theirDay).toString());
        ApiClient.Answer refused = browser.post("/api/reservations", body(choice(browser, 0)));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().getJsonObject("eligibility").getString("reason")).isEqualTo("WRONG_ROTATION_DAY");

        clock.jumpTo(SeoulCalendar.startOf(theirDay).plus(Duration.ofHours(1)));
        ApiClient later = verifiedBrowser();
        JsonObject me = later.get("/api/me").json();
        assertThat(me.getJsonObject("eligibility").getBoolean("eligible")).isTrue();
        assertThat(me.getJsonObject("eligibility").getJsonObject("window").getString("opensAt")).isNotBlank();
        ApiClient.Answer booked = later.post("/api/reservations", body(choice(later, 0)), "Idempotency-Key", "rotation-1");
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);

        JsonObject after = later.get("/api/me").json().getJsonObject("eligibility");
        assertThat(after.getString("reason")).isEqualTo("ALREADY_BOOKED");
        assertThat(after.getString("reference")).isEqualTo(booked.json().getString("reference"));
    }

    @Test
    void aBookingIsMovedRetriedAndCancelledAndThePlacesComeBackAtOnce() {
        JsonObject first = choice(browser, 0);
        JsonObject second = choice(browser, 1);
        String province = first.getString("province");
        first.remove("province");
        second.remove("province");
        long clinic = first.getLong("clinicId");
        String product = first.getString("product");
        int before = CitizenWalkHttpIT.remaining(browser, province, clinic, first.getString("day"), product);

        ApiClient.Answer booked = browser.post("/api/reservations", first, "Idempotency-Key", "b-1");
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        assertThat(CitizenWalkHttpIT.remaining(browser, province, clinic, first.getString("day"), product)).isEqualTo(before - 1);

        ApiClient.Answer moved = browser.put("/api/reservations/mine", second, "Idempotency-Key", "m-1");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        JsonObject r = moved.json();
        assertThat(r.getString("reference")).isEqualTo(booked.json().getString("reference"));
        assertThat(r.getString("dose1Day")).isEqualTo(second.getString("day"));
        assertThat(CitizenWalkHttpIT.remaining(browser, province, clinic, first.getString("day"), product)).isEqualTo(before);
        assertThat(browser.put("/api/reservations/mine", second, "Idempotency-Key", "m-1").json()).isEqualTo(r);
        assertProblem(browser.put("/api/reservations/mine", first, "Idempotency-Key", "m-1"), 422, "idempotency-key-reused");

        assertProblem(browser.put("/api/reservations/mine/dose2", new JsonObject().put("day", r.getString("dose1Day"))), 422,
                "outside-interval");
        LocalDate dose2 = LocalDate.parse(r.getString("dose2Day"));
        ApiClient.Answer dose2Moved = browser.put("/api/reservations/mine/dose2", new JsonObject().put("day", dose2.plusDays(1).toString()));
        assertThat(dose2Moved.status()).as(dose2Moved.body()).isEqualTo(200);
        assertThat(dose2Moved.json().getString("dose2Day")).isEqualTo(dose2.plusDays(1).toString());

        ApiClient.Answer cancelled = browser.delete("/api/reservations/mine", "Idempotency-Key", "c-1");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(browser.delete("/api/reservations/mine", "Idempotency-Key", "c-1").json()).isEqualTo(cancelled.json());
        assertProblem(browser.delete("/api/reservations/mine"), 404, "no-reservation");
        assertProblem(browser.put("/api/reservations/mine", second), 404, "no-reservation");
    }

    /** A clinic-day with room, {@code dayOffset} days after the first bookable day, as a booking body (with its province). */
    static JsonObject choice(ApiClient client, int dayOffset) {
        JsonObject me = client.get("/api/me").json();
        String day = LocalDate.parse(me.getString("firstBookableDay")).plusDays(dayOffset).toString();
        String province = client.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonArray clinics = client.get("/api/clinics?province=" + CitizenWalkHttpIT.enc(province)).json().getJsonArray("clinics");
        JsonObject clinic = clinics.getJsonObject(0);
        JsonObject place = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("day").equals(day) && d.getInteger("remaining") > 0).findFirst().orElseThrow();
        return new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day).put("product", place.getString("product"))
                .put("province", province);
    }

    private static JsonObject body(JsonObject choice) {
        JsonObject body = choice.copy();
        body.remove("province");
        return body;
    }

    private ApiClient operator() {
        return new ApiClient(app.port()).withBearer(TOKEN);
    }

    static void assertProblem(ApiClient.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo("/problems/" + type);
        assertThat(a.json().getString("detail")).isNotBlank();
    }
}
