package dev.orderly.surge.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderly.surge.SurgeCli;
import dev.orderly.surge.metrics.Endpoint;
import dev.orderly.surge.metrics.Gate;
import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.metrics.RunMetrics.Cheat;
import dev.orderly.surge.replay.Replay;
import dev.orderly.surge.replay.ReplayCommand;
import dev.orderly.surge.scenario.Scenario;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report marks what broke, and a run with a broken invariant exits with 1. */
class ReplayReportTest {
    private static final JsonObject CLEAN_INTEGRITY = new JsonObject().put("overbookedBuckets", 0).put("peopleWithTwoAppointments", 0);

    @TempDir
    Path dir;

    @Test
    void cleanRunPassesEveryInvariantAndExitsWithZero() throws IOException {
        RunMetrics m = walkedNight();

        JsonNode report = writeAndReadBack(m, CLEAN_INTEGRITY);

        report.path("invariants").properties().forEach(e -> assertThat(e.getValue().path("pass").asText()).as(e.getKey()).isEqualTo("pass"));
        assertThat(ReplayCommand.exitCode(report)).isEqualTo(SurgeCli.OK);
    }

    @Test
    void acceptedForgedTicketFailsCheatersAheadAndExitsWithOne() throws IOException {
        RunMetrics m = walkedNight();
        m.cheatAttempt(Cheat.FORGE_TICKET, true);

        JsonNode report = writeAndReadBack(m, CLEAN_INTEGRITY);

        assertThat(report.path("invariants").path("cheatersAhead").path("value").asLong()).isEqualTo(1);
        assertThat(report.path("invariants").path("cheatersAhead").path("pass").asText()).isEqualTo("FAIL");
        assertThat(ReplayCommand.exitCode(report)).isEqualTo(SurgeCli.INVARIANT_FAILED);
        assertThat(Files.readString(dir.resolve("report.html"))).contains("class=\"FAIL\"");
    }

    @Test
    void cheaterPlacedAheadOfAnEarlierHonestJoinFailsCheatersAhead() throws IOException {
        RunMetrics m = walkedNight();
        // The honest join was answered (place 5) before the cheater sent theirs, yet the cheater got place 3.
        m.joined(Gate.IDENTITY, 1_000, 2_000, 5, false);
        m.joined(Gate.IDENTITY, 3_000, 4_000, 3, true);

        JsonNode report = writeAndReadBack(m, CLEAN_INTEGRITY);

        assertThat(report.path("cheaters").path("placedAheadOfEarlierHonest").asLong()).isEqualTo(1);
        assertThat(report.path("invariants").path("cheatersAhead").path("pass").asText()).isEqualTo("FAIL");
        assertThat(ReplayCommand.exitCode(report)).isEqualTo(SurgeCli.INVARIANT_FAILED);
    }

    @Test
    void admittedPersonRefusedForTheirPassFailsBounced() throws IOException {
        RunMetrics m = walkedNight();
        m.bounced(Gate.BOOKING);

        JsonNode report = writeAndReadBack(m, CLEAN_INTEGRITY);

        assertThat(report.path("invariants").path("bounced").path("pass").asText()).isEqualTo("FAIL");
        assertThat(report.path("bouncedByGate").path("booking").asLong()).isEqualTo(1);
        assertThat(ReplayCommand.exitCode(report)).isEqualTo(SurgeCli.INVARIANT_FAILED);
    }

    @Test
    void overbookingReportedByTheServerFailsTheRun() throws IOException {
        JsonNode report = writeAndReadBack(walkedNight(), new JsonObject().put("overbookedBuckets", 2).put("peopleWithTwoAppointments", 0));

        assertThat(report.path("invariants").path("overbookedBuckets").path("value").asLong()).isEqualTo(2);
        assertThat(ReplayCommand.exitCode(report)).isEqualTo(SurgeCli.INVARIANT_FAILED);
    }

    @Test
    void withoutIntegrityOverbookingIsNotCheckedRatherThanZero() throws IOException {
        JsonNode report = writeAndReadBack(walkedNight(), null);

        assertThat(report.path("invariants").path("overbookedBuckets").path("value").isNull()).isTrue();
        assertThat(report.path("invariants").path("overbookedBuckets").path("meaning").asText()).startsWith("not checked");
        assertThat(ReplayCommand.exitCode(report)).isEqualTo(SurgeCli.OK);
    }

    @Test
    void queueChartSaysTheServerCountsTicketsNotPeople() throws IOException {
        JsonNode report = writeAndReadBack(walkedNight(), CLEAN_INTEGRITY);

        assertThat(Files.readString(dir.resolve("report.html"))).contains("tickets waiting (server: tabs, devices, bots)");
        assertThat(report.path("series").path("serverWaiting").size()).isEqualTo(2);
    }

    @Test
    void waitsInLineAreReportedInSecondsWithTheSecondTheLineDrained() throws IOException {
        JsonNode waits = writeAndReadBack(walkedNight(), CLEAN_INTEGRITY).path("waits");

        assertThat(waits.path("identity").path("people").asLong()).isEqualTo(1);
        assertThat(waits.path("identity").path("p50Seconds").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(waits.path("booking").path("people").asLong()).isZero();
        // Opened 1 s into the run; someone still waited in the last second: not drained.
        assertThat(waits.path("lineDrainedSecondsAfterOpening").asDouble()).isEqualTo(-1);
    }

    @Test
    void theLineDrainedAtTheLastSecondAnyoneWaitedCountedFromTheOpening() {
        Instant start = Instant.parse("2021-07-26T11:00:00Z");
        RunMetrics m = new RunMetrics();
        m.arrived(1);
        m.second(0, 0, 0, 0, 0, false);
        m.second(1, 0, 0, 0, 0, false);
        m.admittedIdentity(2_000);
        m.second(2, 0, 0, 0, 0, false);
        m.second(3, 0, 0, 0, 0, false);

        assertThat(ReplayReport.drainedAfterOpening(m.seconds(), start, start.plusSeconds(1))).isEqualTo(1.0);
    }

    /** Two seconds in which two honest people joined in order and one booked. */
    private static RunMetrics walkedNight() {
        RunMetrics m = new RunMetrics();
        m.arrived(2);
        m.arrived(1);
        m.joined(Gate.IDENTITY, 100, 200, 1, false);
        m.joined(Gate.IDENTITY, 300, 400, 2, false);
        m.request(Endpoint.IDENTITY_JOIN, 201, 1_500, false);
        m.second(0, 3, 0.5, 0.1, 1, false);
        m.admittedIdentity(1_000);
        m.booked();
        m.request(Endpoint.RESERVATIONS, 201, 9_000, false);
        m.second(1, 2, 0.5, 0.1, 1, false);
        return m;
    }

    private JsonNode writeAndReadBack(RunMetrics m, JsonObject integrity) throws IOException {
        Instant start = Instant.parse("2021-07-26T11:00:00Z");
        Replay.Result result = new Replay.Result(m, start, start.plusSeconds(1), 2, 3, List.of(), integrity, integrity != null, true);
        ReplayReport.write(result, Scenario.defaults(), List.of("http://127.0.0.1:8080"), 1, dir);
        assertThat(dir.resolve("main-chart.png")).exists();
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }
}
