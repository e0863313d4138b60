package dev.orderly.surge.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderly.surge.metrics.Fairness;
import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.replay.Replay;
import dev.orderly.surge.scenario.Scenario;
import dev.orderly.surge.scenario.ScenarioSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Turns a replay's result into {@code report.json} (every figure, per-second series included),
 * {@code report.html} (one self-contained page: inline CSS and SVG, no scripts) and
 * {@code main-chart.png}. The page is drawn from the JSON, so the two never disagree.
 *
 * <p>Generator-limited rule: a second is <em>saturated</em> when the replay's event-loop thread
 * used 90% or more of a core (<em>busy</em>): one loop cannot use more than a core, so at 90%
 * requests wait in the generator before they are sent and their latency is partly ours. A run
 * busy for at least 10% of its seconds (and at least 3) is marked generator-limited. A 100 ms
 * timer firing 50 ms or more late while the loop is not busy means the machine's CPUs were taken
 * by others (<em>starved</em>): that is reported as machine-limited, not generator-limited.
 */
public final class ReplayReport {
    static final double SATURATED_LOOP_CPU = 0.9;
    static final double SATURATED_LAG_MS = 50;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReplayReport() {
    }

    /** Writes the three files into {@code dir}; answers the JSON written. */
    public static ObjectNode write(Replay.Result result, Scenario scenario, List<String> targets, long seed, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = json(result, scenario, targets, seed);
        JSON.writeValue(dir.resolve("report.json").toFile(), json);
        Files.writeString(dir.resolve("report.html"), html(json));
        PngChart.write(List.of(arrivalsChart(json), queueChart(json)), dir.resolve("main-chart.png"));
        return json;
    }

    static ObjectNode json(Replay.Result r, Scenario scenario, List<String> targets, long seed) {
        RunMetrics m = r.metrics();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode run = root.putObject("run");
        run.put("scenario", scenario.name()).put("scale", scenario.scale()).put("summary", ScenarioSummary.describe(scenario));
        targets.forEach(run.putArray("targets")::add);
        run.put("seed", seed).put("startedAt", r.startedAt().toString()).put("opensAt", r.opensAt().toString())
                .put("seconds", round(r.seconds())).put("peoplePlanned", r.peoplePlanned()).put("gatesConfigured", r.gatesConfigured())
                .put("followedServerOpening", r.followedServerOpening());

        ObjectNode totals = root.putObject("totals");
        RunMetrics.Totals t = m.totals();
        totals.put("arrivals", t.arrivals()).put("tabs", t.tabs()).put("admittedIdentity", t.admittedIdentity())
                .put("verified", t.verified()).put("admittedBooking", t.admittedBooking()).put("booked", t.booked())
                .put("unexpectedErrors", t.unexpected()).put("notEligibleRefusedAsExpected", t.notEligibleRefusedAsExpected())
                .put("preQueueJoiners", t.preQueueJoiners()).put("peopleRateLimited", t.peopleRateLimited())
                .put("rateLimitedAnswers", t.rateLimitedAnswers()).put("reconnects", t.reconnects());
        ObjectNode outcomes = totals.putObject("outcomes");
        m.outcomes().forEach((k, v) -> outcomes.put(k.name(), v));

        ObjectNode endpoints = root.putObject("endpoints");
        m.endpoints().forEach((endpoint, e) -> {
            ObjectNode n = latency(endpoints.putObject(endpoint.key()), e.latency());
            ObjectNode statuses = n.putObject("statuses");
            e.statuses().forEach((status, count) -> statuses.put(status == 0 ? "no answer" : String.valueOf(status), count));
            ArrayNode perSecond = n.putArray("perSecond");
            e.perSecond().forEach(perSecond::add);
        });
        // People's waits in line (first join to admission), in seconds: what the simulator predicts.
        ObjectNode waits = root.putObject("waits");
        waitsOf(waits.putObject("identity"), m.identityWait());
        waitsOf(waits.putObject("booking"), m.bookingWait());
        waits.put("lineDrainedSecondsAfterOpening", drainedAfterOpening(m.seconds(), r.startedAt(), r.opensAt()));
        ObjectNode gateLatency = root.putObject("honestGateLatency");
        latency(gateLatency.putObject("quiet"), m.honestGateQuiet());
        latency(gateLatency.putObject("duringBotBursts"), m.honestGateDuringBots());
        root.putObject("bots").put("requests", t.botRequests()).put("refused429", t.botRefused());

        ObjectNode fairness = root.putObject("fairness");
        m.fairnessJoins().forEach((gate, joins) -> {
            Fairness.Figures f = Fairness.of(joins);
            ObjectNode g = fairness.putObject(gate).put("joins", f.joins()).put("inversions", f.inversions()).put("pairs", f.pairs());
            if (Double.isNaN(f.tau())) {
                g.putNull("tau");
            } else {
                g.put("tau", f.tau());
            }
        });

        ObjectNode cheaters = root.putObject("cheaters");
        ObjectNode people = cheaters.putObject("people");
        m.cheatPeople().forEach((k, v) -> people.put(k.name(), v));
        ObjectNode attempts = cheaters.putObject("attempts");
        m.cheatAttempts().forEach((k, v) -> attempts.put(k.name(), v));
        ObjectNode accepted = cheaters.putObject("accepted");
        m.cheatAccepted().forEach((k, v) -> accepted.put(k.name(), v));
        long placedAhead = m.cheatersPlacedAhead();
        cheaters.put("placedAheadOfEarlierHonest", placedAhead);

        ObjectNode inv = root.putObject("invariants");
        invariant(inv, "cheatersAhead", m.cheatsAccepted() + placedAhead, "forged, replayed or direct requests accepted, plus cheaters placed ahead of honest joins answered before theirs");
        invariant(inv, "bounced", m.bounced(), "admitted, then refused by the next step for a pass problem");
        invariant(inv, "placesLostOnReconnect", t.placesLostOnReconnect(), "airplane-mode cheaters whose place changed or was refused when they came back");
        invariant(inv, "rankChanges", t.rankChanges(), "a tab's place in line changed while it waited (refreshes included)");
        invariant(inv, "sharedPlaceViolations", t.sharedPlaceViolations(), "tabs of one verified person that got different places on the booking gate ("
                + t.sharedPlaceChecks() + " people checked)");
        JsonNode integrity = r.integrity() == null ? null : toJackson(r.integrity().encode());
        for (String key : List.of("overbookedBuckets", "peopleWithTwoAppointments")) {
            if (integrity != null && integrity.has(key)) {
                invariant(inv, key, integrity.get(key).asLong(), "from /api/operator/integrity after the run");
            } else {
                inv.putObject(key).putNull("value").put("pass", (String) null).put("meaning", integrity == null
                        ? "not checked: no operator token" : "not checked: " + integrity.path("error").asText());
            }
        }
        if (integrity != null) {
            root.set("integrity", integrity);
        }
        ObjectNode bounced = root.putObject("bouncedByGate");
        m.bouncedByGate().forEach(bounced::put);
        ObjectNode unexpected = root.putObject("unexpectedByKind");
        m.unexpectedByKind().forEach(unexpected::put);

        generator(root.putObject("generator"), m.seconds());
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        series(root.putObject("series"), m.seconds());
        return root;
    }

    /** Whether any invariant of a report (as {@link #write} answers it, or parsed back from report.json) failed. */
    public static boolean anyInvariantFailed(JsonNode report) {
        for (JsonNode v : report.path("invariants")) {
            if ("FAIL".equals(v.path("pass").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void invariant(ObjectNode inv, String name, long value, String meaning) {
        inv.putObject(name).put("value", value).put("pass", value == 0 ? "pass" : "FAIL").put("meaning", meaning);
    }

    private static JsonNode toJackson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode latency(ObjectNode n, Histogram h) {
        n.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            n.put("p50Ms", h.getValueAtPercentile(50) / 1000.0).put("p90Ms", h.getValueAtPercentile(90) / 1000.0)
                    .put("p99Ms", h.getValueAtPercentile(99) / 1000.0).put("maxMs", h.getMaxValue() / 1000.0);
        }
        return n;
    }

    private static void waitsOf(ObjectNode n, Histogram millis) {
        n.put("people", millis.getTotalCount());
        if (millis.getTotalCount() > 0) {
            n.put("p50Seconds", millis.getValueAtPercentile(50) / 1000.0).put("p90Seconds", millis.getValueAtPercentile(90) / 1000.0)
                    .put("p99Seconds", millis.getValueAtPercentile(99) / 1000.0).put("maxSeconds", millis.getMaxValue() / 1000.0);
        }
    }

    /** Seconds from the opening to the last second anyone of the replay still waited at the identity gate (-1: never drained). */
    static double drainedAfterOpening(List<RunMetrics.Second> seconds, java.time.Instant startedAt, java.time.Instant opensAt) {
        double opening = java.time.Duration.between(startedAt, opensAt).toMillis() / 1000.0;
        int lastWaiting = -1;
        for (RunMetrics.Second s : seconds) {
            if (s.waiting() > 0) {
                lastWaiting = s.t();
            }
        }
        if (lastWaiting >= 0 && lastWaiting == seconds.getLast().t()) {
            return -1;
        }
        return Math.max(0, lastWaiting + 1 - opening);
    }

    private static void generator(ObjectNode g, List<RunMetrics.Second> seconds) {
        long busy = seconds.stream().filter(s -> s.loopCpu() >= SATURATED_LOOP_CPU).count();
        long starved = seconds.stream().filter(s -> s.loopCpu() < SATURATED_LOOP_CPU && s.loopLagMs() >= SATURATED_LAG_MS).count();
        double peakCpu = seconds.stream().mapToDouble(RunMetrics.Second::processCpuCores).max().orElse(0);
        double peakLoop = seconds.stream().mapToDouble(RunMetrics.Second::loopCpu).max().orElse(0);
        double peakLag = seconds.stream().mapToDouble(RunMetrics.Second::loopLagMs).max().orElse(0);
        long threshold = Math.max(3, (long) Math.ceil(0.1 * seconds.size()));
        boolean limited = busy >= threshold;
        boolean machine = !limited && busy + starved >= threshold;
        g.put("busySeconds", busy).put("starvedSeconds", starved).put("seconds", seconds.size()).put("peakProcessCpuCores", round(peakCpu))
                .put("peakLoopCpu", round(peakLoop)).put("peakLoopLagMs", round(peakLag)).put("limited", limited)
                .put("machineLimited", machine);
        String verdict;
        if (limited) {
            verdict = String.format(Locale.ROOT, "Generator-limited: the replay's event loop used >= %.0f%% of a core in %d of %d seconds; "
                    + "requests then wait in the generator and latencies and rates measure it as much as the server. Lower --scale, "
                    + "or run the generator on another machine.", SATURATED_LOOP_CPU * 100, busy, seconds.size());
        } else if (machine) {
            verdict = String.format(Locale.ROOT, "Machine-limited: the event loop was not busy (peak %.0f%% of a core) but fired >= %.0f ms late "
                    + "in %d of %d seconds: the machine's CPUs were taken by other processes (the server, if it runs here). "
                    + "Latencies include that wait; the generator's own work was not the limit.",
                    peakLoop * 100, SATURATED_LAG_MS, starved, seconds.size());
        } else {
            verdict = String.format(Locale.ROOT, "Not generator-limited: the event loop was busy in %d and late in %d of %d seconds "
                    + "(peak %.0f%% of a core, lag %.0f ms).", busy, starved, seconds.size(), peakLoop * 100, peakLag);
        }
        g.put("verdict", verdict);
    }

    private static void series(ObjectNode s, List<RunMetrics.Second> seconds) {
        Map<String, ToDoubleFunction<RunMetrics.Second>> columns = new java.util.LinkedHashMap<>();
        columns.put("t", RunMetrics.Second::t);
        columns.put("arrivals", RunMetrics.Second::arrivals);
        columns.put("admittedIdentity", RunMetrics.Second::admittedIdentity);
        columns.put("admittedBooking", RunMetrics.Second::admittedBooking);
        columns.put("booked", RunMetrics.Second::booked);
        columns.put("waiting", RunMetrics.Second::waiting);
        columns.put("serverWaiting", RunMetrics.Second::serverWaiting);
        columns.put("requests", RunMetrics.Second::requests);
        columns.put("unexpected", RunMetrics.Second::unexpected);
        columns.put("p50Ms", RunMetrics.Second::p50Ms);
        columns.put("p90Ms", RunMetrics.Second::p90Ms);
        columns.put("p99Ms", RunMetrics.Second::p99Ms);
        columns.put("maxMs", RunMetrics.Second::maxMs);
        columns.put("processCpuCores", RunMetrics.Second::processCpuCores);
        columns.put("loopCpu", RunMetrics.Second::loopCpu);
        columns.put("loopLagMs", RunMetrics.Second::loopLagMs);
        columns.put("botsActive", x -> x.botsActive() ? 1 : 0);
        columns.forEach((name, f) -> {
            ArrayNode a = s.putArray(name);
            seconds.forEach(x -> a.add(round(f.applyAsDouble(x))));
        });
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double[] column(ObjectNode json, String name) {
        JsonNode a = json.path("series").path(name);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
            if (name.equals("serverWaiting") && v[i] < 0) {
                v[i] = Double.NaN;
            }
        }
        return v;
    }

    static Chart arrivalsChart(ObjectNode json) {
        return new Chart("Arrivals vs admissions", "people/s", List.of(
                new Chart.Line("arrivals", 0x1f77b4, column(json, "arrivals")),
                new Chart.Line("admitted (identity)", 0x2ca02c, column(json, "admittedIdentity")),
                new Chart.Line("admitted (booking)", 0x9467bd, column(json, "admittedBooking"))), 860, 260);
    }

    static Chart queueChart(ObjectNode json) {
        // The server counts tickets: every tab and device of a person, and each bot join, holds one.
        return new Chart("Queue length", "people / tickets", List.of(
                new Chart.Line("people waiting (replay)", 0xd62728, column(json, "waiting")),
                new Chart.Line("tickets waiting (server: tabs, devices, bots)", 0xff7f0e, column(json, "serverWaiting"))), 860, 260);
    }

    static String html(ObjectNode json) {
        List<Chart> charts = new ArrayList<>(List.of(arrivalsChart(json), queueChart(json),
                new Chart("Latency of honest requests", "ms", List.of(
                        new Chart.Line("p50", 0x2ca02c, column(json, "p50Ms")),
                        new Chart.Line("p90", 0x1f77b4, column(json, "p90Ms")),
                        new Chart.Line("p99", 0xd62728, column(json, "p99Ms"))), 860, 260),
                new Chart("Bookings", "bookings/s", List.of(new Chart.Line("booked", 0x9467bd, column(json, "booked"))), 860, 220),
                new Chart("Generator", "cores / share of a core", List.of(
                        new Chart.Line("process CPU (cores)", 0x7f7f7f, column(json, "processCpuCores")),
                        new Chart.Line("event loop (share of a core)", 0x17becf, column(json, "loopCpu"))), 860, 220)));
        StringBuilder h = new StringBuilder();
        JsonNode run = json.path("run");
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Surge replay: ")
                .append(Html.escape(run.path("scenario").asText())).append("</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:960px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.pass{color:#197a19}.FAIL{color:#c00;font-weight:bold}")
                .append("svg{display:block;margin:8px 0}.t{font-weight:bold;font-size:13px}.g{stroke:#ddd}.yl{font-size:11px;text-anchor:end}")
                .append(".xl{font-size:11px;text-anchor:middle}.lg{font-size:11px}.note{background:#fff6d5;padding:6px 10px}")
                .append("</style></head><body>");
        h.append("<h1>Surge replay: ").append(Html.escape(run.path("scenario").asText())).append("</h1>");
        h.append("<p>").append(Html.escape(run.path("summary").asText())).append("</p>");
        h.append("<p>Targets: ").append(Html.escape(run.path("targets").toString())).append("; started ")
                .append(Html.escape(run.path("startedAt").asText())).append(", ran ").append(run.path("seconds").asText())
                .append(" s; seed ").append(run.path("seed").asText()).append(".</p>");
        h.append("<p class=\"note\">").append(Html.escape(json.path("generator").path("verdict").asText())).append("</p>");
        for (JsonNode n : json.path("notes")) {
            h.append("<p class=\"note\">").append(Html.escape(n.asText())).append("</p>");
        }
        h.append("<h2>Invariants</h2><table><tr><th>invariant</th><th>value</th><th>result</th><th>meaning</th></tr>");
        json.path("invariants").properties().forEach(e -> {
            JsonNode v = e.getValue();
            String pass = v.path("pass").isNull() ? "not checked" : v.path("pass").asText();
            h.append("<tr><td>").append(e.getKey()).append("</td><td>").append(v.path("value").isNull() ? "–" : v.path("value").asText())
                    .append("</td><td class=\"").append(pass).append("\">").append(pass).append("</td><td style=\"text-align:left\">")
                    .append(Html.escape(v.path("meaning").asText())).append("</td></tr>");
        });
        h.append("</table>");
        h.append("<h2>Totals</h2>").append(table(json.path("totals"), "figure", "value"));
        h.append("<h2>Waits in line (first join to admission, seconds)</h2>")
                .append(table(json.path("waits"), "gate", "people, p50, p90, p99, max"));
        for (Chart c : charts) {
            h.append(SvgChart.render(c));
        }
        h.append("<h2>Fairness (joins after the pre-queue)</h2><table><tr><th>gate</th><th>joins</th><th>inversions</th><th>pairs</th><th>Kendall's tau</th></tr>");
        json.path("fairness").properties().forEach(e -> h.append("<tr><td>").append(e.getKey()).append("</td><td>")
                .append(e.getValue().path("joins").asText()).append("</td><td>").append(e.getValue().path("inversions").asText())
                .append("</td><td>").append(e.getValue().path("pairs").asText()).append("</td><td>")
                .append(e.getValue().path("tau").isNull() ? "–" : String.format(Locale.ROOT, "%.4f", e.getValue().path("tau").asDouble()))
                .append("</td></tr>"));
        h.append("</table>");
        h.append("<h2>Endpoints</h2><table><tr><th>endpoint</th><th>requests</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>statuses</th></tr>");
        json.path("endpoints").properties().forEach(e -> {
            JsonNode v = e.getValue();
            h.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>").append(v.path("count").asText());
            for (String p : List.of("p50Ms", "p90Ms", "p99Ms", "maxMs")) {
                h.append("</td><td>").append(v.path(p).asText("–"));
            }
            h.append("</td><td style=\"text-align:left\">").append(Html.escape(v.path("statuses").toString())).append("</td></tr>");
        });
        h.append("</table>");
        h.append("<h2>Honest gate requests, bots bursting or not</h2><table><tr><th>when</th><th>requests</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th></tr>");
        json.path("honestGateLatency").properties().forEach(e -> h.append("<tr><td>").append(e.getKey()).append("</td><td>")
                .append(e.getValue().path("count").asText()).append("</td><td>").append(e.getValue().path("p50Ms").asText("–"))
                .append("</td><td>").append(e.getValue().path("p99Ms").asText("–")).append("</td><td>")
                .append(e.getValue().path("maxMs").asText("–")).append("</td></tr>"));
        h.append("</table>").append("<p>Bots: ").append(json.path("bots").toString()).append("</p>");
        h.append("<h2>Cheaters</h2>").append(table(json.path("cheaters"), "figure", "value"));
        h.append("<h2>Unexpected answers</h2>").append(table(json.path("unexpectedByKind"), "kind", "count"));
        h.append("<p>Every figure and per-second series is in <code>report.json</code> beside this page.</p></body></html>");
        return h.toString();
    }

    private static String table(JsonNode node, String key, String value) {
        StringBuilder t = new StringBuilder("<table><tr><th>").append(key).append("</th><th>").append(value).append("</th></tr>");
        node.properties().forEach(e -> t.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>")
                .append(Html.escape(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString())).append("</td></tr>"));
        return t.append("</table>").toString();
    }
}
