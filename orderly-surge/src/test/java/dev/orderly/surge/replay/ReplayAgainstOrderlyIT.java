package dev.orderly.surge.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderly.server.ApiClient;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.TestApp;
import dev.orderly.surge.SurgeCli;
import dev.orderly.surge.metrics.RunMetrics.Cheat;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The surge tool end to end: a short night replayed through the CLI against a real Orderly in this
 * JVM (HTTP on a socket, PostgreSQL, demo data), whose gates open a few seconds after the replay
 * begins, with a pre-queue, as on an opening night. Asserts the report's invariants, never its timings.
 */
class ReplayAgainstOrderlyIT {
    /**
     * From the operator's setting of the opening to the opening: the replay's set-up (a few requests),
     * then a pre-queue of some seconds. Counted from then, not from the server's start, which on a
     * busy machine takes as long as it takes.
     */
    private static final Duration PRE_QUEUE = Duration.ofSeconds(20);
    private static final String TOKEN = "surge-replay-test-operator-token";
    private static final Path OUT = Path.of("target", "surge-replay-it");

    private static OrderlyApp app;
    private static Instant opensAt;

    @BeforeAll
    static void startOrderly() {
        // Set to open far ahead, so that no start, however slow, reaches the opening; the test
        // moves it close once the server is ready.
        Instant farAhead = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        app = TestApp.start(Map.of(
                "ORDERLY_DEMO_PEOPLE", "12000",
                "ORDERLY_DEMO_CLINICS", "30",
                "ORDERLY_TRUST_FORWARDED_FOR", "true",
                "ORDERLY_GATES_OPEN_AT", farAhead.atOffset(ZoneOffset.ofHours(9)).toString(),
                "ORDERLY_GATES_PRE_QUEUE_MINUTES", "1",
                "ORDERLY_GATE_IDENTITY_RATE", "1000",
                "ORDERLY_GATE_BOOKING_RATE", "1000",
                "ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC());
    }

    @AfterAll
    static void stopOrderly() {
        if (app != null) {
            app.close();
        }
    }

    /** Moves the identity and booking gates' opening to {@code at}, their pre-queue from now, as an operator would. */
    private static void openStandardGatesAt(Instant at) {
        ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);
        for (String gate : List.of("identity", "booking")) {
            JsonObject current = operator.get("/api/operator/gates/" + gate).json();
            JsonObject config = new JsonObject().put("opensAt", at.toString()).put("joinFrom", Instant.now().toString());
            for (String keep : List.of("admission", "passLifetimeSeconds", "keyedByPerson", "maxPollSeconds")) {
                config.put(keep, current.getValue(keep));
            }
            ApiClient.Answer put = operator.put("/api/operator/gates/" + gate, config);
            assertThat(put.status()).as("%s gate: %s", gate, put.body()).isEqualTo(200);
        }
    }

    @Test
    void shortNightWithCheatersAndBotsKeepsEveryInvariant() throws IOException, URISyntaxException {
        opensAt = Instant.now().plus(PRE_QUEUE).truncatedTo(ChronoUnit.SECONDS);
        openStandardGatesAt(opensAt);
        Path scenario = Path.of(getClass().getResource("/short-night.yaml").toURI());

        int exit = SurgeCli.commandLine().execute("replay", "--target", "http://127.0.0.1:" + app.port(),
                "--scenario", scenario.toString(), "--operator-token", TOKEN, "--connections", "64", "--out", OUT.toString());

        Path json = OUT.resolve("report.json");
        System.err.println("ReplayAgainstOrderlyIT report: " + OUT.resolve("report.html").toAbsolutePath());
        assertThat(json).as("report.json (the replay exited with %d)", exit).exists();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        String context = "unexpected: " + report.path("unexpectedByKind") + ", notes: " + report.path("notes")
                + ", invariants: " + report.path("invariants") + ", totals: " + report.path("totals");
        JsonNode invariants = report.path("invariants");
        for (String name : new String[] {"cheatersAhead", "overbookedBuckets", "peopleWithTwoAppointments", "bounced",
                "placesLostOnReconnect", "rankChanges", "sharedPlaceViolations"}) {
            assertThat(invariants.path(name).path("value").isNumber()).as("%s checked; %s", name, context).isTrue();
            assertThat(invariants.path(name).path("value").asLong()).as("%s; %s", name, context).isZero();
        }
        assertThat(exit).as(context).isEqualTo(SurgeCli.OK);

        JsonNode totals = report.path("totals");
        assertThat(totals.path("unexpectedErrors").asLong()).as(context).isZero();
        assertThat(totals.path("booked").asLong()).as(context).isPositive();
        assertThat(report.path("waits").path("identity").path("people").asLong()).as("every person admitted has a wait; %s", context)
                .isEqualTo(totals.path("admittedIdentity").asLong());
        assertThat(totals.path("preQueueJoiners").asLong()).as(context).isPositive();
        assertThat(totals.path("reconnects").asLong()).as("airplane-mode cheaters came back; %s", context).isPositive();
        assertThat(report.path("run").path("followedServerOpening").asBoolean())
                .as("the replay's set-up took longer than PRE_QUEUE, so it began after the opening; %s", context).isTrue();
        assertThat(Instant.parse(report.path("run").path("opensAt").asText())).isEqualTo(opensAt);

        JsonNode identity = report.path("fairness").path("identity");
        assertThat(identity.path("joins").asLong()).as(context).isGreaterThan(100);
        assertThat(identity.path("tau").asDouble()).as("fairness after the opening: %s", identity).isGreaterThanOrEqualTo(0.9);

        JsonNode cheaters = report.path("cheaters");
        for (Cheat c : Cheat.values()) {
            assertThat(cheaters.path("people").path(c.name()).asLong()).as("%s people; %s", c, cheaters).isPositive();
        }
        for (Cheat c : new Cheat[] {Cheat.REPLAY_TICKET, Cheat.FORGE_TICKET, Cheat.DIRECT_BOOKING}) {
            assertThat(cheaters.path("attempts").path(c.name()).asLong()).as("%s attempts; %s", c, cheaters).isPositive();
        }
        assertThat(report.path("bots").path("refused429").asLong()).as("bots: %s", report.path("bots")).isPositive();

        assertThat(OUT.resolve("report.html")).exists().content().contains("Invariants");
        assertThat(Files.size(OUT.resolve("main-chart.png"))).isPositive();
    }
}
