package dev.orderly.surge.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.surge.metrics.Endpoint;
import dev.orderly.surge.metrics.Gate;
import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.metrics.RunMetrics.Cheat;
import dev.orderly.surge.replay.BotTickets;
import dev.orderly.surge.replay.Replay;
import dev.orderly.surge.scenario.Scenario;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report page as an operator reads it: the verdict first, Seoul times, the opening on the charts, words not JSON. */
class ReportPageTest {

    /** 20:00:00 KST. */
    private static final Instant START = Instant.parse("2021-07-26T11:00:00Z");
    private static final JsonObject CLEAN = new JsonObject().put("overbookedBuckets", 0).put("peopleWithTwoAppointments", 0);

    @Test
    void aCleanRunSaysPassedBeforeAnythingElse() {
        String page = page(night(), CLEAN, BotTickets.none());

        assertThat(verdict(page)).startsWith("PASSED: every invariant held (7 checked)");
        assertThat(page.indexOf("id=\"verdict\"")).isLessThan(page.indexOf("<h2>"));
        assertThat(page).contains("class=\"verdict pass\"");
    }

    @Test
    void aRunWithoutTheOperatorTokenIsIncompleteAndSaysWhatWasNotCheckedAndHowToFixIt() {
        String page = page(night(), null, BotTickets.none());

        assertThat(verdict(page)).startsWith("INCOMPLETE: the 5 invariants checked held, but 2 were not checked")
                .contains("overbookedBuckets").contains("--operator-token-file");
    }

    @Test
    void aBrokenInvariantFailsTheVerdictByName() {
        RunMetrics m = night();
        m.cheatAttempt(Cheat.FORGE_TICKET, true);

        String page = page(m, CLEAN, BotTickets.none());

        assertThat(verdict(page)).startsWith("FAILED: 1 of 7 invariants checked broke (cheatersAhead = 1)");
        assertThat(page).contains("class=\"verdict fail\"");
    }

    @Test
    void timesAreSeoulTime() {
        String page = page(night(), CLEAN, BotTickets.none());

        assertThat(page).contains("The run started 2021-07-26 20:00:00 KST; the identity line opened 2021-07-26 20:00:01 KST");
        assertThat(page).doesNotContain("2021-07-26T11:00:00Z");
    }

    @Test
    void theOpeningIsMarkedOnEveryChartWhoseAxisIsSeoulClockTime() {
        String page = page(night(), CLEAN, BotTickets.none());

        assertThat(count(page, "class=\"mark\"")).isEqualTo(5);
        assertThat(page).contains(">opening 20:00:01<").contains(">20:00:00<");
    }

    @Test
    void aLineStillWaitingAtTheEndIsSaidNeverToHaveDrained() {
        String page = page(night(), CLEAN, BotTickets.none());

        assertThat(page).contains("The identity line never drained: people were still waiting when the run ended.");
        assertThat(page).doesNotContain("lineDrainedSecondsAfterOpening");
    }

    @Test
    void aDrainedLineIsSaidInMinutesAndSeconds() {
        com.fasterxml.jackson.databind.node.ObjectNode waits = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("lineDrainedSecondsAfterOpening", 754.0);

        assertThat(ReplayReport.drained(waits)).isEqualTo("The identity line drained 12 min 34 s after the opening.");
    }

    @Test
    void noTableCellHoldsJson() {
        RunMetrics m = night();
        m.cheatAttempt(Cheat.REPLAY_TICKET, false);
        m.unexpected(Endpoint.IDENTITY_STATUS, 500, "internal");

        String page = page(m, CLEAN, new BotTickets.Audit(900, 500, 400, 0, 400, 0, 0));

        Matcher cells = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(page);
        int seen = 0;
        while (cells.find()) {
            seen++;
            assertThat(cells.group(1)).as("cell %d", seen).doesNotContain("{").doesNotContain("[").doesNotContain("&quot;");
        }
        assertThat(seen).isGreaterThan(40);
        assertThat(page).contains("<td style=\"text-align:left\">201: 1</td>");
    }

    @Test
    void theBotsTableCountsPlacesTakenByTicketsNobodyClaimed() {
        String page = page(night(), CLEAN, new BotTickets.Audit(9_908, 4_000, 400, 12, 3_880, 0, 120));

        assertThat(page).contains("<td>places taken by bots' tickets, at most (estimated from the sample)</td><td>120</td>")
                .contains("<td>places the line passed over, all tickets nobody claimed (the target's /metrics; -1 unknown)</td><td>3,880</td>")
                .contains("<td>places taken by bots' tickets, at least (reached less passed over; -1 unknown)</td><td>120</td>")
                .contains("<td>tickets taken (never asked about again)</td><td>9,908</td>");
    }

    /** Two seconds in which two honest people joined in order and one booked; someone still waits at the end. */
    private static RunMetrics night() {
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

    private static String page(RunMetrics m, JsonObject integrity, BotTickets.Audit bots) {
        Replay.Result result = new Replay.Result(m, START, START.plusSeconds(1), 2, 3, List.of(), integrity, integrity != null, true, bots);
        return ReplayReport.html(ReplayReport.json(result, Scenario.defaults(), List.of("http://127.0.0.1:8080"), 1));
    }

    private static String verdict(String page) {
        Matcher m = Pattern.compile("id=\"verdict\">([^<]*)<").matcher(page);
        assertThat(m.find()).as("a verdict paragraph").isTrue();
        return m.group(1);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
