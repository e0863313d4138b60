package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.identity.InMemoryChallengeStore;
import dev.orderly.identity.InMemoryDailyQuota;
import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.identity.RecordingSmsGateway;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Leaving the line by phone: a code on the number arms the recall for the one place it was asked
 * for; a wrong code, another number or another ticket arm nothing; a challenge dies after its tries
 * and its lifetime; a number waits for one place per gate; the text goes to the number when the
 * turn nears, and the number is forgotten by the recall as the text is queued.
 */
class RecallPhoneCodesTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final String GATE = "identity";
    private static final Duration LEAD = Duration.ofMinutes(5);
    private static final String PHONE = "01012345678";

    private final MutableClock clock = MutableClock.at(OPENS);
    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));
    private final WaitingRoom room = new WaitingRoom(new InMemoryGateStore(), tokens, new HmacTestPassSigner(TestKeys.fixed("p1", 2)),
            clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
    private final List<String> textedPhones = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final InMemoryRecallStore recalls = InMemoryRecallStore.texting((recall, text) -> {
        textedPhones.add(recall.phone());
        texts.add(text);
    });
    private final LeaveTheLine leave = new LeaveTheLine(room, tokens, recalls, TestKeys.fixed("r1", 3), clock, new SplittableRandom(2),
            new LeaveTheLine.Settings(LEAD, Duration.ofMinutes(30), "https://orderly.example"));
    private final RecordingSmsGateway sms = new RecordingSmsGateway();
    private final OneTimeCodeVerifier.Limits limits = new OneTimeCodeVerifier.Limits(Duration.ofMinutes(3), 3, 5, 4);
    private final RecallPhoneCodes codes = new RecallPhoneCodes(leave, room, tokens, new InMemoryChallengeStore(clock),
            new InMemoryDailyQuota(), sms, new KeyedHash(TestKeys.secret(7), "test"), clock, new SplittableRandom(3), limits);

    RecallPhoneCodesTest() {
        room.configure(new GateConfig(GATE, OPENS, OPENS, new AdmissionPolicy.FixedRate(1), Duration.ofMinutes(1), false, GateMode.ACTIVE,
                "", GateConfig.DEFAULT_MAX_POLL));
    }

    @Test
    void aRightCodeArmsTheRecallAndTheTextGoesToTheNumberWhichTheRecallThenForgets() {
        WaitingRoom.Joined mine = placeAt(400);
        String challenge = started(mine, PHONE);
        assertThat(sms.sent()).extracting(RecordingSmsGateway.Message::phone).containsExactly(PHONE);

        RecallPhoneCodes.Confirmed confirmed = codes.confirm(GATE, mine.token(), mine.ticket().browserId(), challenge, PHONE,
                sms.lastCode());
        assertThat(confirmed).isInstanceOfSatisfying(RecallPhoneCodes.Armed.class,
                a -> assertThat(a.outcome()).isInstanceOf(LeaveTheLine.Left.class));
        LineRecall armed = ((LeaveTheLine.Left) ((RecallPhoneCodes.Armed) confirmed).outcome()).recall();
        assertThat(armed.byPhone()).isTrue();
        assertThat(armed.phone()).isEqualTo(PHONE);
        assertThat(armed.toString()).doesNotContain(PHONE);

        for (int second = 0; second < 600 && texts.isEmpty(); second++) {
            advance(Duration.ofSeconds(1));
            leave.sendDue(100);
        }
        assertThat(textedPhones).containsExactly(PHONE);
        assertThat(texts.get(0)).contains("https://orderly.example/back.html?gate=identity#");
        assertThat(recalls.find(armed.id()).orElseThrow().phone()).as("forgotten once queued").isEmpty();

        String token = texts.get(0).substring(texts.get(0).indexOf('#') + 1, texts.get(0).indexOf(' ', texts.get(0).indexOf('#')));
        assertThat(leave.restore(token, "browser-elsewhere000000")).isInstanceOfSatisfying(LeaveTheLine.Restored.class,
                r -> assertThat(r.place().ticket().sequence()).isEqualTo(400));
    }

    @Test
    void aWrongCodeAnotherNumberOrAnotherTicketArmNothingAndTheTriesRunOut() {
        WaitingRoom.Joined mine = placeAt(3);
        WaitingRoom.Joined other = (WaitingRoom.Joined) room.join(GATE, browser(9), "");
        String challenge = started(mine, PHONE);
        String right = sms.lastCode();
        String wrong = right.equals("000000") ? "000001" : "000000";

        assertThat(codes.confirm(GATE, mine.token(), mine.ticket().browserId(), challenge, PHONE, wrong))
                .isEqualTo(new RecallPhoneCodes.WrongCode(2));
        assertThat(codes.confirm(GATE, mine.token(), mine.ticket().browserId(), challenge, "01099999999", right))
                .as("the code proves one number").isEqualTo(new RecallPhoneCodes.WrongCode(1));
        assertThat(codes.confirm(GATE, other.token(), other.ticket().browserId(), challenge, PHONE, right))
                .as("and one place").isEqualTo(new RecallPhoneCodes.TooManyTries());
        assertThat(codes.confirm(GATE, mine.token(), mine.ticket().browserId(), challenge, PHONE, right))
                .as("dead after its tries").isEqualTo(new RecallPhoneCodes.TooManyTries());
        assertThat(recalls.textDue(clock.instant(), 100, r -> java.util.Optional.of("x"))).isEmpty();
    }

    @Test
    void anExpiredCodeIsRefusedAndAUsedOneIsNotTakenTwice() {
        WaitingRoom.Joined mine = placeAt(3);
        String challenge = started(mine, PHONE);
        String code = sms.lastCode();
        clock.set(clock.instant().plus(Duration.ofMinutes(3)));
        assertThat(codes.confirm(GATE, mine.token(), mine.ticket().browserId(), challenge, PHONE, code))
                .isEqualTo(new RecallPhoneCodes.Expired());

        String again = started(mine, PHONE);
        code = sms.lastCode();
        assertThat(codes.confirm(GATE, mine.token(), mine.ticket().browserId(), again, PHONE, code))
                .isInstanceOf(RecallPhoneCodes.Armed.class);
        assertThat(codes.confirm(GATE, mine.token(), mine.ticket().browserId(), again, PHONE, code))
                .isEqualTo(new RecallPhoneCodes.UnknownChallenge());
    }

    @Test
    void aRecallByPhoneTheLineNeverReachedIsForgottenADayLaterWithItsNumber() {
        WaitingRoom.Joined mine = placeAt(400);
        String challenge = started(mine, PHONE);
        RecallPhoneCodes.Confirmed confirmed = codes.confirm(GATE, mine.token(), mine.ticket().browserId(), challenge, PHONE,
                sms.lastCode());
        LineRecall armed = ((LeaveTheLine.Left) ((RecallPhoneCodes.Armed) confirmed).outcome()).recall();

        // The gate is never ticked again (its night ended without reaching the place).
        clock.set(clock.instant().plus(LeaveTheLine.ABANDONED_AFTER).minusSeconds(1));
        leave.sendDue(100);
        assertThat(recalls.find(armed.id())).as("within the day").isPresent();
        clock.set(clock.instant().plusSeconds(120));
        leave.sendDue(100);
        assertThat(recalls.find(armed.id())).as("a day later").isEmpty();
        assertThat(textedPhones).isEmpty();
    }

    @Test
    void oneNumberWaitsForOnePlacePerGate() {
        WaitingRoom.Joined first = placeAt(5);
        WaitingRoom.Joined second = (WaitingRoom.Joined) room.join(GATE, browser(8), "");
        String a = started(first, PHONE);
        assertThat(codes.confirm(GATE, first.token(), first.ticket().browserId(), a, PHONE, sms.lastCode()))
                .isInstanceOf(RecallPhoneCodes.Armed.class);
        String b = started(second, PHONE);
        assertThat(codes.confirm(GATE, second.token(), second.ticket().browserId(), b, PHONE, sms.lastCode()))
                .isEqualTo(new RecallPhoneCodes.Armed(new LeaveTheLine.PhoneTaken()));
        String c = started(second, "01055556666");
        assertThat(codes.confirm(GATE, second.token(), second.ticket().browserId(), c, "01055556666", sms.lastCode()))
                .isInstanceOfSatisfying(RecallPhoneCodes.Armed.class, x -> assertThat(x.outcome()).isInstanceOf(LeaveTheLine.Left.class));
    }

    @Test
    void aNumberGetsItsDailyCodesOnlyAndOnlyAWaitingPlaceAsksForOne() {
        WaitingRoom.Joined mine = placeAt(2);
        for (int i = 0; i < limits.challengesPerPhonePerDay(); i++) {
            started(mine, PHONE);
        }
        assertThat(codes.start(GATE, mine.token(), mine.ticket().browserId(), PHONE)).isInstanceOf(RecallPhoneCodes.TooManyCodes.class);
        assertThat(codes.start(GATE, "forged", mine.ticket().browserId(), "01055556666")).isInstanceOf(RecallPhoneCodes.NotWaiting.class);
    }

    private String started(WaitingRoom.Joined place, String phone) {
        RecallPhoneCodes.Started s = codes.start(GATE, place.token(), place.ticket().browserId(), phone);
        assertThat(s).isInstanceOf(RecallPhoneCodes.CodeSent.class);
        return ((RecallPhoneCodes.CodeSent) s).challengeId();
    }

    private WaitingRoom.Joined placeAt(int position) {
        for (int i = 1; i < position; i++) {
            room.join(GATE, browser(i), "");
        }
        WaitingRoom.Joined mine = (WaitingRoom.Joined) room.join(GATE, browser(0), "");
        assertThat(mine.ticket().sequence()).isEqualTo(position);
        return mine;
    }

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
