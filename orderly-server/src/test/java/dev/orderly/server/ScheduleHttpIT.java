package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.eligibility.Schedule;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public reads of issue 16 over HTTP: the schedule (who books now and next, ages on today's
 * Seoul date, the rotation's digits), the birth-date check (no identity, limited per address, bad
 * input a 400), English names of places and products, a clinic's address and telephone, and the
 * 404 page.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ScheduleHttpIT {

    private static OrderlyApp app;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("ORDERLY_RATE_JOIN_PER_ADDRESS", "30/1m"), Clock.systemUTC());
        client = new ApiClient(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theScheduleSaysWhoBooksNowAndNextWithAgesOfToday() {
        ApiClient.Answer answer = client.get("/api/schedule");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.raw().headers().firstValue("Cache-Control")).contains("public, max-age=30");
        JsonObject schedule = answer.json();
        LocalDate today = SeoulCalendar.today(Clock.systemUTC());
        assertThat(schedule.getString("today")).isEqualTo(today.toString());
        JsonArray cohorts = schedule.getJsonArray("cohorts");
        JsonObject fifties = find(cohorts, "born-1962-1966");
        assertThat(fifties.getString("status")).isEqualTo("OPEN");
        assertThat(fifties.getString("name")).doesNotContain("세");
        assertThat(fifties.getJsonObject("ages").getInteger("youngest")).isEqualTo(Schedule.ageOn(LocalDate.of(1966, 12, 31), today));
        assertThat(fifties.getJsonObject("ages").getInteger("oldest")).isEqualTo(Schedule.ageOn(LocalDate.of(1962, 1, 1), today));
        assertThat(find(cohorts, "born-1967-1971").getString("status")).isEqualTo("UPCOMING");
        JsonObject rotation = find(cohorts, "born-1972-2003").getJsonObject("rotation");
        assertThat(rotation.getInteger("digitToday")).isEqualTo(today.getDayOfMonth() % 10);
        assertThat(rotation.getInteger("digitTomorrow")).isEqualTo(today.plusDays(1).getDayOfMonth() % 10);
        // Open ones first, then those to come.
        assertThat(cohorts.getJsonObject(0).getString("status")).isEqualTo("OPEN");
        assertThat(cohorts.getJsonObject(cohorts.size() - 1).getString("status")).isEqualTo("UPCOMING");
    }

    @Test
    void aBirthDateIsCheckedWithoutIdentityAndTheRotationExplainsTheRefusal() {
        LocalDate today = SeoulCalendar.today(Clock.systemUTC());
        JsonObject eligible = client.get("/api/schedule/check?birthDate=1964-03-15").json().getJsonObject("eligibility");
        assertThat(eligible.getBoolean("eligible")).isTrue();
        assertThat(eligible.getJsonObject("cohort").getString("id")).isEqualTo("born-1962-1966");

        int otherDigit = (today.getDayOfMonth() + 3) % 10;
        LocalDate born = LocalDate.of(1990, 5, otherDigit == 0 ? 10 : otherDigit);
        ApiClient.Answer answer = client.get("/api/schedule/check?birthDate=" + born);
        assertThat(answer.raw().headers().firstValue("Cache-Control")).contains("no-store");
        JsonObject refused = answer.json().getJsonObject("eligibility");
        assertThat(refused.getString("reason")).isEqualTo("WRONG_ROTATION_DAY");
        assertThat(refused.getInteger("yourDigit")).isEqualTo(born.getDayOfMonth() % 10);
        assertThat(LocalDate.parse(refused.getString("yourDay")).getDayOfMonth() % 10).isEqualTo(born.getDayOfMonth() % 10);
        assertThat(refused.getJsonObject("cohort").getJsonObject("rotation").getString("mapping")).isEqualTo("0123456789");

        assertThat(client.get("/api/schedule/check?birthDate=2020-01-01").json().getJsonObject("eligibility").getString("reason"))
                .isEqualTo("NOT_IN_ANY_COHORT");
        assertThat(client.get("/api/schedule/check?birthDate=1969-06-01").json().getJsonObject("eligibility").getString("reason"))
                .isEqualTo("NOT_OPEN_YET");
    }

    /** Last: it spends this address's allowance of checks. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void badBirthDatesAre400AndTooManyChecksFromOneAddressAre429() {
        for (String bad : new String[] {"", "1964-13-01", "19640315", "9999-01-01", "1899-12-31"}) {
            ApiClient.Answer a = client.get("/api/schedule/check?birthDate=" + bad);
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.body()).contains("bad-request");
        }
        assertThat(client.get("/api/schedule/check").status()).isEqualTo(400);
        ApiClient other = new ApiClient(app.port());
        long limited = IntStream.range(0, 40).map(i -> other.get("/api/schedule/check?birthDate=1964-03-15").status())
                .filter(s -> s == 429).count();
        assertThat(limited).isGreaterThan(0);
        // The schedule itself is the same for everyone and not limited.
        assertThat(other.get("/api/schedule").status()).isEqualTo(200);
    }

    @Test
    void placesProductsAndClinicsHaveEnglishNamesAndClinicsATelephone() {
        JsonArray regions = new JsonArray(client.get("/api/regions").body());
        JsonObject seoul = regions.stream().map(JsonObject.class::cast).filter(r -> r.getString("province").equals("서울특별시"))
                .findFirst().orElseThrow();
        assertThat(seoul.getString("provinceEn")).isEqualTo("Seoul");
        assertThat(seoul.getJsonObject("districtsEn").getString(seoul.getJsonArray("districts").getString(0))).matches("[A-Za-z]+-gu");
        JsonArray products = new JsonArray(client.get("/api/products").body());
        assertThat(products.stream().map(JsonObject.class::cast).map(p -> p.getString("nameEn")))
                .contains("Pfizer-BioNTech (Comirnaty)", "Moderna (Spikevax)");
        JsonObject clinic = client.get("/api/clinics/1").json();
        assertThat(clinic.getString("nameEn")).matches("[A-Za-z0-9 -]+");
        assertThat(clinic.getString("phone")).matches("0\\d{1,2}-\\d{3}-\\d{4}");
        assertThat(clinic.getString("address")).isNotBlank();
        JsonObject search = client.get("/api/clinics?province=" + java.net.URLEncoder.encode("서울특별시", java.nio.charset.StandardCharsets.UTF_8)
                + "&days=1").json();
        assertThat(search.getJsonArray("clinics").getJsonObject(0).getString("phone")).isNotBlank();
        assertThat(client.get("/api/clinics/999999").status()).isEqualTo(404);
        assertThat(client.get("/api/clinics/abc").status()).isEqualTo(400);
    }

    @Test
    void anUnknownPageIsAStyledBilingualPageWithALinkHome() {
        ApiClient.Answer a = client.get("/no-such-page");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(a.body()).contains("페이지를 찾을 수 없습니다", "Page not found", "href=\"/\"", "/assets/css/app.css");
    }

    private static JsonObject find(JsonArray cohorts, String id) {
        return cohorts.stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals(id)).findFirst().orElseThrow();
    }
}
