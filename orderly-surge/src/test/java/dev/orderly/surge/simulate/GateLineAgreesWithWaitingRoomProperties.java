package dev.orderly.surge.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.DownstreamHealth;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.HmacTestPassSigner;
import dev.orderly.gate.InMemoryGateStore;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The simulator's line and the server's waiting room admit the same people for the same night:
 * both tick the gate by {@code GateTransition}, so with whole joins at the same instants, a
 * {@code WaitingRoom} over the in-memory store (driven by a fake clock) and a {@link GateLine}
 * (driven by its event loop) hold the same mark after every tick — through the pre-queue's
 * fixing at opening, a late first tick, gaps longer than a second and the line running empty.
 */
class GateLineAgreesWithWaitingRoomProperties {
    private static final int TICK_MILLIS = 100;
    private static final Duration PASS_LIFETIME = Duration.ofSeconds(600);
    private static final DownstreamHealth HEALTHY = new DownstreamHealth(Duration.ofMillis(200), 0.0, 50);
    private static final DownstreamHealth STRAINED = new DownstreamHealth(Duration.ofMillis(900), 0.2, 50);

    /** Every so many ticks of 100 ms (1 to 15: gaps beyond the one second owed), the gate ticks, then some join. */
    record Step(int ticksLater, int joins) {
    }

    @Property(tries = 200)
    void sameJoinsAndTicksGiveTheSameMarks(@ForAll("admissions") AdmissionPolicy admission,
                                           @ForAll @IntRange(min = 0, max = 60) int opensAtTwentieths,
                                           @ForAll boolean healthy,
                                           @ForAll @Size(min = 1, max = 80) List<@From("steps") Step> steps) {
        DownstreamHealth health = healthy ? HEALTHY : STRAINED;
        long opensAtMillis = opensAtTwentieths * 50L;
        Instant start = Instant.EPOCH;
        MutableClock clock = MutableClock.at(start);
        WaitingRoom room = new WaitingRoom(new InMemoryGateStore(), new GateTokens(TestKeys.fixed("k1", 1)),
                new HmacTestPassSigner(TestKeys.fixed("p1", 2)), clock, new SplittableRandom(1), g -> health);
        room.configure(new GateConfig("identity", start, start.plusMillis(opensAtMillis), admission, PASS_LIFETIME, false,
                GateMode.ACTIVE, "", GateConfig.DEFAULT_MAX_POLL));

        EventLoop loop = new EventLoop();
        GateLine line = new GateLine(new GateLine.Settings("identity", admission, opensAtMillis / 1000.0, PASS_LIFETIME.toSeconds(),
                GateConfig.DEFAULT_MAX_POLL.toSeconds(), 1, 1, 0, 900, 1.0), loop, TICK_MILLIS / 1000.0, new Calendar(1.0),
                () -> health, (people, time) -> { }, new WaitRecorder());

        long ticks = 0;
        List<String> server = new ArrayList<>();
        List<String> simulator = new ArrayList<>();
        for (Step step : steps) {
            ticks += step.ticksLater();
            Instant at = start.plusMillis(ticks * TICK_MILLIS);
            clock.set(at);
            loop.runUntil(ticks * TICK_MILLIS / 1000.0);

            room.tick();
            line.tick();
            for (int i = 0; i < step.joins(); i++) {
                assertThat(room.join("identity", "browser-%016d".formatted(ticks * 100 + i), null)).isInstanceOf(WaitingRoom.Joined.class);
            }
            line.issue(step.joins());

            room.tick(); // refreshes the node's view; at the same instant it owes nothing more
            var figures = room.figures("identity").orElseThrow();
            server.add(at + " issued " + figures.issued() + " mark " + figures.admitted());
            simulator.add(at + " issued " + Math.round(line.issued()) + " mark " + line.mark());
        }
        assertThat(simulator).isEqualTo(server.stream().map(s -> s.replaceFirst("mark (\\d+)$", "mark $1.0")).toList());
    }

    @Provide
    Arbitrary<AdmissionPolicy> admissions() {
        Arbitrary<Double> rates = Arbitraries.doubles().between(0.5, 60).ofScale(2);
        return Arbitraries.oneOf(
                rates.map(AdmissionPolicy.FixedRate::new),
                Combinators.combine(Arbitraries.longs().between(1, 40), rates).as(AdmissionPolicy.ConcurrencyTarget::new),
                Combinators.combine(rates, Arbitraries.doubles().between(0.1, 20).ofScale(2))
                        .as((startRate, increase) -> new AdmissionPolicy.Adaptive(0.5, 60, startRate, increase, 0.7,
                                Duration.ofMillis(500), 0.05)));
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.integers().between(1, 15), Arbitraries.integers().between(0, 20)).as(Step::new);
    }
}
