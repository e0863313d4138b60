package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One citizen's whole walk over a real socket, against Orderly as the README's run command starts
 * it: embedded PostgreSQL, demo data, nothing external. Then a restart on the same data folder
 * keeps the booking and the session.
 */
class CitizenWalkHttpIT {

    @Test
    void aCitizenJoinsVerifiesBooksAndCancelsAndARestartKeepsTheBooking() throws Exception {
        Path dataDir = Files.createTempDirectory("orderly-walk");
        Map<String, String> embeddedDefault = Map.of("ORDERLY_DATABASE_URL", "", "ORDERLY_DATA_DIR", dataDir.toString());
        String reference;
        ApiClient browser;
        JsonObject clinic;
        try (OrderlyApp app = TestApp.start(embeddedDefault, Clock.systemUTC())) {
            browser = new ApiClient(app.port());

            ApiClient.Answer landing = browser.get("/");
            assertThat(landing.status()).isEqualTo(200);
            assertThat(landing.contentType()).startsWith("text/html");

            assertThat(browser.get("/api/me").status()).isEqualTo(401);
            JsonObject admitted = browser.waitForIdentityPass(Duration.ofSeconds(20));
            assertThat(admitted.getString("pass")).isNotBlank();

            JsonObject resident = browser.get("/api/dev/residents").array().getJsonObject(0);
            ApiClient.Answer verified = browser.verifyAs(resident);
            assertThat(verified.status()).isEqualTo(200);
            assertThat(verified.json().getString("name")).isEqualTo(resident.getString("name"));
            assertThat(verified.body()).doesNotContain(resident.getString("phone"));

            JsonObject me = browser.get("/api/me").json();
            ApiClient.Answer withoutPass = browser.post("/api/reservations", new JsonObject().put("clinicId", 1)
                    .put("day", me.getString("firstBookableDay")).put("product", "PFZ"));
            assertThat(withoutPass.status()).isEqualTo(403);
            assertThat(withoutPass.json().getString("type")).isEqualTo("/problems/no-pass");
            browser.waitForPass("booking", Duration.ofSeconds(20));
            assertThat(me.getJsonObject("eligibility").getBoolean("eligible")).isTrue();
            String firstDay = me.getString("firstBookableDay");

            JsonObject region = browser.get("/api/regions").array().getJsonObject(0);
            String province = region.getString("province");
            JsonObject search = browser.get("/api/clinics?province=" + enc(province)).json();
            clinic = search.getJsonArray("clinics").getJsonObject(0);
            JsonObject day = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                    .filter(d -> d.getString("day").equals(firstDay)).findFirst().orElseThrow();
            int remainingBefore = day.getInteger("remaining");

            JsonObject choice = new JsonObject().put("clinicId", clinic.getLong("id")).put("day", firstDay)
                    .put("product", day.getString("product"));
            ApiClient.Answer booked = browser.post("/api/reservations", choice, "Idempotency-Key", "walk-1");
            assertThat(booked.status()).isEqualTo(201);
            reference = booked.json().getString("reference");
            assertThat(reference).matches("OR-[A-Z0-9]{8}");
            assertThat(booked.json().getString("dose1Day")).isEqualTo(firstDay);

            ApiClient.Answer retried = browser.post("/api/reservations", choice, "Idempotency-Key", "walk-1");
            assertThat(retried.status()).isEqualTo(201);
            assertThat(retried.json()).isEqualTo(booked.json());

            ApiClient.Answer second = browser.post("/api/reservations", choice, "Idempotency-Key", "walk-2");
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.json().getString("type")).isEqualTo("/problems/already-booked");

            assertThat(remaining(browser, province, clinic.getLong("id"), firstDay, day.getString("product")))
                    .isEqualTo(remainingBefore - 1);
            assertThat(browser.get("/api/reservations/mine").json().getString("reference")).isEqualTo(reference);
        }

        // Same data folder, new process state: the booking and the signed session survive.
        try (OrderlyApp app = TestApp.start(embeddedDefault, Clock.systemUTC())) {
            ApiClient sameBrowser = browser.withPort(app.port());
            assertThat(sameBrowser.get("/api/reservations/mine").json().getString("reference")).isEqualTo(reference);

            ApiClient.Answer cancelled = sameBrowser.delete("/api/reservations/mine");
            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json().getString("status")).isEqualTo("CANCELLED");
            assertThat(sameBrowser.get("/api/reservations/mine").status()).isEqualTo(404);
            assertThat(sameBrowser.delete("/api/reservations/mine").status()).isEqualTo(404);
        }
    }

    static int remaining(ApiClient client, String province, long clinicId, String day, String product) {
        return client.get("/api/clinics?province=" + enc(province)).json().getJsonArray("clinics").stream()
                .map(JsonObject.class::cast).filter(c -> c.getLong("id") == clinicId)
                .flatMap(c -> c.getJsonArray("days").stream().map(JsonObject.class::cast))
                .filter(d -> d.getString("day").equals(day) && d.getString("product").equals(product))
                .map(d -> d.getInteger("remaining")).collect(Collectors.toList()).getFirst();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
