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
        dev.orderly.surge.replay.BotTickets.Audit bots = r.botTickets();
        root.putObject("bots").put("requests", t.botRequests()).put("refused429", t.botRefused()).put("tickets", bots.tickets())
                .put("reachedByLine", bots.reachedByLine()).put("askedAfterRun", bots.sampled()).put("askedAdmitted", bots.admitted())
                .put("passedOverByLine", bots.passedOver()).put("askedOther", bots.other())
                .put("placesTakenByUnclaimedTickets", bots.placesTaken()).put("placesTakenAtLeast", bots.placesTakenAtLeast());

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

    /** Marks the opening on a chart and labels its x axis in Seoul time. */
    static Chart marked(ObjectNode json, Chart c) {
        JsonNode run = json.path("run");
        if (!run.hasNonNull("startedAt") || !run.hasNonNull("opensAt")) {
            return c;
        }
        java.time.Instant start = java.time.Instant.parse(run.path("startedAt").asText());
        java.time.Instant opens = java.time.Instant.parse(run.path("opensAt").asText());
        return c.marked(start, java.time.Duration.between(start, opens).toMillis() / 1000.0, "opening " + SEOUL_CLOCK.format(opens));
    }

    static Chart arrivalsChart(ObjectNode json) {
        return marked(json, new Chart("Arrivals vs admissions", "people/s", List.of(
                new Chart.Line("arrivals", 0x1f77b4, column(json, "arrivals")),
                new Chart.Line("admitted (identity)", 0x2ca02c, column(json, "admittedIdentity")),
                new Chart.Line("admitted (booking)", 0x9467bd, column(json, "admittedBooking"))), 860, 260));
    }

    static Chart queueChart(ObjectNode json) {
        // The server counts tickets: every tab and device of a person, and each bot join, holds one.
        return marked(json, new Chart("Queue length", "people / tickets", List.of(
                new Chart.Line("people waiting (replay)", 0xd62728, column(json, "waiting")),
                new Chart.Line("tickets waiting (server: tabs, devices, bots)", 0xff7f0e, column(json, "serverWaiting"))), 860, 260));
    }

    static final java.time.format.DateTimeFormatter SEOUL_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss 'KST'", Locale.ROOT).withZone(Chart.SEOUL);
    static final java.time.format.DateTimeFormatter SEOUL_CLOCK = java.time.format.DateTimeFormatter
            .ofPattern("HH:mm:ss", Locale.ROOT).withZone(Chart.SEOUL);

    /** The run's verdict in one line an operator can act on, and how it reads: pass, warn or fail. */
    record Verdict(String level, String headline) {
    }

    static Verdict verdict(JsonNode json) {
        List<String> failed = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        int checked = 0;
        for (var e : json.path("invariants").properties()) {
            if (e.getValue().path("pass").isNull() || e.getValue().path("pass").isMissingNode()) {
                unchecked.add(e.getKey());
            } else {
                checked++;
                if ("FAIL".equals(e.getValue().path("pass").asText())) {
                    failed.add(e.getKey() + " = " + e.getValue().path("value").asText());
                }
            }
        }
        long unexpected = json.path("totals").path("unexpectedErrors").asLong();
        if (!failed.isEmpty()) {
            return new Verdict("fail", "FAILED: " + failed.size() + " of " + checked + " invariants checked broke (" + String.join(", ", failed)
                    + ").");
        }
        String errors = unexpected == 0 ? "no unexpected errors" : String.format(Locale.ROOT, "%,d unexpected error%s (see below)", unexpected, unexpected == 1 ? "" : "s");
        if (!unchecked.isEmpty()) {
            return new Verdict("warn", "INCOMPLETE: the " + checked + " invariants checked held, but " + unchecked.size() + " were not checked ("
                    + String.join(", ", unchecked) + ": give the replay the operator token, --operator-token-file); " + errors + ".");
        }
        if (unexpected > 0) {
            return new Verdict("warn", "Every invariant held (" + checked + " checked), but with " + errors + ".");
        }
        return new Verdict("pass", "PASSED: every invariant held (" + checked + " checked) and there were no unexpected errors.");
    }

    /** When the identity line emptied, in words. */
    static String drained(JsonNode waits) {
        double d = waits.path("lineDrainedSecondsAfterOpening").asDouble(-1);
        return d < 0 ? "The identity line never drained: people were still waiting when the run ended."
                : String.format(Locale.ROOT, "The identity line drained %s after the opening.", durationWords(d));
    }

    static String durationWords(double seconds) {
        long s = Math.round(seconds);
        return s < 120 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    private static String seoul(JsonNode instant) {
        if (!instant.isTextual()) {
            return "–";
        }
        return SEOUL_TIME.format(java.time.Instant.parse(instant.asText()));
    }

    private static String number(JsonNode n) {
        if (n.isIntegralNumber()) {
            return String.format(Locale.ROOT, "%,d", n.asLong());
        }
        if (n.isNumber()) {
            return String.format(Locale.ROOT, "%,.3f", n.asDouble()).replaceAll("\\.?0+$", "");
        }
        return n.isMissingNode() || n.isNull() ? "–" : n.asText();
    }

    static String html(ObjectNode json) {
        List<Chart> charts = new ArrayList<>(List.of(arrivalsChart(json), queueChart(json),
                marked(json, new Chart("Latency of honest requests", "ms", List.of(
                        new Chart.Line("p50", 0x2ca02c, column(json, "p50Ms")),
                        new Chart.Line("p90", 0x1f77b4, column(json, "p90Ms")),
                        new Chart.Line("p99", 0xd62728, column(json, "p99Ms"))), 860, 260)),
                marked(json, new Chart("Bookings", "bookings/s", List.of(new Chart.Line("booked", 0x9467bd, column(json, "booked"))), 860, 220)),
                marked(json, new Chart("Generator", "cores / share of a core", List.of(
                        new Chart.Line("process CPU (cores)", 0x7f7f7f, column(json, "processCpuCores")),
                        new Chart.Line("event loop (share of a core)", 0x17becf, column(json, "loopCpu"))), 860, 220))));
        StringBuilder h = new StringBuilder();
        JsonNode run = json.path("run");
        JsonNode totals = json.path("totals");
        JsonNode waits = json.path("waits");
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Surge replay: ")
                .append(Html.escape(run.path("scenario").asText())).append("</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:960px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.pass{color:#197a19}.FAIL{color:#c00;font-weight:bold}")
                .append("svg{display:block;margin:8px 0}.t{font-weight:bold;font-size:13px}.g{stroke:#ddd}.yl{font-size:11px;text-anchor:end}")
                .append(".xl{font-size:11px;text-anchor:middle}.lg{font-size:11px}.note{background:#fff6d5;padding:6px 10px}")
                .append(".verdict{font-size:18px;font-weight:bold;padding:10px 14px;border-radius:4px}.verdict.pass{background:#e3f4e3}")
                .append(".verdict.warn{background:#fff6d5;color:#222}.verdict.fail{background:#fde2e2;color:#a00}")
                .append("</style></head><body>");
        h.append("<h1>Surge replay: ").append(Html.escape(run.path("scenario").asText())).append("</h1>");
        Verdict v = verdict(json);
        h.append("<p class=\"verdict ").append(v.level()).append("\" id=\"verdict\">").append(Html.escape(v.headline())).append("</p>");
        h.append("<p id=\"gist\">").append(Html.escape(String.format(Locale.ROOT,
                "%,d people arrived; %,d were admitted by the identity line, %,d verified, %,d booked. Half waited in that line %s or less, "
                        + "99 %% %s or less. Honest requests to the gates took %s ms at the 99th percentile. ",
                totals.path("arrivals").asLong(), totals.path("admittedIdentity").asLong(), totals.path("verified").asLong(),
                totals.path("booked").asLong(), durationWords(waits.path("identity").path("p50Seconds").asDouble()),
                durationWords(waits.path("identity").path("p99Seconds").asDouble()),
                number(json.path("honestGateLatency").path("quiet").path("p99Ms")))))
                .append(Html.escape(drained(waits))).append("</p>");
        h.append("<p>Times are Seoul time (KST). The run started ").append(seoul(run.path("startedAt"))).append("; the identity line opened ")
                .append(seoul(run.path("opensAt"))).append(" (marked on the charts); it ran ").append(durationWords(run.path("seconds").asDouble()))
                .append(". Targets: ").append(Html.escape(String.join(", ", texts(run.path("targets"))))).append("; seed ")
                .append(run.path("seed").asText()).append(".</p>");
        h.append("<p>").append(Html.escape(run.path("summary").asText())).append("</p>");
        h.append("<p class=\"note\">").append(Html.escape(json.path("generator").path("verdict").asText())).append("</p>");
        for (JsonNode n : json.path("notes")) {
            h.append("<p class=\"note\">").append(Html.escape(n.asText())).append("</p>");
        }
        h.append("<h2>Invariants</h2><table><tr><th>invariant</th><th>value</th><th>result</th><th>meaning</th></tr>");
        json.path("invariants").properties().forEach(e -> {
            JsonNode iv = e.getValue();
            String pass = iv.path("pass").isNull() ? "not checked" : iv.path("pass").asText();
            h.append("<tr><td>").append(e.getKey()).append("</td><td>").append(iv.path("value").isNull() ? "–" : number(iv.path("value")))
                    .append("</td><td class=\"").append(pass).append("\">").append(pass).append("</td><td style=\"text-align:left\">")
                    .append(Html.escape(iv.path("meaning").asText())).append("</td></tr>");
        });
        h.append("</table>");
        h.append("<h2>Totals</h2>").append(table(totals, "figure", "value"));
        h.append("<h2>Waits in line (first join to admission)</h2><table><tr><th>gate</th><th>people</th><th>p50 s</th><th>p90 s</th>")
                .append("<th>p99 s</th><th>max s</th></tr>");
        for (String gate : List.of("identity", "booking")) {
            JsonNode w = waits.path(gate);
            h.append("<tr><td>").append(gate).append("</td><td>").append(number(w.path("people")));
            for (String p : List.of("p50Seconds", "p90Seconds", "p99Seconds", "maxSeconds")) {
                h.append("</td><td>").append(number(w.path(p)));
            }
            h.append("</td></tr>");
        }
        h.append("</table><p>").append(Html.escape(drained(waits))).append("</p>");
        for (Chart c : charts) {
            h.append(SvgChart.render(c));
        }
        h.append("<h2>Fairness (joins after the pre-queue)</h2><table><tr><th>gate</th><th>joins</th><th>inversions</th><th>pairs</th><th>Kendall's tau</th></tr>");
        json.path("fairness").properties().forEach(e -> h.append("<tr><td>").append(e.getKey()).append("</td><td>")
                .append(number(e.getValue().path("joins"))).append("</td><td>").append(number(e.getValue().path("inversions")))
                .append("</td><td>").append(number(e.getValue().path("pairs"))).append("</td><td>")
                .append(e.getValue().path("tau").isNull() ? "–" : String.format(Locale.ROOT, "%.4f", e.getValue().path("tau").asDouble()))
                .append("</td></tr>"));
        h.append("</table>");
        h.append("<h2>Endpoints</h2><table><tr><th>endpoint</th><th>requests</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>answers</th></tr>");
        json.path("endpoints").properties().forEach(e -> {
            JsonNode ev = e.getValue();
            h.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>").append(number(ev.path("count")));
            for (String p : List.of("p50Ms", "p90Ms", "p99Ms", "maxMs")) {
                h.append("</td><td>").append(number(ev.path(p)));
            }
            List<String> statuses = new ArrayList<>();
            ev.path("statuses").properties().forEach(st -> statuses.add(st.getKey() + ": " + number(st.getValue())));
            h.append("</td><td style=\"text-align:left\">").append(Html.escape(String.join(" · ", statuses))).append("</td></tr>");
        });
        h.append("</table>");
        h.append("<h2>Honest gate requests, bots bursting or not</h2><table><tr><th>when</th><th>requests</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th></tr>");
        json.path("honestGateLatency").properties().forEach(e -> h.append("<tr><td>")
                .append(e.getKey().equals("quiet") ? "bots quiet" : "during bot bursts").append("</td><td>")
                .append(number(e.getValue().path("count"))).append("</td><td>").append(number(e.getValue().path("p50Ms")))
                .append("</td><td>").append(number(e.getValue().path("p99Ms"))).append("</td><td>")
                .append(number(e.getValue().path("maxMs"))).append("</td></tr>"));
        h.append("</table>");
        JsonNode bots = json.path("bots");
        h.append("<h2>Bots</h2><table><tr><th>figure</th><th>value</th></tr>");
        row(h, "join requests sent", bots.path("requests"));
        row(h, "refused with 429 (rate limit)", bots.path("refused429"));
        row(h, "tickets taken (never asked about again)", bots.path("tickets"));
        row(h, "of them reached by the line before the run ended", bots.path("reachedByLine"));
        row(h, "asked about after the run (a sample)", bots.path("askedAfterRun"));
        row(h, "… answered admitted (a ticket passed over is admitted when it comes back in time)", bots.path("askedAdmitted"));
        row(h, "places the line passed over, all tickets nobody claimed (the target's /metrics; -1 unknown)", bots.path("passedOverByLine"));
        row(h, "places taken by bots' tickets, at most (estimated from the sample)", bots.path("placesTakenByUnclaimedTickets"));
        row(h, "places taken by bots' tickets, at least (reached less passed over; -1 unknown)", bots.path("placesTakenAtLeast"));
        h.append("</table>");
        h.append("<h2>Cheaters</h2><table><tr><th>kind</th><th>people</th><th>attempts</th><th>accepted</th></tr>");
        JsonNode cheaters = json.path("cheaters");
        cheaters.path("people").properties().forEach(e -> h.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>")
                .append(number(e.getValue())).append("</td><td>").append(number(cheaters.path("attempts").path(e.getKey())))
                .append("</td><td>").append(number(cheaters.path("accepted").path(e.getKey()))).append("</td></tr>"));
        h.append("</table><p>Cheaters placed ahead of earlier honest joins: ").append(number(cheaters.path("placedAheadOfEarlierHonest")))
                .append(".</p>");
        h.append("<h2>Unexpected answers</h2>").append(table(json.path("unexpectedByKind"), "kind", "count"));
        h.append("<p>Every figure and per-second series is in <code>report.json</code> beside this page.</p></body></html>");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, JsonNode value) {
        h.append("<tr><td>").append(Html.escape(name)).append("</td><td>").append(number(value)).append("</td></tr>");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Figures as rows; a nested object's figures become rows named "parent: child", never JSON text. */
    private static String table(JsonNode node, String key, String value) {
        StringBuilder t = new StringBuilder("<table><tr><th>").append(key).append("</th><th>").append(value).append("</th></tr>");
        rows(t, "", node);
        if (node.isEmpty()) {
            t.append("<tr><td>none</td><td>0</td></tr>");
        }
        return t.append("</table>").toString();
    }

    private static void rows(StringBuilder t, String prefix, JsonNode node) {
        node.properties().forEach(e -> {
            if (e.getValue().isObject()) {
                rows(t, prefix + e.getKey() + ": ", e.getValue());
            } else {
                String v = e.getValue().isArray() ? String.join(", ", texts(e.getValue())) : number(e.getValue());
                t.append("<tr><td>").append(Html.escape(prefix + e.getKey())).append("</td><td>").append(Html.escape(v)).append("</td></tr>");
            }
        });
    }
}
