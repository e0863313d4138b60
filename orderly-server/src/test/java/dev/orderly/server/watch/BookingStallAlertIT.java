package dev.orderly.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.ApiClient;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The 26 July 2021 fault, end to end on a real server and real time: the cohort's booking window
 * is saved with the wrong year while the booking gate goes on admitting people, so every booking
 * is refused. The watchdog must tell the webhook within 60 s of the fault, and the console's API
 * must show the alert; once the window is right again and a booking succeeds, the alert resolves.
 */
class BookingStallAlertIT {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @Test
    void aWindowSavedWithTheWrongYearWhilePeopleAreAdmittedReachesTheWebhookWithinAMinute() {
        try (WebhookReceiver hook = new WebhookReceiver();
             OrderlyApp app = TestApp.start(Map.of("ORDERLY_ALERT_WEBHOOK_URL", hook.url()), Clock.systemUTC())) {
            ApiClient operator = new ApiClient(app.port()).withBearer(app.operatorToken());
            JsonArray residents = new ApiClient(app.port()).get("/api/dev/residents?count=5").array();
            List<Person> people = new ArrayList<>();
            for (int i = 0; i < residents.size(); i++) {
                people.add(Person.admitted(new ApiClient(app.port()), residents.getJsonObject(i)));
            }
            // Bookings work before the fault: the first person books.
            assertThat(people.getFirst().book().status()).isEqualTo(201);

            JsonObject cohort = operator.get("/api/operator/cohorts").array().getJsonObject(0);
            JsonArray wrongYear = new JsonArray();
            cohort.getJsonArray("windows").forEach(w -> {
                JsonObject window = (JsonObject) w;
                wrongYear.add(window.copy().put("opensAt", nextYear(window.getString("opensAt")))
                        .put("closesAt", nextYear(window.getString("closesAt"))));
            });
            String id = cohort.getString("id");
            JsonObject rightWindows = cohort.copy();
            rightWindows.remove("id");
            JsonObject broken = rightWindows.copy().put("windows", wrongYear);
            assertThat(operator.put("/api/operator/cohorts/" + id, broken).status()).isEqualTo(200);
            long fault = System.nanoTime();

            List<Person> trying = people.subList(1, people.size());
            WebhookReceiver.Received alert = hook.await(b -> "booking-stalled".equals(b.getString("rule")) && "firing".equals(b.getString("status")),
                    WITHIN.plusSeconds(30), () -> {
                        trying.forEach(p -> assertThat(p.book().status()).as("a booking under the wrong year").isNotEqualTo(201));
                        LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
                    }).orElseThrow(() -> new AssertionError("no booking-stalled alert at the webhook; received " + hook.received()));
            Duration toAlert = Duration.ofNanos(alert.nanos() - fault);
            System.out.println("time to alert, booking-stalled, end to end: " + toAlert.toMillis() + " ms");
            assertThat(toAlert).as("time from the fault to the webhook").isLessThanOrEqualTo(WITHIN);
            assertThat(alert.body().getString("runbook")).isEqualTo("docs/runbook.md#booking-stalled");
            assertThat(alert.body().getString("detail")).contains("NotEligible");

            JsonObject console = operator.get("/api/operator/alerts").json();
            assertThat(console.getJsonArray("active").stream().map(JsonObject.class::cast))
                    .anySatisfy(a -> {
                        assertThat(a.getString("rule")).isEqualTo("booking-stalled");
                        assertThat(a.getString("runbook")).isEqualTo("/docs/runbook.md#booking-stalled");
                    });
            assertThat(new ApiClient(app.port()).get("/api/operator/alerts").status()).isEqualTo(401);

            // Repair: the right windows again, and people book.
            assertThat(operator.put("/api/operator/cohorts/" + id, rightWindows).status()).isEqualTo(200);
            hook.await(b -> "booking-stalled".equals(b.getString("rule")) && "resolved".equals(b.getString("status")), Duration.ofSeconds(90),
                    () -> {
                        trying.forEach(Person::book);
                        LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
                    }).orElseThrow(() -> new AssertionError("booking-stalled never resolved; received " + hook.received()));
            assertThat(operator.get("/api/operator/alerts").json().getJsonArray("history").stream().map(JsonObject.class::cast))
                    .anySatisfy(a -> {
                        assertThat(a.getString("rule")).isEqualTo("booking-stalled");
                        assertThat(a.getString("resolvedAt")).isNotNull();
                    });
        }
    }

    private static String nextYear(String instant) {
        return Instant.parse(instant).atZone(java.time.ZoneOffset.UTC).plusYears(1).toInstant().toString();
    }

    /** A verified resident holding a pass of the booking gate, with a clinic and day to ask for. */
    record Person(ApiClient browser, JsonObject choice) {

        static Person admitted(ApiClient browser, JsonObject resident) {
            browser.waitForIdentityPass(Duration.ofSeconds(20));
            assertThat(browser.verifyAs(resident).status()).isEqualTo(200);
            browser.waitForPass("booking", Duration.ofSeconds(20));
            JsonObject me = browser.get("/api/me").json();
            String day = me.getString("firstBookableDay");
            String province = browser.get("/api/regions").array().getJsonObject(0).getString("province");
            JsonObject clinic = browser.get("/api/clinics?province=" + URLEncoder.encode(province, StandardCharsets.UTF_8)).json()
                    .getJsonArray("clinics").getJsonObject(0);
            JsonObject slot = clinic.getJsonArray("days").stream().map(JsonObject.class::cast).filter(d -> d.getString("day").equals(day))
                    .findFirst().orElseThrow();
            return new Person(browser, new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day)
                    .put("product", slot.getString("product")));
        }

        ApiClient.Answer book() {
            return browser.post("/api/reservations", choice);
        }
    }
}
