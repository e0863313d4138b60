package dev.orderly.surge.replay;

import dev.orderly.surge.ScenarioOptions;
import dev.orderly.surge.SurgeCli;
import dev.orderly.surge.scenario.Scenario;
import dev.orderly.surge.scenario.ScenarioException;
import dev.orderly.surge.scenario.ScenarioSummary;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
        System.err.println("surge replay: the replay engine is not in this build yet");
        return SurgeCli.TOOL_FAILED;
    }
}
