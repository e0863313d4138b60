package dev.orderly.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.GatePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every default rule, on a driven clock: quiet through an hour of healthy traffic, raised within
 * 60 s of its fault, resolved within a minute of the fault's end, and sent once each way.
 */
class WatchdogRulesTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    private final World world = new World();
    private final List<Alert> sent = new ArrayList<>();
    private final AlertBook book = new InMemoryAlertBook();
    private final Watchdog watchdog = new Watchdog(Rule.defaults("booking"), book, List.of(sent::add), world.clock);

    @Test
    void anHourOfHealthyTrafficRaisesNothing() {
        run(Duration.ofMinutes(65));
        assertThat(book.recent(10)).isEmpty();
    }

    @Test
    void bookingsRefusedWhileTheGateAdmitsRaiseBookingStalledAsIn2021() {
        assertFiresAndClears("booking-stalled", "booking", w -> w.bookingsSucceed = false, w -> w.bookingsSucceed = true);
    }

    @Test
    void oneOrTwoPeopleAdmittedAtNightWhoDoNotBookAreNoStall() {
        world.bookingsSucceed = true;
        run(Duration.ofMinutes(2));
        Watchdog quiet = new Watchdog(List.of(new Rule.BookingStalled("booking", Duration.ofSeconds(40), 5, 10)), book, List.of(), world.clock);
        World night = new World();
        night.clock.set(world.clock.instant());
        for (int i = 0; i < 30; i++) {
            Figures f = night.tick();
            // Nobody books, nobody asks to, two people were let in once.
            quiet.evaluate(new Figures(f.at(), java.util.Map.of(), List.of(new Figures.GateReading("booking", GatePhase.OPEN, 0,
                    i < 2 ? i : 2, null, 2)), java.util.Map.of(), 0, java.util.Map.of(), java.util.Map.of()));
        }
        assertThat(book.active()).isEmpty();
    }

    @Test
    void theWallOfOneRefusalReasonRaisesRefusalsJump() {
        assertFiresAndClears("refusals-jump", "NotEligible", w -> w.bookingsSucceed = false, w -> w.bookingsSucceed = true);
    }

    @Test
    void anOpenGateWhoseMarkStopsWithPeopleWaitingIsStuck() {
        assertFiresAndClears("gate-stuck", "booking", w -> w.bookingGateMoves = false, w -> w.bookingGateMoves = true);
    }

    @Test
    void aGateSetToAdmitFewerThanTwoPeopleInTheWindowIsNotStuck() {
        world.bookingRate = 0.01;
        run(Duration.ofMinutes(2));
        world.bookingGateMoves = false;
        run(Duration.ofMinutes(3));
        assertThat(book.active()).extracting(Alert::rule).doesNotContain("gate-stuck");
    }

    @Test
    void aPausedGateIsNotStuckButIsLateOnceItsAnnouncedRestartPasses() {
        run(Duration.ofMinutes(2));
        world.bookingPhase = GatePhase.PAUSED;
        world.expectedBack = world.clock.instant().plus(Duration.ofMinutes(3));
        run(Duration.ofMinutes(3));
        assertThat(book.active()).extracting(Alert::rule).doesNotContain("gate-stuck", "paused-past-restart");
        Instant due = world.expectedBack;
        Duration took = untilActive("paused-past-restart", "booking");
        System.out.println("time to alert paused-past-restart (booking): " + Duration.between(due, world.clock.instant()).toSeconds()
                + " s after the announced time");
        assertThat(Duration.between(due, world.clock.instant())).isLessThanOrEqualTo(WITHIN);
        assertThat(took).isPositive();
        world.bookingPhase = GatePhase.OPEN;
        world.expectedBack = null;
        assertThat(untilResolved("paused-past-restart", "booking")).isLessThanOrEqualTo(WITHIN);
    }

    @Test
    void aJumpIn5xxAnswersRaisesErrorsJump() {
        assertFiresAndClears("errors-jump", "deployment", w -> w.errorsPerTick = 40, w -> w.errorsPerTick = 0);
    }

    @Test
    void aJumpIn503AnswersRaisesUnavailableJump() {
        assertFiresAndClears("unavailable-jump", "deployment", w -> w.unavailablePerTick = 40, w -> w.unavailablePerTick = 0);
    }

    @Test
    void fewIdentityChecksVerifyingIsOutOfBounds() {
        assertFiresAndClears("identity-out-of-bounds", "deployment", w -> w.verifiedShare = 0.1, w -> w.verifiedShare = 0.9);
    }

    @Test
    void aSlowProviderIsOutOfBounds() {
        assertFiresAndClears("identity-out-of-bounds", "identity", w -> w.providerMeanMs = 8000, w -> w.providerMeanMs = 150);
    }

    @Test
    void anOutboxThatOnlyGrowsIsRaised() {
        assertFiresAndClears("outbox-growing", "deployment", w -> w.backlogGrowthPerTick = 50, w -> w.backlogGrowthPerTick = 0);
    }

    @Test
    void aNodeClockThreeSecondsOffIsRaised() {
        assertFiresAndClears("clock-skew", "node-a", w -> w.skew.put("node-a", Duration.ofSeconds(-3)),
                w -> w.skew.put("node-a", Duration.ofMillis(5)));
    }

    @Test
    void aCanaryFailingTwiceInARowIsRaisedAndOnceIsNot() {
        run(Duration.ofMinutes(2));
        world.canary.put("node-a", 1);
        run(Duration.ofMinutes(1));
        assertThat(book.active()).isEmpty();
        assertFiresAndClears("canary-failing", "node-a", w -> w.canary.put("node-a", 2), w -> w.canary.put("node-a", 0));
    }

    @Test
    void anAlertIsSentOnceWhenRaisedAndOnceWhenResolvedWithItsRunbookEntry() {
        assertFiresAndClears("booking-stalled", "booking", w -> w.bookingsSucceed = false, w -> w.bookingsSucceed = true);
        List<Alert> stalls = sent.stream().filter(a -> a.rule().equals("booking-stalled")).toList();
        assertThat(stalls).hasSize(2);
        assertThat(stalls.get(0).active()).isTrue();
        assertThat(stalls.get(0).runbook()).isEqualTo("booking-stalled");
        assertThat(stalls.get(0).detail()).contains("NotEligible");
        assertThat(stalls.get(1).resolved()).isPresent();
        assertThat(book.recent(10)).filteredOn(a -> a.rule().equals("booking-stalled")).singleElement()
                .satisfies(a -> assertThat(a.resolved()).isPresent());
    }

    @Test
    void anEvaluatorTakingOverResolvesWhatTheOtherRaised() {
        assertThat(untilRaisedAfter(w -> w.bookingsSucceed = false, "booking-stalled")).isLessThanOrEqualTo(WITHIN);
        Watchdog successor = new Watchdog(Rule.defaults("booking"), book, List.of(sent::add), world.clock);
        world.bookingsSucceed = true;
        for (int i = 0; i < 3 && !book.active().isEmpty(); i++) {
            successor.evaluate(world.tick());
        }
        assertThat(book.active()).extracting(Alert::rule).doesNotContain("booking-stalled");
    }

    @Test
    void aSinkThatThrowsDoesNotKeepTheOthersFromTheAlert() {
        List<Alert> second = new ArrayList<>();
        Watchdog w = new Watchdog(Rule.defaults("booking"), new InMemoryAlertBook(), List.of(a -> {
            throw new IllegalStateException("webhook down");
        }, second::add), world.clock);
        world.skew.put("node-a", Duration.ofSeconds(5));
        w.evaluate(world.tick());
        assertThat(second).singleElement().satisfies(a -> assertThat(a.rule()).isEqualTo("clock-skew"));
    }

    private void assertFiresAndClears(String rule, String subject, Consumer<World> breakIt, Consumer<World> healIt) {
        run(Duration.ofMinutes(2));
        assertThat(book.active()).isEmpty();
        Duration toAlert = untilRaisedAfter(breakIt, rule, subject);
        assertThat(toAlert).as("time from the fault to the alert").isLessThanOrEqualTo(WITHIN);
        healIt.accept(world);
        Duration toResolve = untilResolved(rule, subject);
        // The figures docs/runbook.md ("Time to alert") quotes.
        System.out.println("time to alert " + rule + " (" + subject + "): " + toAlert.toSeconds() + " s; to resolve: " + toResolve.toSeconds() + " s");
        assertThat(toResolve).as("time from the repair to the resolution").isLessThanOrEqualTo(WITHIN);
    }

    private Duration untilRaisedAfter(Consumer<World> breakIt, String rule, String... subject) {
        breakIt.accept(world);
        return untilActive(rule, subject);
    }

    private Duration untilActive(String rule, String... subject) {
        Instant from = world.clock.instant();
        for (int i = 0; i < 60; i++) {
            watchdog.evaluate(world.tick());
            if (book.active().stream().anyMatch(a -> a.rule().equals(rule) && (subject.length == 0 || a.subject().equals(subject[0])))) {
                return Duration.between(from, world.clock.instant());
            }
        }
        return Duration.ofHours(1);
    }

    private Duration untilResolved(String rule, String subject) {
        Instant from = world.clock.instant();
        for (int i = 0; i < 60; i++) {
            watchdog.evaluate(world.tick());
            if (book.active().stream().noneMatch(a -> a.rule().equals(rule) && a.subject().equals(subject))) {
                return Duration.between(from, world.clock.instant());
            }
        }
        return Duration.ofHours(1);
    }

    private void run(Duration d) {
        Instant end = world.clock.instant().plus(d);
        while (world.clock.instant().isBefore(end)) {
            watchdog.evaluate(world.tick());
        }
    }
}
