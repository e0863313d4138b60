package dev.orderly.surge.walk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.TestApp;
import dev.orderly.surge.SurgeCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walk benchmark end to end against a real Orderly in this JVM: a few people walk the whole
 * flow, then a small burst of bookings. Asserts what the tool reports (every walk completed, every
 * confirmation delivered, integrity clean, CPU read for the given process), never its timings.
 */
class WalkAgainstOrderlyIT {

    private static final String TOKEN = "surge-walk-test-operator-token";
    private static final Path OUT = Path.of("target", "surge-walk-it");

    private static OrderlyApp app;
    private static Path tokenFile;

    @BeforeAll
    static void startOrderly() throws IOException {
        app = TestApp.start(Map.of(
                "ORDERLY_DEMO_PEOPLE", "12000",
                "ORDERLY_DEMO_CLINICS", "30",
                "ORDERLY_TRUST_FORWARDED_FOR", "true",
                "ORDERLY_OPERATOR_TOKEN", TOKEN), Clock.systemUTC());
        Files.createDirectories(OUT);
        tokenFile = Files.writeString(OUT.resolve("operator.token"), TOKEN + "\n");
    }

    @AfterAll
    static void stopOrderly() {
        if (app != null) {
            app.close();
        }
    }

    private static JsonNode walk(String name, String... more) throws IOException {
        Path out = OUT.resolve(name + ".json");
        Files.deleteIfExists(out);
        String[] base = {"walk", "--target", "http://127.0.0.1:" + app.port(), "--operator-token-file", tokenFile.toString(),
            "--server-pid", Long.toString(ProcessHandle.current().pid()), "--warmup", "0s", "--idle", "0s", "--walkers", "4",
            "--connections", "8", "--out", out.toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);

        int exit = SurgeCli.commandLine().execute(args);

        assertThat(out).as("the walk's figures (it exited with %d)", exit).exists();
        JsonNode figures = new ObjectMapper().readTree(out.toFile());
        assertThat(exit).as("exit; %s", figures).isEqualTo(SurgeCli.OK);
        return figures;
    }

    @Test
    void peopleWalkTheWholeFlowAndEveryConfirmationArrives() throws IOException {
        // This JVM stands in for a redis-server too: what is asserted is that a third given process is read.
        JsonNode figures = walk("closed", "--duration", "4s", "--people", "300", "--redis-pid", Long.toString(ProcessHandle.current().pid()));

        JsonNode phase = figures.path("phases").path(0);
        assertThat(phase.path("walks").asLong()).as("%s", figures).isPositive();
        assertThat(phase.path("failed").asLong()).isZero();
        assertThat(phase.path("booked").asLong() + phase.path("noPlace").asLong()).isEqualTo(phase.path("walks").asLong());
        assertThat(phase.path("requests").asLong()).isGreaterThanOrEqualTo(9 * phase.path("walks").asLong());
        assertThat(phase.path("serverCpuMs").asDouble()).as("CPU of the given process").isPositive();
        assertThat(phase.path("redisCpuMs").asDouble()).as("CPU of the given Redis").isPositive();
        assertThat(phase.path("steps").path("reservations (book)").path("count").asLong()).isEqualTo(phase.path("booked").asLong());
        assertThat(figures.path("notes").toString()).contains("Integrity after the run").contains("\\\"clean\\\":true")
                .doesNotContain("MISSING");
    }

    @Test
    void aRedisPidThatIsNoProcessIsRefusedBeforeAnyoneWalks() {
        int exit = SurgeCli.commandLine().execute("walk", "--target", "http://127.0.0.1:" + app.port(), "--operator-token-file",
                tokenFile.toString(), "--redis-pid", "2147483646", "--warmup", "0s", "--idle", "0s", "--duration", "1s");

        assertThat(exit).isEqualTo(SurgeCli.TARGET_UNUSABLE);
    }

    @Test
    void aClosedRunThatRunsOutOfPeopleBeforeItsEndSaysSo() throws IOException {
        // Six people and two minutes: the run ends when all six have walked, whatever the machine's speed.
        JsonNode figures = walk("short", "--duration", "120s", "--people", "6", "--resident-offset", "800");

        assertThat(figures.path("phases").path(0).path("walks").asLong()).isEqualTo(6);
        assertThat(figures.path("notes").toString()).contains("ran out of residents before its end");
    }

    @Test
    void aWarmUpThatWalksEveryoneIsRefusedInsteadOfMeasuringNobody() {
        // Two people and a minute of warm-up: the warm-up ends when both have walked, whatever the machine's speed.
        int exit = SurgeCli.commandLine().execute("walk", "--target", "http://127.0.0.1:" + app.port(), "--operator-token-file",
                tokenFile.toString(), "--people", "2", "--resident-offset", "700", "--warmup", "60s", "--idle", "0s",
                "--duration", "1s", "--walkers", "4");

        assertThat(exit).isEqualTo(SurgeCli.TARGET_UNUSABLE);
    }

    @Test
    void anOffsetPastEveryResidentIsRefusedInsteadOfReportingAnEmptyRun() {
        int exit = SurgeCli.commandLine().execute("walk", "--target", "http://127.0.0.1:" + app.port(), "--operator-token-file",
                tokenFile.toString(), "--resident-offset", "5000000", "--warmup", "0s", "--idle", "0s", "--duration", "1s");

        assertThat(exit).isEqualTo(SurgeCli.TARGET_UNUSABLE);
    }

    @Test
    void aBurstOfBookingsIsCountedUntilTheirConfirmationsAreSent() throws IOException {
        JsonNode figures = walk("burst", "--bookings", "40", "--people", "300", "--resident-offset", "400");

        JsonNode phase = figures.path("phases").path(figures.path("phases").size() - 1);
        assertThat(phase.path("name").asText()).isEqualTo("bookings burst");
        assertThat(phase.path("booked").asLong()).as("%s", figures).isEqualTo(40);
        assertThat(phase.path("failed").asLong()).isZero();
        assertThat(phase.has("redisCpuMs")).as("no Redis given, none reported").isFalse();
        assertThat(figures.path("notes").toString()).contains("40 of 40 booked people read").doesNotContain("MISSING");
    }
}
