package dev.orderly.surge.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderly.surge.ScenarioOptions;
import dev.orderly.surge.SurgeCli;
import dev.orderly.surge.report.ReplayReport;
import dev.orderly.surge.scenario.Scenario;
import dev.orderly.surge.scenario.ScenarioException;
import dev.orderly.surge.scenario.ScenarioSummary;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code surge replay}: walks simulated people through a running Orderly and reports. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays an opening night against a running Orderly (a demo deployment, run with "
                + "ORDERLY_TRUST_FORWARDED_FOR=true) and writes a report.")
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "URL",
            description = "base URL of an Orderly node, like http://127.0.0.1:8080; repeat for several nodes")
    List<URI> targets;

    @Mixin
    ScenarioOptions scenario;

    @Option(names = "--operator-token", paramLabel = "T",
            description = "operator bearer token: sets the gates as the scenario says and checks integrity after the run")
    String operatorToken;

    @Option(names = "--operator-token-file", paramLabel = "F",
            description = "a file holding the operator token, like orderly-data/operator.token")
    Path operatorTokenFile;

    @Option(names = "--check", description = "read the scenario, print what it will do, and stop")
    boolean check;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "256",
            description = "keep-alive connections per target; default ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--resident-offset", paramLabel = "N", defaultValue = "0",
            description = "skip this many residents of the open cohort (a second run against the same data "
                    + "uses fresh people: people who booked in a run are already booked in the next); default ${DEFAULT-VALUE}")
    int residentOffset;

    @Override
    public Integer call() {
        Scenario s;
        try {
            s = scenario.load();
        } catch (ScenarioException | IllegalArgumentException e) {
            System.err.println("surge replay: " + e.getMessage());
            return SurgeCli.BAD_INPUT;
        }
        System.err.println(ScenarioSummary.describe(s));
        if (check) {
            return SurgeCli.OK;
        }
        String token;
        try {
            token = operatorToken != null ? operatorToken
                    : operatorTokenFile != null ? Files.readString(operatorTokenFile).strip() : null;
        } catch (IOException e) {
            System.err.println("surge replay: cannot read --operator-token-file " + operatorTokenFile + ": " + e.getMessage());
            return SurgeCli.BAD_INPUT;
        }
        for (URI t : targets) {
            if (t.getScheme() == null || !t.getScheme().startsWith("http") || t.getHost() == null) {
                System.err.println("surge replay: --target must be an http(s) URL like http://127.0.0.1:8080, got " + t);
                return SurgeCli.BAD_INPUT;
            }
        }
        if (connections < 1 || residentOffset < 0) {
            System.err.println("surge replay: --connections must be at least 1 and --resident-offset at least 0");
            return SurgeCli.BAD_INPUT;
        }
        Replay replay = new Replay(new Replay.Options(targets, s, scenario.seed(), token, connections, residentOffset, System.err));
        // Ctrl+C ends the run at its next second and still writes the report of what happened so far.
        CountDownLatch reported = new CountDownLatch(1);
        Thread onInterrupt = new Thread(() -> {
            replay.endNow();
            try {
                reported.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "surge-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return replayAndReport(replay, s);
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Interrupted: the hook is running and returns now that the report is written.
            }
        }
    }

    private int replayAndReport(Replay replay, Scenario s) {
        Replay.Result result;
        try {
            result = replay.run();
        } catch (Setup.Unusable e) {
            System.err.println("surge replay: " + e.getMessage());
            return SurgeCli.TARGET_UNUSABLE;
        } catch (IllegalArgumentException e) {
            System.err.println("surge replay: " + e.getMessage());
            return SurgeCli.BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SurgeCli.TOOL_FAILED;
        }
        try {
            ObjectNode report = ReplayReport.write(result, s, targets.stream().map(URI::toString).toList(), scenario.seed(), scenario.out());
            System.err.println(summary(report));
            System.err.println("report: " + scenario.out().resolve("report.html") + " (figures in report.json, chart in main-chart.png)");
            return exitCode(report);
        } catch (IOException e) {
            System.err.println("surge replay: cannot write the report into " + scenario.out() + ": " + e);
            return SurgeCli.TOOL_FAILED;
        }
    }

    /** The exit code for a finished run's report: {@link SurgeCli#INVARIANT_FAILED} when any invariant failed. */
    public static int exitCode(JsonNode report) {
        return ReplayReport.anyInvariantFailed(report) ? SurgeCli.INVARIANT_FAILED : SurgeCli.OK;
    }

    private static String summary(ObjectNode report) {
        StringBuilder b = new StringBuilder();
        JsonNode t = report.path("totals");
        b.append("arrivals ").append(t.path("arrivals").asText()).append(", admitted ").append(t.path("admittedIdentity").asText())
                .append(", verified ").append(t.path("verified").asText()).append(", booked ").append(t.path("booked").asText())
                .append(", unexpected errors ").append(t.path("unexpectedErrors").asText()).append('\n');
        report.path("invariants").properties().forEach(e -> b.append("  ").append(e.getKey()).append(": ")
                .append(e.getValue().path("value").isNull() ? "not checked" : e.getValue().path("value").asText()
                        + " " + e.getValue().path("pass").asText()).append('\n'));
        report.path("fairness").properties().forEach(e -> b.append("  fairness ").append(e.getKey()).append(": tau ")
                .append(e.getValue().path("tau").asText()).append(", inversions ").append(e.getValue().path("inversions").asText())
                .append(" of ").append(e.getValue().path("pairs").asText()).append('\n'));
        b.append("  ").append(report.path("generator").path("verdict").asText());
        report.path("notes").forEach(n -> b.append("\n  note: ").append(n.asText()));
        return b.toString();
    }
}
