package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The lottery anyone can check: the waiting room commits to its pre-queue's secret before joins
 * open, cannot draw again after, reveals the secret once the pre-queue is drawn, and admits in
 * exactly the order that anyone recomputes from the revealed secret.
 */
class LotteryTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final Instant JOINS = OPENS.minus(Duration.ofHours(1));
    private static final String GATE = "identity";

    private final MutableClock clock = MutableClock.at(JOINS.minus(Duration.ofMinutes(10)));
    private final InMemoryGateStore store = new InMemoryGateStore();
    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));
    private final PassSigner passes = new HmacTestPassSigner(TestKeys.fixed("p1", 2));

    @Test
    void theCommitmentIsPublicFromConfigurationAndTheSecretIsNot() {
        WaitingRoom room = room();

        WaitingRoom.LotteryState state = room.lottery(GATE).orElseThrow();
        assertThat(state.commitment()).matches("[0-9a-f]{64}");
        assertThat(state.committedAt()).isEqualTo(clock.instant());
        assertThat(state.revealed()).isFalse();
        assertThat(state.secretHex()).isEmpty();
        assertThat(state.preQueueSize()).isEqualTo(-1);
        assertThat(room.lottery("nowhere")).isEmpty();
    }

    @Test
    void afterOpeningTheRevealedSecretMatchesTheCommitmentMadeBeforeJoins() throws Exception {
        WaitingRoom room = room();
        String committed = room.lottery(GATE).orElseThrow().commitment();
        clock.set(JOINS.plusSeconds(1));
        for (int i = 0; i < 7; i++) {
            room.join(GATE, browser(i), null);
        }
        assertThat(room.lottery(GATE).orElseThrow().revealed()).isFalse();
        clock.set(OPENS.plusMillis(100));
        room.tick();

        WaitingRoom.LotteryState state = room.lottery(GATE).orElseThrow();
        assertThat(state.revealed()).isTrue();
        assertThat(state.preQueueSize()).isEqualTo(7);
        assertThat(state.commitment()).isEqualTo(committed);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(HexFormat.of().parseHex(state.secretHex()));
        sha.update(("|" + GATE).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(committed);
    }

    @Test
    void beforeJoinsOpenTheOperatorMayDrawAgain() {
        WaitingRoom room = room();
        WaitingRoom.LotteryState before = room.lottery(GATE).orElseThrow();
        clock.set(JOINS.minusMillis(1));

        WaitingRoom.RedrawOutcome outcome = room.redrawLottery(GATE);

        assertThat(outcome).isInstanceOf(WaitingRoom.Redrawn.class);
        WaitingRoom.Redrawn redrawn = (WaitingRoom.Redrawn) outcome;
        assertThat(redrawn.before()).isEqualTo(before);
        assertThat(redrawn.after().commitment()).isNotEqualTo(before.commitment()).isEqualTo(room.lottery(GATE).orElseThrow().commitment());
        assertThat(redrawn.after().committedAt()).isEqualTo(JOINS.minusMillis(1));
    }

    @Test
    void changingTheSecretOnceJoinsOpenedIsRefusedAndChangesNothing() {
        WaitingRoom room = room();
        String committed = room.lottery(GATE).orElseThrow().commitment();
        clock.set(JOINS);

        assertThat(room.redrawLottery(GATE)).isEqualTo(new WaitingRoom.LotteryFixed(JOINS, committed));
        clock.set(OPENS.plusSeconds(5));
        room.tick();
        assertThat(room.redrawLottery(GATE)).isEqualTo(new WaitingRoom.LotteryFixed(JOINS, committed));
        assertThat(room.lottery(GATE).orElseThrow().commitment()).isEqualTo(committed);
        assertThat(room.redrawLottery("nowhere")).isEqualTo(new WaitingRoom.NoSuchGate("nowhere"));
    }

    @Test
    void reconfiguringTheGateKeepsItsDraw() {
        WaitingRoom room = room();
        String committed = room.lottery(GATE).orElseThrow().commitment();
        clock.set(JOINS.minusSeconds(30));

        room.configure(gate().withMode(GateMode.PAUSED, "soon"));

        assertThat(room.lottery(GATE).orElseThrow().commitment()).isEqualTo(committed);
    }

    @Test
    void aNumberHandedOutEvenBeforeJoinsOpenFixesTheDraw() {
        WaitingRoom room = room();
        // Joins moved later after someone joined: the number exists, so the draw is final.
        clock.set(JOINS.plusSeconds(1));
        room.join(GATE, browser(0), null);
        room.configure(new GateConfig(GATE, JOINS.plusSeconds(600), OPENS, new AdmissionPolicy.FixedRate(10), Duration.ofMinutes(10),
                false, GateMode.ACTIVE, "", GateConfig.DEFAULT_MAX_POLL));
        clock.set(JOINS.plusSeconds(2));

        assertThat(room.redrawLottery(GATE)).isInstanceOf(WaitingRoom.LotteryFixed.class);
    }

    @Property(tries = 60)
    void thePublishedRankOrderIsTheAdmissionOrder(@ForAll @IntRange(min = 1, max = 80) int early,
                                                   @ForAll @IntRange(min = 0, max = 10) int late) {
        MutableClock time = MutableClock.at(JOINS.minusSeconds(60));
        InMemoryGateStore gates = new InMemoryGateStore();
        WaitingRoom room = new WaitingRoom(gates, tokens, passes, time, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
        room.configure(gate());
        time.set(JOINS.plusSeconds(1));
        List<WaitingRoom.Joined> line = new ArrayList<>();
        for (int i = 0; i < early; i++) {
            line.add((WaitingRoom.Joined) room.join(GATE, browser(i), null));
        }
        time.set(OPENS);
        room.tick();
        for (int i = 0; i < late; i++) {
            line.add((WaitingRoom.Joined) room.join(GATE, browser(early + i), null));
        }

        // What anyone computes from the public answer and their own number alone.
        WaitingRoom.LotteryState published = room.lottery(GATE).orElseThrow();
        PreQueueOrder recomputed = new PreQueueOrder(PreQueueOrder.keyFor(HexFormat.of().parseHex(published.secretHex()), GATE,
                published.opensAt().toEpochMilli()), published.preQueueSize());
        List<WaitingRoom.Joined> byPublishedRank = line.stream().sorted(Comparator.comparingLong(
                j -> j.ticket().sequence() <= published.preQueueSize() ? recomputed.rankOf(j.ticket().sequence()) : j.ticket().sequence()))
                .toList();

        // After every tick, whoever the gate has admitted is exactly the first ones by published rank.
        for (int t = 0; t < 10 * line.size() + 20; t++) {
            time.set(OPENS.plusMillis(100L * (t + 1)));
            room.tick();
            java.util.Set<WaitingRoom.Joined> admitted = new java.util.HashSet<>();
            for (WaitingRoom.Joined j : line) {
                if (room.status(GATE, j.token(), j.ticket().browserId()) instanceof GateStatus.Admitted) {
                    admitted.add(j);
                }
            }
            int mark = (int) Math.min(line.size(), gates.progress(GATE).mark());
            assertThat(admitted).as("admitted after tick %d", t).isEqualTo(new java.util.HashSet<>(byPublishedRank.subList(0, mark)));
        }
        assertThat(gates.progress(GATE).mark()).isGreaterThanOrEqualTo(line.size());
    }

    private WaitingRoom room() {
        WaitingRoom room = new WaitingRoom(store, tokens, passes, clock, new SplittableRandom(1), g -> DownstreamHealth.UNKNOWN);
        room.configure(gate());
        return room;
    }

    private static GateConfig gate() {
        return new GateConfig(GATE, JOINS, OPENS, new AdmissionPolicy.FixedRate(10), Duration.ofMinutes(10), false, GateMode.ACTIVE, "",
                GateConfig.DEFAULT_MAX_POLL);
    }

    private static String browser(int n) {
        return "browser-%016d".formatted(n);
    }
}
