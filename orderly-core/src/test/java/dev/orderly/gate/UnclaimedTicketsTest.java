package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bot tickets are worth nothing: tickets nobody asks about are passed over, people who poll as told
 * never are, and being passed over is being admitted in one's absence: a passed-over ticket that
 * comes back within its pass's lifetime is admitted then, and after it meets an expired pass.
 */
class UnclaimedTicketsTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final String GATE = "identity";
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofMillis(100);

    private final MutableClock clock = MutableClock.at(OPENS.plusSeconds(5));
    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));
    private final PassSigner passes = new HmacTestPassSigner(TestKeys.fixed("p1", 2));
    private final InMemoryGateStore store = new InMemoryGateStore();

    @Test
    void ticketsNobodyAsksAboutArePassedOverSoThePersonBehindThemGoesFirst() {
        WaitingRoom room = room(GRACE, gate(0.1, false));
        tickFor(room, Duration.ofSeconds(1));
        List<WaitingRoom.Joined> bots = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bots.add(join(room, "bot-" + b, null));
        }
        WaitingRoom.Joined person = join(room, "person", null);

        Instant admittedAt = pollAsToldUntilAdmitted(room, person, "person", Duration.ofMinutes(3));

        // Without passing over, the 11th at 0.1/s is admitted after 110 s. Each bot's claim from its
        // join runs out after twice its first poll interval (a quarter of its wait) plus 10 s, so
        // the line meets bot k at 10k s and its claim ended at 5k + 10 s: from the third on, lapsed.
        assertThat(Duration.between(OPENS.plusSeconds(6), admittedAt)).isLessThan(Duration.ofSeconds(80));
        assertThat(room.passedOver(GATE)).isGreaterThanOrEqualTo(4);
        assertThat(store.claimedUntil(GATE, List.of(bots.get(9).ticket().sequence()))).containsExactly(Claims.LAPSED);
        GateFigures figures = room.figures(GATE).orElseThrow();
        assertThat(figures.outstanding()).as("passed-over places hold no outstanding pass")
                .isEqualTo(figures.admitted() - room.passedOver(GATE));
    }

    @Test
    void aPassedOverTicketThatComesBackWithinThePassLifetimeIsAdmittedWithAPassUsableOnce() {
        WaitingRoom room = room(GRACE, gate(0.1, false));
        tickFor(room, Duration.ofSeconds(1));
        List<WaitingRoom.Joined> bots = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bots.add(join(room, "bot-" + b, null));
        }
        WaitingRoom.Joined person = join(room, "person", null);
        pollAsToldUntilAdmitted(room, person, "person", Duration.ofMinutes(3));
        WaitingRoom.Joined back = bots.get(9);
        assertThat(store.claimedUntil(GATE, List.of(back.ticket().sequence()))).containsExactly(Claims.LAPSED);
        long outstandingBefore = room.figures(GATE).orElseThrow().outstanding();

        // Two tabs of the same browser come back at once.
        GateStatus first = room.status(GATE, back.token(), id("bot-9"));
        GateStatus second = room.status(GATE, back.token(), id("bot-9"));
        room.tick();

        assertThat(first).isInstanceOf(GateStatus.Admitted.class);
        assertThat(second).isInstanceOf(GateStatus.Admitted.class);
        GateStatus.Admitted admitted = (GateStatus.Admitted) first;
        assertThat(admitted.pass().expiresAt()).as("the pass it would have had, not a new lifetime")
                .isEqualTo(store.admittedAt(GATE, admitted.rank()).orElseThrow().plus(Duration.ofMinutes(10)));
        assertThat(room.figures(GATE).orElseThrow().outstanding()).as("a revived pass is outstanding")
                .isEqualTo(outstandingBefore + 1);
        assertThat(room.check(GATE, admitted.passToken(), id("bot-9"))).isInstanceOf(PassCheck.Valid.class);
        assertThat(room.useOnce(admitted.pass(), () -> "booked")).contains("booked");
        assertThat(room.useOnce(((GateStatus.Admitted) second).pass(), () -> "twice")).as("one use for both tabs").isEmpty();
        assertThat(room.status(GATE, back.token(), id("bot-9"))).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_SPENT));
    }

    @Test
    void aPassedOverTicketThatComesBackAfterThePassLifetimeMeetsAnExpiredPass() {
        WaitingRoom room = room(GRACE, gate(0.1, false));
        tickFor(room, Duration.ofSeconds(1));
        List<WaitingRoom.Joined> bots = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bots.add(join(room, "bot-" + b, null));
        }
        WaitingRoom.Joined person = join(room, "person", null);
        pollAsToldUntilAdmitted(room, person, "person", Duration.ofMinutes(3));
        assertThat(store.claimedUntil(GATE, List.of(bots.get(9).ticket().sequence()))).containsExactly(Claims.LAPSED);

        tickFor(room, Duration.ofMinutes(10));

        assertThat(room.status(GATE, bots.get(9).token(), id("bot-9"))).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
        assertThat(store.claimedUntil(GATE, List.of(bots.get(9).ticket().sequence()))).as("nothing revived").containsExactly(Claims.LAPSED);
    }

    @Test
    void aPassedOverTicketJoiningAgainWaitsAtTheBack() {
        WaitingRoom room = room(GRACE, gate(0.1, false));
        tickFor(room, Duration.ofSeconds(1));
        WaitingRoom.Joined bot = join(room, "bot", null);
        join(room, "bot-2", null);
        join(room, "bot-3", null);
        WaitingRoom.Joined person = join(room, "person", null);
        pollAsToldUntilAdmitted(room, person, "person", Duration.ofMinutes(3));
        WaitingRoom.Joined other = join(room, "other", null);

        WaitingRoom.Joined again = join(room, "bot-3", null);

        assertThat(again.ticket().sequence()).isGreaterThan(other.ticket().sequence());
        assertThat(again.status()).isInstanceOf(GateStatus.Waiting.class);
        assertThat(bot.ticket().sequence()).isEqualTo(1);
    }

    @Test
    void aHolderPassedOverOnAKeyedGateIsAdmittedWhenJoiningAgainInTimeAndGetsOnePlaceAtTheBackAfter() {
        WaitingRoom room = room(GRACE, gate(0.1, true));
        tickFor(room, Duration.ofSeconds(1));
        List<WaitingRoom.Joined> away = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            away.add(join(room, "p" + b, "person:" + (10 + b)));
        }
        WaitingRoom.Joined polling = join(room, "tab-p", "person:2");
        pollAsToldUntilAdmitted(room, polling, "tab-p", Duration.ofMinutes(3));
        assertThat(store.claimedUntil(GATE, List.of(away.get(5).ticket().sequence()))).containsExactly(Claims.LAPSED);

        WaitingRoom.Joined inTime = join(room, "p5", "person:15");
        assertThat(inTime.status()).as("passed over = admitted in their absence").isInstanceOf(GateStatus.Admitted.class);
        assertThat(inTime.ticket().sequence()).isEqualTo(away.get(5).ticket().sequence());

        tickFor(room, Duration.ofMinutes(10));
        WaitingRoom.Joined again = join(room, "p5", "person:15");

        assertThat(away.get(5).ticket().sequence()).isLessThan(polling.ticket().sequence());
        assertThat(again.ticket().sequence()).isGreaterThan(polling.ticket().sequence());
        assertThat(again.status()).isInstanceOf(GateStatus.Waiting.class);
        assertThat(join(room, "p5-other-tab", "person:15").ticket().sequence()).as("one place per person still")
                .isEqualTo(again.ticket().sequence());
    }

    @Test
    void aPlaceHeldForACallBackIsNotPassedOver() {
        WaitingRoom room = room(GRACE, gate(0.1, false));
        tickFor(room, Duration.ofSeconds(1));
        for (int b = 0; b < 5; b++) {
            join(room, "bot-" + b, null);
        }
        WaitingRoom.Joined away = join(room, "away", null);
        room.hold(away.ticket());
        WaitingRoom.Joined person = join(room, "person", null);

        pollAsToldUntilAdmitted(room, person, "person", Duration.ofMinutes(3));

        assertThat(room.status(GATE, away.token(), id("away"))).isInstanceOf(GateStatus.Admitted.class);
    }

    @Test
    void withoutAGraceEveryTicketKeepsItsPlace() {
        WaitingRoom room = room(null, gate(1, false));
        tickFor(room, Duration.ofSeconds(1));
        List<WaitingRoom.Joined> bots = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            bots.add(join(room, "bot-" + b, null));
        }

        tickFor(room, Duration.ofSeconds(60));

        assertThat(room.passedOver(GATE)).isZero();
        assertThat(room.status(GATE, bots.get(29).token(), id("bot-29"))).isInstanceOf(GateStatus.Admitted.class);
    }

    @Test
    void ticketsJoinedWithinTheGraceAreAdmittedEvenBeforeTheirClaimArrives() {
        WaitingRoom other = room(GRACE, gate(5, false));
        WaitingRoom here = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(2), g -> DownstreamHealth.UNKNOWN, GRACE);
        tickFor(here, Duration.ofSeconds(20));
        // Joined on another node, whose tick has not written the join's claim yet.
        WaitingRoom.Joined fresh = join(other, "fresh", null);

        tickFor(here, Duration.ofSeconds(1));

        assertThat(here.passedOver(GATE)).isZero();
        assertThat(here.status(GATE, fresh.token(), id("fresh"))).isInstanceOf(GateStatus.Admitted.class);
    }

    private Instant pollAsToldUntilAdmitted(WaitingRoom room, WaitingRoom.Joined joined, String browser, Duration limit) {
        Instant end = clock.instant().plus(limit);
        GateStatus status = joined.status();
        Instant nextPoll = clock.instant();
        while (clock.instant().isBefore(end)) {
            if (!clock.instant().isBefore(nextPoll)) {
                status = room.status(GATE, joined.token(), id(browser));
                if (status instanceof GateStatus.Admitted) {
                    return clock.instant();
                }
                assertThat(status).isInstanceOf(GateStatus.Waiting.class);
                nextPoll = clock.instant().plus(((GateStatus.Waiting) status).pollAfter());
            }
            clock.advance(TICK);
            room.tick();
        }
        throw new AssertionError("not admitted within " + limit + "; last status " + status);
    }

    private void tickFor(WaitingRoom room, Duration d) {
        Instant end = clock.instant().plus(d);
        while (clock.instant().isBefore(end)) {
            clock.advance(TICK);
            room.tick();
        }
    }

    private WaitingRoom.Joined join(WaitingRoom room, String browser, String holder) {
        return (WaitingRoom.Joined) room.join(GATE, id(browser), holder);
    }

    /** Browser ids are 16 to 64 characters. */
    private static String id(String name) {
        return "browser-id-of-" + name;
    }

    private WaitingRoom room(Duration grace, GateConfig gate) {
        WaitingRoom room = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN, grace);
        room.configure(gate);
        return room;
    }

    private static GateConfig gate(double perSecond, boolean keyed) {
        return new GateConfig(GATE, OPENS.minus(Duration.ofHours(1)), OPENS, new AdmissionPolicy.FixedRate(perSecond), Duration.ofMinutes(10),
                keyed, GateMode.ACTIVE, "", GateConfig.DEFAULT_MAX_POLL);
    }
}
