package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Releases from no-shows against a real Orderly and PostgreSQL, on a driven clock: with
 * {@code ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER=16:00}, a citizen booked for a day who never came is,
 * after 16:00 that day, one dose released by {@code system} to the standby list (and the standby
 * citizen is texted the claim link), audited, and only once however long the server runs.
 */
class NoShowReleaseHttpIT {

    private static final Pattern LINK = Pattern.compile("/claim\\.html\\?offer=[A-Za-z0-9_-]{32}");

    @Test
    void afterTheSetTimeTheDosesOfNoShowsGoToTheStandbyListOnceBySystem() {
        ShiftingClock clock = new ShiftingClock();
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", BookingHttpIT.TOKEN,
                "ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER", "16:00"), clock)) {
            ApiClient machine = new ApiClient(app.port()).withBearer(BookingHttpIT.TOKEN);
            JsonArray residents = machine.get("/api/dev/residents?count=2&offset=0").array();

            ApiClient booked = new ApiClient(app.port());
            booked.waitForIdentityPass(Duration.ofSeconds(20));
            assertThat(booked.verifyAs(residents.getJsonObject(0)).status()).isEqualTo(200);
            booked.waitForPass("booking", Duration.ofSeconds(20));
            JsonObject choice = BookingHttpIT.choice(booked, 0);
            choice.remove("province");
            ApiClient.Answer reservation = booked.post("/api/reservations", choice);
            assertThat(reservation.status()).as(reservation.body()).isEqualTo(201);
            long clinicId = choice.getLong("clinicId");
            LocalDate day = LocalDate.parse(choice.getString("day"));

            ApiClient waiting = new ApiClient(app.port());
            waiting.waitForIdentityPass(Duration.ofSeconds(20));
            JsonObject standbyPerson = residents.getJsonObject(1);
            assertThat(waiting.verifyAs(standbyPerson).status()).isEqualTo(200);
            ApiClient.Answer joined = waiting.post("/api/standby", new JsonObject().put("clinicIds", new JsonArray().add(clinicId))
                    .put("from", "00:00").put("to", "23:59").put("consent", true));
            assertThat(joined.status()).as(joined.body()).isEqualTo(201);

            // The booked day, 15:30: not yet. Then 16:05: the dose goes.
            clock.jumpTo(SeoulCalendar.startOf(day).plus(Duration.ofHours(15).plusMinutes(30)));
            sleep(Duration.ofSeconds(12));
            assertThat(releases(machine, clinicId)).as("before 16:00").isEmpty();

            clock.jumpTo(SeoulCalendar.startOf(day).plus(Duration.ofHours(16).plusMinutes(5)));
            JsonArray releases = waitForRelease(machine, clinicId);
            JsonObject release = releases.getJsonObject(0);
            assertThat(release.getString("releasedBy")).isEqualTo("system");
            assertThat(release.getString("product")).isEqualTo(choice.getString("product"));
            assertThat(release.getInteger("doses")).isEqualTo(1);
            assertThat(release.getString("order")).isEqualTo("joined");
            assertThat(release.getString("day")).isEqualTo(day.toString());
            assertThat(offerSms(machine, standbyPerson.getString("phone"))).containsPattern(LINK);
            JsonObject audit = machine.get("/api/operator/audit?actor=system").json();
            assertThat(audit.encode()).contains("leftovers.release").contains("clinic:" + clinicId + "/leftovers/" + release.getLong("id"));

            sleep(Duration.ofSeconds(12));
            assertThat(releases(machine, clinicId)).as("once a day").hasSize(1);
        }
    }

    private static JsonArray releases(ApiClient machine, long clinicId) {
        ApiClient.Answer a = machine.get("/api/operator/clinics/" + clinicId + "/leftovers");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().getJsonArray("releases");
    }

    private static JsonArray waitForRelease(ApiClient machine, long clinicId) {
        long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < until) {
            JsonArray r = releases(machine, clinicId);
            if (!r.isEmpty()) {
                return r;
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("no release from no-shows within 40 s");
    }

    /** The last SMS to {@code phone} once it is the offer (the outbox relays it a moment after the release). */
    private static String offerSms(ApiClient machine, String phone) {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String text = "";
        while (System.nanoTime() < until) {
            ApiClient.Answer sms = machine.get("/api/dev/sms?phone=" + phone);
            text = sms.status() == 200 ? sms.json().getString("text") : "";
            if (LINK.matcher(text).find()) {
                return text;
            }
            sleep(Duration.ofMillis(200));
        }
        return text;
    }

    private static void sleep(Duration d) {
        java.util.concurrent.locks.LockSupport.parkNanos(d.toNanos());
    }
}
