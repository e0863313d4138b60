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
 * Leaving the line with a driven clock: one text when the gate's estimate of the remaining wait
 * reaches the lead, not before and never again; the link gives the same number back, in one
 * browser, until it expires; a forged link fails; and a pass given back by the link lasts its
 * lifetime from the text when the turn came earlier.
 */
class LeaveTheLineTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final String GATE = "booking";
    private static final Duration LEAD = Duration.ofMinutes(5);
    private static final Duration PASS = Duration.ofMinutes(1);

    private final MutableClock clock = MutableClock.at(OPENS);
    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));
    private final InMemoryGateStore gates = new InMemoryGateStore();
    private final WaitingRoom room = new WaitingRoom(gates, tokens, new HmacTestPassSigner(TestKeys.fixed("p1", 2)), clock,
            new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
    private final List<String> outbox = new ArrayList<>();
    private final List<Long> textedPeople = new ArrayList<>();
    private final InMemoryRecallStore recalls = new InMemoryRecallStore((person, text) -> {
        textedPeople.add(person);
        outbox.add(text);
    });
    private final LeaveTheLine leave = new LeaveTheLine(room, tokens, recalls, TestKeys.fixed("r1", 3), clock, new SplittableRandom(2),
            new LeaveTheLine.Settings(LEAD, Duration.ofMinutes(30), "https://orderly.example/"));

    LeaveTheLineTest() {
        room.configure(new GateConfig(GATE, OPENS, OPENS, new AdmissionPolicy.FixedRate(1), PASS, true, GateMode.ACTIVE, "",
                GateConfig.DEFAULT_MAX_POLL));
    }

    @Test
    void oneTextGoesWhenTheRemainingWaitReachesTheLeadNotEarlierAndNeverAgain() {
        WaitingRoom.Joined mine = lineWithMeAt(400);
        assertThat(leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7)).isInstanceOf(LeaveTheLine.Left.class);

        Instant textedAt = null;
        for (int second = 0; second < 500; second++) {
            advance(Duration.ofSeconds(1));
            Duration before = room.remainingWait(GATE, mine.ticket().sequence()).orElseThrow();
            List<LineRecall> sent = leave.sendDue(100);
            if (textedAt == null && !sent.isEmpty()) {
                textedAt = clock.instant();
                assertThat(before).isLessThanOrEqualTo(LEAD);
            } else if (textedAt == null) {
                assertThat(before).as("no text while more than the lead remains").isGreaterThan(LEAD);
            } else {
                assertThat(sent).as("never a second text").isEmpty();
            }
        }
        assertThat(textedAt).isNotNull();
        assertThat(outbox).hasSize(1);
        assertThat(textedPeople).containsExactly(7L);
        assertThat(outbox.get(0)).contains("https://orderly.example/back.html?gate=booking#").contains("약 5분");
    }

    @Test
    void aLinePausedWithNoTimeItMovesAgainCallsNobodyBackAndOneWithATimeCountsItIn() {
        WaitingRoom.Joined mine = lineWithMeAt(3);
        leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7);
        GateConfig open = room.gate(GATE).orElseThrow();
        room.configure(open.withMode(GateMode.PAUSED, "잠시 멈춤"));
        advance(Duration.ofSeconds(30));
        assertThat(leave.sendDue(100)).as("paused: the wait is unknown").isEmpty();

        room.configure(open.withMode(GateMode.PAUSED, new GateNotice("잠시 멈춤", "paused", clock.instant().plus(Duration.ofMinutes(20)))));
        advance(Duration.ofSeconds(1));
        assertThat(leave.sendDue(100)).as("back in 20 min: more than the lead remains").isEmpty();

        room.configure(open);
        advance(Duration.ofSeconds(1));
        assertThat(leave.sendDue(100)).hasSize(1);
        assertThat(outbox).hasSize(1);
    }

    @Test
    void theLinkGivesTheSameNumberBackInTheBrowserThatOpensItAndTheLineGoesOn() {
        WaitingRoom.Joined mine = lineWithMeAt(400);
        leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7);
        String token = untilTexted();
        GateStatus.Waiting stillWaiting = (GateStatus.Waiting) status(mine);

        LeaveTheLine.RestoreOutcome back = leave.restore(token, browser(9_000));

        assertThat(back).isInstanceOf(LeaveTheLine.Restored.class);
        WaitingRoom.Joined place = ((LeaveTheLine.Restored) back).place();
        assertThat(place.ticket().sequence()).isEqualTo(mine.ticket().sequence());
        assertThat(place.ticket().holder()).isEqualTo("person:7");
        assertThat(place.ticket().browserId()).isEqualTo(browser(9_000));
        assertThat(((GateStatus.Waiting) place.status()).rank()).isEqualTo(stillWaiting.rank());
        assertThat(room.status(GATE, place.token(), browser(9_000))).isInstanceOf(GateStatus.Waiting.class);
        // The same browser may open the link again (a reload); another may not.
        assertThat(leave.restore(token, browser(9_000))).isInstanceOf(LeaveTheLine.Restored.class);
        assertThat(leave.restore(token, browser(9_001))).isEqualTo(new LeaveTheLine.OtherBrowser());
    }

    @Test
    void aPassGivenBackByTheLinkLastsItsLifetimeFromTheTextWhenTheTurnCameEarlier() {
        WaitingRoom.Joined mine = lineWithMeAt(30);
        leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7);
        // No watcher ran (say every node was restarting) until long after this turn came and its pass would have run out.
        advance(Duration.ofMinutes(5));
        assertThat(status(mine)).isEqualTo(new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED));
        assertThat(leave.sendDue(100)).hasSize(1);
        Instant textedAt = clock.instant();
        assertThat(outbox.get(0)).contains("차례가 되었습니다");
        String token = outbox.get(0).substring(outbox.get(0).indexOf('#') + 1, outbox.get(0).indexOf(' ', outbox.get(0).indexOf('#')));
        advance(Duration.ofSeconds(40));

        LeaveTheLine.Restored back = (LeaveTheLine.Restored) leave.restore(token, browser(9_000));

        GateStatus.Admitted admitted = (GateStatus.Admitted) back.place().status();
        assertThat(admitted.pass().expiresAt()).isEqualTo(textedAt.plus(PASS));
        assertThat(room.check(GATE, admitted.passToken(), browser(9_000))).isInstanceOf(PassCheck.Valid.class);
        advance(Duration.ofSeconds(21));
        assertThat(room.check(GATE, admitted.passToken(), browser(9_000))).isEqualTo(new PassCheck.Refused(PassCheck.Reason.EXPIRED));
    }

    @Test
    void whenTheTurnComesAfterTheTextThePassRunsFromTheAdmission() {
        WaitingRoom.Joined mine = lineWithMeAt(400);
        leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7);
        String token = untilTexted();
        while (!(status(mine) instanceof GateStatus.Admitted)) {
            advance(Duration.ofSeconds(1));
        }
        Instant admittedAt = gates.admittedAt(GATE, ((GateStatus.Admitted) status(mine)).rank()).orElseThrow();

        GateStatus.Admitted back = (GateStatus.Admitted) ((LeaveTheLine.Restored) leave.restore(token, browser(9_000))).place().status();

        assertThat(back.pass().expiresAt()).isEqualTo(admittedAt.plus(PASS));
    }

    @Test
    void forgedUntextedAndExpiredLinksAreRefused() {
        WaitingRoom.Joined mine = lineWithMeAt(400);
        LineRecall armed = ((LeaveTheLine.Left) leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7)).recall();
        String early = leave.link(armed).substring(leave.link(armed).indexOf('#') + 1);
        assertThat(leave.restore(early, browser(9_000))).as("no link before the text").isEqualTo(new LeaveTheLine.InvalidLink());

        String token = untilTexted();
        assertThat(token).isEqualTo(early);
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThat(leave.restore(forged, browser(9_000))).isEqualTo(new LeaveTheLine.InvalidLink());
        LeaveTheLine otherServer = new LeaveTheLine(room, tokens, recalls, TestKeys.fixed("r1", 4), clock, new SplittableRandom(2),
                leave.settings());
        String foreign = otherServer.link(armed).substring(otherServer.link(armed).indexOf('#') + 1);
        assertThat(leave.restore(foreign, browser(9_000))).isEqualTo(new LeaveTheLine.InvalidLink());
        assertThat(leave.restore("", browser(9_000))).isEqualTo(new LeaveTheLine.InvalidLink());
        assertThat(leave.restore(tokens.encode(mine.ticket()), browser(9_000))).as("a ticket is no link").isEqualTo(new LeaveTheLine.InvalidLink());

        Instant textedAt = recalls.find(armed.id()).orElseThrow().textedAt();
        clock.set(textedAt.plus(Duration.ofMinutes(30)));
        assertThat(leave.restore(token, browser(9_000))).isEqualTo(new LeaveTheLine.LinkExpired(textedAt.plus(Duration.ofMinutes(30))));
    }

    @Test
    void leavingTwiceArmsOneTextAndOnlyAWaitingHolderMayLeave() {
        WaitingRoom.Joined mine = lineWithMeAt(400);
        LineRecall first = ((LeaveTheLine.Left) leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7)).recall();
        LineRecall again = ((LeaveTheLine.Left) leave.leave(GATE, mine.token(), mine.ticket().browserId(), 7)).recall();
        assertThat(again).isEqualTo(first);

        assertThat(leave.leave(GATE, mine.token(), mine.ticket().browserId(), 8)).isEqualTo(new LeaveTheLine.NotYours());
        assertThat(leave.leave(GATE, mine.token(), browser(1), 7)).isEqualTo(
                new LeaveTheLine.NotWaiting(new GateStatus.Refused(GateStatus.Reason.OTHER_BROWSER)));
        assertThat(leave.leave(GATE, "nonsense", mine.ticket().browserId(), 7)).isEqualTo(
                new LeaveTheLine.NotWaiting(new GateStatus.Refused(GateStatus.Reason.INVALID_TICKET)));
        WaitingRoom.Joined front = (WaitingRoom.Joined) room.join(GATE, browser(5_000), "person:1");
        while (!(status(front) instanceof GateStatus.Admitted)) {
            advance(Duration.ofSeconds(1));
        }
        assertThat(leave.leave(GATE, front.token(), front.ticket().browserId(), 1)).isInstanceOf(LeaveTheLine.NotWaiting.class);
    }

    /** {@code position - 1} people join before me; returns my place. */
    private WaitingRoom.Joined lineWithMeAt(int position) {
        for (int i = 1; i < position; i++) {
            room.join(GATE, browser(i), "person:" + (1_000 + i));
        }
        WaitingRoom.Joined mine = (WaitingRoom.Joined) room.join(GATE, browser(0), "person:7");
        assertThat(mine.ticket().sequence()).isEqualTo(position);
        return mine;
    }

    private String untilTexted() {
        for (int second = 0; second < 1_000 && outbox.isEmpty(); second++) {
            advance(Duration.ofSeconds(1));
            leave.sendDue(100);
        }
        assertThat(outbox).hasSize(1);
        String text = outbox.get(0);
        int hash = text.indexOf('#');
        return text.substring(hash + 1, text.indexOf(' ', hash));
    }

    private GateStatus status(WaitingRoom.Joined j) {
        return room.status(GATE, j.token(), j.ticket().browserId());
    }

    /** Ticks every 100 ms for {@code d}. */
    private void advance(Duration d) {
        for (long ms = 0; ms < d.toMillis(); ms += 100) {
            clock.set(clock.instant().plusMillis(100));
            room.tick();
        }
    }

    private static String browser(int n) {
        return "browser-%016d".formatted(n);
    }
}
