package dev.orderly.server.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules shipped for sites that run Prometheus ({@code docs/ops/alerts.yml}) parse
 * ({@code promtool check rules}) and pass their unit tests ({@code promtool test rules}). Needs
 * {@code promtool} (Debian's {@code prometheus} package): on CI ({@code CI=true}) its absence
 * fails the test ({@code .ci/run} installs it); elsewhere the test is skipped without it.
 */
class PrometheusRulesIT {

    private static final Path OPS = Path.of("..", "docs", "ops");

    @Test
    void theRulesParse() throws Exception {
        String out = promtool("check", "rules", "alerts.yml");
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        String out = promtool("test", "rules", "alerts-test.yml");
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void everyQueryOfTheGrafanaDashboardParses() throws Exception {
        io.vertx.core.json.JsonObject dashboard = new io.vertx.core.json.JsonObject(Files.readString(OPS.resolve("grafana-dashboard.json")));
        StringBuilder rules = new StringBuilder("groups:\n  - name: grafana-dashboard\n    rules:\n");
        int n = 0;
        for (Object p : dashboard.getJsonArray("panels")) {
            for (Object t : ((io.vertx.core.json.JsonObject) p).getJsonArray("targets")) {
                // Grafana's own variables, as Grafana fills them in.
                String expr = ((io.vertx.core.json.JsonObject) t).getString("expr").replace("$__rate_interval", "1m").replace("$job", ".*");
                rules.append("      - record: grafana:query").append(n++).append("\n        expr: '").append(expr.replace("'", "''")).append("'\n");
            }
        }
        assertThat(n).isGreaterThan(20);
        Path file = Files.createTempFile("grafana-queries", ".yml");
        Files.writeString(file, rules);
        assertThat(promtool("check", "rules", file.toAbsolutePath().toString())).contains("SUCCESS");
    }

    @Test
    void everyAlertNamesItsRunbookEntryAndTheEntryExists() throws IOException {
        String rules = Files.readString(OPS.resolve("alerts.yml"));
        String runbook = Files.readString(OPS.resolve("..").resolve("runbook.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("runbook: \"docs/runbook.md#([a-z-]+)\"").matcher(rules);
        int alerts = 0;
        while (m.find()) {
            alerts++;
            assertThat(runbook).as("runbook anchor %s", m.group(1)).contains("<a id=\"" + m.group(1) + "\"></a>");
        }
        assertThat(alerts).isEqualTo((int) rules.lines().filter(l -> l.strip().startsWith("- alert:")).count()).isGreaterThan(8);
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        boolean present = List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("promtool is missing on CI: .ci/run installs Debian's prometheus package");
        }
        assumeTrue(present, "promtool is not installed (Debian's prometheus package); the rules are not checked here");
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(OPS.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }
}
