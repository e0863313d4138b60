package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' live figures over HTTP: the snapshot with its history, the stream pushed every
 * second, the booking tallies from the database, and the pause notice in two languages that
 * waiting people read.
 */
class DashboardHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static OrderlyApp app;
    private static ApiClient operator;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC());
        operator = new ApiClient(app.port()).withBearer(TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** The latest figures once {@code until} holds; samples come every second, on a busy machine later. */
    private static JsonObject figuresWhen(Predicate<JsonObject> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(ApiClient.PATIENCE);
        JsonObject latest = null;
        while (Instant.now().isBefore(deadline)) {
            ApiClient.Answer a = operator.get("/api/operator/dashboard");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            latest = a.json().getJsonObject("latest");
            if (!latest.containsKey("starting") && until.test(latest)) {
                return latest;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the figures never showed what was expected; last: " + latest);
    }

    private static JsonObject gate(JsonObject figures, String name) {
        return figures.getJsonArray("gates").stream().map(JsonObject.class::cast).filter(g -> g.getString("name").equals(name))
                .findFirst().orElseThrow();
    }

    @Test
    void joinsShowAsAPerSecondRateAndTheLineAsWaitingPeople() throws InterruptedException {
        for (int i = 0; i < 30; i++) {
            assertThat(new ApiClient(app.port()).post("/api/gates/identity/join", null).status()).isEqualTo(201);
        }
        figuresWhen(x -> gate(x, "identity").getDouble("joinsPerSecond") > 0);
        JsonObject f = figuresWhen(x -> gate(x, "identity").getLong("issued") >= 30);
        assertThat(f.getInteger("nodesUp")).isEqualTo(1);
        JsonObject history = operator.get("/api/operator/dashboard").json().getJsonObject("history");
        assertThat(history.getJsonArray("fields")).contains("t", "joins");
        int joins = history.getJsonArray("fields").getList().indexOf("joins");
        assertThat(history.getJsonArray("seconds").stream().map(JsonArray.class::cast).anyMatch(p -> p.getDouble(joins) > 0)).isTrue();
    }

    @Test
    void bookingRatesPerCohortAndBirthDigitAreCountedFromTheRegistry() throws InterruptedException {
        JsonObject booking = figuresWhen(x -> x.getJsonObject("booking").containsKey("cohorts")).getJsonObject("booking");
        JsonArray cohorts = booking.getJsonArray("cohorts");
        assertThat(cohorts).isNotEmpty();
        long eligible = cohorts.stream().map(JsonObject.class::cast).mapToLong(c -> c.getLong("eligible")).sum();
        assertThat(eligible).isPositive();
        JsonArray digits = booking.getJsonArray("digits");
        assertThat(digits).hasSize(10);
        assertThat(digits.stream().map(JsonObject.class::cast).mapToLong(d -> d.getLong("eligible")).sum()).isPositive();
        assertThat(booking.getJsonArray("capacity")).isNotEmpty();
    }

    @Test
    void theStreamPushesFiguresAsServerSentEvents() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/operator/dashboard/stream"))
                .header("Authorization", "Bearer " + TOKEN).timeout(ApiClient.PATIENCE).GET().build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        int events = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            String event = null;
            while (events < 3 && (line = lines.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    assertThat(event).isEqualTo("figures");
                    JsonObject figures = new JsonObject(line.substring(6));
                    if (!figures.containsKey("starting")) {
                        assertThat(figures.getJsonArray("gates")).isNotEmpty();
                        events++;
                    }
                }
            }
        }
        assertThat(events).isEqualTo(3);
    }

    @Test
    void theFiguresAreForStaffOnly() {
        assertProblem(new ApiClient(app.port()).get("/api/operator/dashboard"), 401, "operator-only");
        assertProblem(new ApiClient(app.port()).get("/api/operator/dashboard/stream"), 401, "operator-only");
    }

    @Test
    void aPauseTellsWaitingPeopleInTheirLanguageWhenTheLineMovesAgain() {
        operator.put("/api/operator/gates/notice-test", new JsonObject().put("opensAt", Instant.now().plus(Duration.ofHours(1)).toString())
                .put("joinFrom", Instant.now().minusSeconds(1).toString())
                .put("admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 10)));
        ApiClient citizen = new ApiClient(app.port());
        ApiClient.Answer joined = citizen.post("/api/gates/notice-test/join", null);
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        String ticket = joined.json().getString("ticket");

        ApiClient.Answer paused = operator.post("/api/operator/gates/notice-test/pause", new JsonObject()
                .put("message", "시스템 점검 중입니다").put("messageEn", "Maintenance").put("expectedBack", "2030-07-26T21:30:00+09:00"));
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().getString("expectedBack")).isEqualTo("2030-07-26T12:30:00Z");

        JsonObject status = citizen.get("/api/gates/notice-test/status", "Orderly-Ticket", ticket).json();
        assertThat(status.getString("phase")).isEqualTo("PAUSED");
        assertThat(status.getString("message")).isEqualTo("시스템 점검 중입니다");
        assertThat(status.getString("messageEn")).isEqualTo("Maintenance");
        assertThat(status.getString("expectedBack")).isEqualTo("2030-07-26T12:30:00Z");

        assertProblem(operator.post("/api/operator/gates/notice-test/pause", new JsonObject().put("expectedBack", "tomorrow")), 400, "bad-request");
        assertProblem(operator.post("/api/operator/gates/notice-test/pause", new JsonObject().put("messageEn", "x".repeat(501))), 400,
                "bad-request");
        assertProblem(operator.post("/api/operator/gates/notice-test/resume", new JsonObject().put("expectedBack", "2030-07-26T12:30:00Z")),
                400, "bad-request");

        ApiClient.Answer resumed = operator.post("/api/operator/gates/notice-test/resume", new JsonObject());
        assertThat(resumed.status()).isEqualTo(200);
        JsonObject after = citizen.get("/api/gates/notice-test/status", "Orderly-Ticket", ticket).json();
        assertThat(after.getString("messageEn")).isEmpty();
        assertThat(after.containsKey("expectedBack")).isFalse();
    }
}
