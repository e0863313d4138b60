package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changing a booking takes a place freed by someone else, so it goes through the booking line as a
 * booking does: with a booking pass, spent by the change, whenever the line is not idle. While the
 * booking gate is open with nobody waiting, a change needs no pass.
 */
class ChangeThroughTheBookingLineIT {

    private static final String TOKEN = "operator-token-for-tests-0123456789";

    private OrderlyApp app;
    private ApiClient browser;

    @BeforeEach
    void start() {
        app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC());
        browser = new ApiClient(app.port());
        browser.waitForIdentityPass(Duration.ofMinutes(2));
        JsonObject resident = browser.get("/api/dev/residents").array().getJsonObject(0);
        assertThat(browser.verifyAs(resident).status()).isEqualTo(200);
        browser.waitForPass("booking", Duration.ofMinutes(2));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void aChangeNeedsABookingPassWhileTheBookingLineIsNotIdleAndSpendsIt() {
        JsonObject first = choice(0);
        ApiClient.Answer booked = browser.post("/api/reservations", first, "Idempotency-Key", "b-1");
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        LocalDate dose2 = LocalDate.parse(booked.json().getString("dose2Day"));
        assertThat(operator().post("/api/operator/gates/booking/pause", new JsonObject().put("message", "busy")).status()).isEqualTo(200);

        // The pass was spent by the booking: with the line not idle, no change gets past it.
        assertProblem(browser.put("/api/reservations/mine", choice(1), "Idempotency-Key", "m-1"), 403, "pass-spent");
        assertProblem(browser.put("/api/reservations/mine/dose2", new JsonObject().put("day", dose2.plusDays(1).toString())),
                403, "pass-spent");
        var jar = browser.cookies().getCookieStore();
        jar.getCookies().stream().filter(c -> c.getName().equals("orderly_pass_booking")).toList().forEach(c -> jar.remove(null, c));
        assertProblem(browser.put("/api/reservations/mine", choice(1)), 403, "no-pass");
        assertThat(browser.get("/api/reservations/mine").json().getString("dose1Day")).isEqualTo(first.getString("day"));

        // Through the line again: one change with the new pass, which it spends.
        assertThat(operator().post("/api/operator/gates/booking/resume", null).status()).isEqualTo(200);
        browser.waitForPass("booking", Duration.ofMinutes(2));
        assertThat(operator().post("/api/operator/gates/booking/pause", new JsonObject()).status()).isEqualTo(200);
        ApiClient.Answer moved = browser.put("/api/reservations/mine", choice(1), "Idempotency-Key", "m-2");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(browser.put("/api/reservations/mine", choice(1), "Idempotency-Key", "m-2").json())
                .as("a retry of the answered change gets its answer").isEqualTo(moved.json());
        assertProblem(browser.put("/api/reservations/mine", choice(2), "Idempotency-Key", "m-3"), 403, "pass-spent");

        // Open with nobody waiting: a change takes nobody's turn and needs no pass.
        assertThat(operator().post("/api/operator/gates/booking/resume", null).status()).isEqualTo(200);
        ApiClient.Answer whileIdle = changeOnceIdle(choice(2));
        assertThat(whileIdle.status()).as(whileIdle.body()).isEqualTo(200);
        assertThat(whileIdle.json().getString("dose1Day")).isEqualTo(choice(2).getString("day"));
    }

    /** The gate's view refreshes on its next tick (100 ms): ask until the resumed gate counts as idle. */
    private ApiClient.Answer changeOnceIdle(JsonObject choice) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            ApiClient.Answer a = browser.put("/api/reservations/mine", choice, "Idempotency-Key", "m-idle");
            if (a.status() != 403 || System.nanoTime() > deadline) {
                return a;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /** A clinic-day with room, {@code dayOffset} days after the first bookable day, as a booking body. */
    private JsonObject choice(int dayOffset) {
        JsonObject me = browser.get("/api/me").json();
        String day = LocalDate.parse(me.getString("firstBookableDay")).plusDays(dayOffset).toString();
        String province = browser.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonArray clinics = browser.get("/api/clinics?province=" + java.net.URLEncoder.encode(province, java.nio.charset.StandardCharsets.UTF_8))
                .json().getJsonArray("clinics");
        JsonObject clinic = clinics.getJsonObject(0);
        JsonObject place = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("day").equals(day) && d.getInteger("remaining") > 0).findFirst().orElseThrow();
        return new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day).put("product", place.getString("product"));
    }

    private ApiClient operator() {
        return new ApiClient(app.port()).withBearer(TOKEN);
    }

    private static void assertProblem(ApiClient.Answer a, int status, String type) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.json().getString("type")).isEqualTo("/problems/" + type);
    }
}
