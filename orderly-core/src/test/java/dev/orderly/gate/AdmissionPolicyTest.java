package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The policies alone: pure steps, driven by explicit instants. */
class AdmissionPolicyTest {

    private static final Instant T0 = Instant.parse("2021-07-26T11:00:00Z");
    private static final AdmissionPolicy.Signals IDLE = new AdmissionPolicy.Signals(0, DownstreamHealth.UNKNOWN);
    private static final DownstreamHealth HEALTHY = new DownstreamHealth(Duration.ofMillis(80), 0.001, 500);
    private static final DownstreamHealth SLOW = new DownstreamHealth(Duration.ofMillis(900), 0.0, 500);
    private static final DownstreamHealth FAILING = new DownstreamHealth(Duration.ofMillis(80), 0.2, 500);
    /** 1 to 100 people/s, from 10; +2/s per healthy second, halved per unhealthy second; 200 ms, 1% errors. */
    private static final AdmissionPolicy.Adaptive AIMD = new AdmissionPolicy.Adaptive(1, 100, 10, 2, 0.5,
            Duration.ofMillis(200), 0.01);

    // --- fixed rate -----------------------------------------------------------------------------

    @Example
    void fractionsCarrySoHalfAPersonASecondTickedEvery100msAdmitsOneEveryTwoSeconds() {
        AdmissionPolicy policy = new AdmissionPolicy.FixedRate(0.5);
        AdmissionPolicy.Step state = new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0, 0));
        List<Integer> admittedAtTick = new ArrayList<>();

        for (int tick = 1; tick <= 100; tick++) {
            state = step(policy, state, IDLE, T0.plusMillis(100L * tick));
            for (long n = 0; n < state.admit(); n++) {
                admittedAtTick.add(tick);
            }
        }

        assertThat(admittedAtTick).containsExactly(20, 40, 60, 80, 100);
    }

    @Example
    void theFirstTickOwesNothing() {
        AdmissionPolicy policy = new AdmissionPolicy.FixedRate(1_000);

        AdmissionPolicy.Step first = policy.step(AdmissionPolicy.Memory.NONE, IDLE, T0.plusSeconds(3_600));

        assertThat(first.admit()).isZero();
        assertThat(first.memory().lastTick()).isEqualTo(T0.plusSeconds(3_600));
        assertThat(step(policy, first, IDLE, T0.plusSeconds(3_600).plusMillis(10)).admit()).isEqualTo(10);
    }

    @Example
    void nothingIsOwedWhenTimeDoesNotAdvance() {
        AdmissionPolicy policy = new AdmissionPolicy.FixedRate(100);
        AdmissionPolicy.Step state = step(policy, new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0, 0)), IDLE, T0.plusMillis(15));

        AdmissionPolicy.Step same = step(policy, state, IDLE, T0.plusMillis(15));

        assertThat(same.admit()).isZero();
        assertThat(same).isEqualTo(new AdmissionPolicy.Step(0, state.memory()));
    }

    @Example
    void aClockThatStepsBackOwesNothingAndIsNotFollowedBack() {
        AdmissionPolicy policy = new AdmissionPolicy.FixedRate(100);
        AdmissionPolicy.Step start = new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0.5, 0));

        AdmissionPolicy.Step back = step(policy, start, IDLE, T0.minusSeconds(60));
        AdmissionPolicy.Step forward = step(policy, back, IDLE, T0.plusSeconds(1));

        assertThat(back.admit()).isZero();
        assertThat(back.memory().lastTick()).isEqualTo(T0);
        assertThat(back.memory().carry()).isEqualTo(0.5);
        assertThat(forward.admit()).isEqualTo(100);
    }

    @Property(tries = 300)
    void howOftenItIsTickedChangesTheCountByAtMostOne(@ForAll @DoubleRange(min = 0.01, max = 10_000) double perSecond,
                                                       @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 2_000) Integer> gapsMillis) {
        AdmissionPolicy policy = new AdmissionPolicy.FixedRate(perSecond);
        AdmissionPolicy.Step state = new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0, 0));
        Instant now = T0;
        long admitted = 0;
        for (int gap : gapsMillis) {
            now = now.plusMillis(gap);
            state = step(policy, state, IDLE, now);
            assertThat(state.admit()).isNotNegative();
            assertThat(state.memory().carry()).isBetween(0.0, 1.0);
            admitted += state.admit();
        }

        double owed = Duration.between(T0, now).toNanos() / 1e9 * perSecond;
        assertThat((double) admitted).isBetween(Math.floor(owed) - 1, Math.floor(owed + 1e-6));
        // In one step: the whole people owed, the fraction carried (elapsed seconds x rate is
        // computed in floating point, so 430 may come out as 429 + 0.99999...).
        AdmissionPolicy.Step once = policy.step(new AdmissionPolicy.Memory(T0, 0, 0), IDLE, now);
        assertThat(once.admit() + once.memory().carry()).isCloseTo(owed, within(1e-6 * Math.max(1, owed)));
    }

    // --- concurrency target ---------------------------------------------------------------------

    @Example
    void aConcurrencyTargetFillsTheRoomLeftAndNoMore() {
        AdmissionPolicy policy = new AdmissionPolicy.ConcurrencyTarget(10, 100);

        assertThat(policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(0), T0.plusSeconds(1)).admit()).isEqualTo(10);
        assertThat(policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(7), T0.plusSeconds(1)).admit()).isEqualTo(3);
        assertThat(policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(10), T0.plusSeconds(1)).admit()).isZero();
        assertThat(policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(25), T0.plusSeconds(1)).admit()).as("over the target already").isZero();
    }

    @Example
    void aConcurrencyTargetAdmitsNoFasterThanItsMaximumRate() {
        AdmissionPolicy policy = new AdmissionPolicy.ConcurrencyTarget(1_000, 50);

        assertThat(policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(0), T0.plusMillis(100)).admit()).isEqualTo(5);
        assertThat(policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(0), T0.plusSeconds(2)).admit()).isEqualTo(100);
    }

    @Example
    void aFullRoomBanksNothingForLater() {
        AdmissionPolicy policy = new AdmissionPolicy.ConcurrencyTarget(10, 100);

        AdmissionPolicy.Step full = policy.step(new AdmissionPolicy.Memory(T0, 0, 0), outstanding(10), T0.plusSeconds(5));
        AdmissionPolicy.Step freed = policy.step(full.memory(), outstanding(0), T0.plusSeconds(5).plusMillis(20));

        assertThat(full.memory().carry()).isZero();
        assertThat(freed.admit()).as("20 ms at 100/s, not 5 s of it").isEqualTo(2);
    }

    @Example
    void aConcurrencyTargetAdmitsAgainAsPeopleFinishAndNeverOverfills() {
        AdmissionPolicy policy = new AdmissionPolicy.ConcurrencyTarget(20, 30);
        AdmissionPolicy.Step state = new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0, 0));
        long outstanding = 0;
        long admitted = 0;
        List<Long> admittedAfterFull = new ArrayList<>();

        for (int tick = 1; tick <= 100; tick++) {
            state = step(policy, state, outstanding(outstanding), T0.plusMillis(100L * tick));
            outstanding += state.admit();
            admitted += state.admit();
            assertThat(outstanding).as("outstanding after tick %d", tick).isLessThanOrEqualTo(20);
            if (tick > 10) {
                admittedAfterFull.add(state.admit());
            }
            // From the second second on, one person finishes every tick.
            if (tick >= 10 && outstanding > 0) {
                outstanding--;
            }
        }

        assertThat(admitted).as("20 to fill, then one per finisher").isBetween(105L, 111L);
        assertThat(admittedAfterFull.stream().mapToLong(Long::longValue).sum()).isPositive();
    }

    @Property(tries = 300)
    void aConcurrencyTargetNeverAdmitsPastItsTargetNorItsRate(@ForAll @LongRange(min = 1, max = 1_000) long target,
                                                              @ForAll @DoubleRange(min = 0.1, max = 5_000) double perSecond,
                                                              @ForAll @LongRange(min = 0, max = 2_000) long outstanding,
                                                              @ForAll @DoubleRange(min = 0, max = 0.99) double carry,
                                                              @ForAll @IntRange(min = 0, max = 10_000) int millis) {
        AdmissionPolicy policy = new AdmissionPolicy.ConcurrencyTarget(target, perSecond);

        AdmissionPolicy.Step step = policy.step(new AdmissionPolicy.Memory(T0, carry, 0), outstanding(outstanding), T0.plusMillis(millis));

        assertThat(step.admit()).isBetween(0L, Math.max(0, target - outstanding));
        assertThat((double) step.admit()).isLessThanOrEqualTo(carry + millis / 1000.0 * perSecond);
    }

    // --- adaptive -------------------------------------------------------------------------------

    @Example
    void adaptiveStartsAtItsStartRateAndGrowsAdditivelyWhileHealthy() {
        AdmissionPolicy policy = AIMD;

        AdmissionPolicy.Step first = policy.step(AdmissionPolicy.Memory.NONE, healthy(), T0);
        AdmissionPolicy.Step second = step(policy, first, healthy(), T0.plusSeconds(1));
        AdmissionPolicy.Step third = step(policy, second, healthy(), T0.plusMillis(1_500));

        assertThat(first.admit()).isZero();
        assertThat(first.memory().rate()).isEqualTo(10);
        assertThat(second.memory().rate()).isCloseTo(12, within(1e-9));
        assertThat(second.admit()).as("a second at the rate before it grew").isEqualTo(10);
        assertThat(third.memory().rate()).isCloseTo(13, within(1e-9));
        assertThat(third.admit()).isEqualTo(6);
    }

    @Example
    void adaptiveHalvesPerSecondWhileTheStepIsSlow() {
        AdmissionPolicy policy = AIMD;
        AdmissionPolicy.Step state = new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0, 80));

        for (int tick = 1; tick <= 10; tick++) {
            state = step(policy, state, signals(SLOW), T0.plusMillis(100L * tick));
        }

        assertThat(state.memory().rate()).isCloseTo(40, within(1e-6));
    }

    @Example
    void adaptiveDecreasesWhenTooManyRequestsFail() {
        AdmissionPolicy policy = AIMD;

        AdmissionPolicy.Step step = policy.step(new AdmissionPolicy.Memory(T0, 0, 80), signals(FAILING), T0.plusSeconds(1));

        assertThat(step.memory().rate()).isCloseTo(40, within(1e-9));
    }

    @Example
    void aLongGapDecreasesOnceNotOncePerSecond() {
        AdmissionPolicy policy = AIMD;

        AdmissionPolicy.Step step = policy.step(new AdmissionPolicy.Memory(T0, 0, 80), signals(SLOW), T0.plusSeconds(30));

        assertThat(step.memory().rate()).isCloseTo(40, within(1e-9));
    }

    @Example
    void adaptiveIgnoresHealthWithNoSamples() {
        AdmissionPolicy policy = AIMD;
        DownstreamHealth nothingMeasured = new DownstreamHealth(Duration.ofSeconds(30), 1.0, 0);

        AdmissionPolicy.Step step = policy.step(new AdmissionPolicy.Memory(T0, 0, 20), signals(nothingMeasured), T0.plusSeconds(1));

        assertThat(step.memory().rate()).isCloseTo(22, within(1e-9));
    }

    @Example
    void adaptiveStaysWithinItsBounds() {
        AdmissionPolicy policy = AIMD;
        AdmissionPolicy.Step state = new AdmissionPolicy.Step(0, new AdmissionPolicy.Memory(T0, 0, 10));
        Instant now = T0;
        for (int s = 0; s < 200; s++) {
            now = now.plusSeconds(1);
            state = step(policy, state, healthy(), now);
            assertThat(state.memory().rate()).isBetween(1.0, 100.0);
        }
        assertThat(state.memory().rate()).isEqualTo(100);

        for (int s = 0; s < 50; s++) {
            now = now.plusSeconds(1);
            state = step(policy, state, signals(SLOW), now);
            assertThat(state.memory().rate()).isBetween(1.0, 100.0);
        }
        assertThat(state.memory().rate()).isEqualTo(1);
    }

    @Example
    void adaptiveAdmitsAtItsCurrentRate() {
        AdmissionPolicy policy = AIMD;

        AdmissionPolicy.Step step = policy.step(new AdmissionPolicy.Memory(T0, 0.5, 37), healthy(), T0.plusSeconds(2));

        assertThat(step.admit()).isEqualTo(74);
        assertThat(step.memory().carry()).isCloseTo(0.5, within(1e-9));
    }

    // --- settings -------------------------------------------------------------------------------

    @Example
    void eachPolicyNamesItsNominalRateAndTheRateItKnows() {
        assertThat(new AdmissionPolicy.FixedRate(12.5).nominalPerSecond()).isEqualTo(12.5);
        assertThat(new AdmissionPolicy.ConcurrencyTarget(5, 7).nominalPerSecond()).isEqualTo(7);
        assertThat(AIMD.nominalPerSecond()).isEqualTo(10);
        assertThat(new AdmissionPolicy.FixedRate(12.5).knownPerSecond(new AdmissionPolicy.Memory(T0, 0.5, 0))).isEqualTo(12.5);
        assertThat(new AdmissionPolicy.ConcurrencyTarget(5, 7).knownPerSecond(AdmissionPolicy.Memory.NONE))
                .as("a concurrency target's pace is only known by measuring it").isZero();
        assertThat(AIMD.knownPerSecond(AdmissionPolicy.Memory.NONE)).as("never stepped: the start rate").isEqualTo(10);
        assertThat(AIMD.knownPerSecond(new AdmissionPolicy.Memory(T0, 0, 37))).isEqualTo(37);
    }

    @Example
    void badSettingsAreRefusedWithTheBadValueInTheMessage() {
        for (double bad : new double[] {0, -1, -0.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused(() -> new AdmissionPolicy.FixedRate(bad), "perSecond", String.valueOf(bad));
            refused(() -> new AdmissionPolicy.ConcurrencyTarget(10, bad), "maxPerSecond", String.valueOf(bad));
        }
        refused(() -> new AdmissionPolicy.ConcurrencyTarget(0, 10), "maxOutstanding", "0");
        refused(() -> new AdmissionPolicy.ConcurrencyTarget(-5, 10), "maxOutstanding", "-5");

        refused(() -> adaptive(0, 100, 10, 2, 0.5, Duration.ofMillis(200), 0.01), "minPerSecond", "0.0");
        refused(() -> adaptive(1, -3, 10, 2, 0.5, Duration.ofMillis(200), 0.01), "maxPerSecond", "-3.0");
        refused(() -> adaptive(20, 10, 15, 2, 0.5, Duration.ofMillis(200), 0.01), "maxPerSecond", "10.0", "20.0");
        refused(() -> adaptive(1, 100, 150, 2, 0.5, Duration.ofMillis(200), 0.01), "startPerSecond", "150.0");
        refused(() -> adaptive(5, 100, 2, 2, 0.5, Duration.ofMillis(200), 0.01), "startPerSecond", "2.0");
        refused(() -> adaptive(1, 100, 10, 0, 0.5, Duration.ofMillis(200), 0.01), "increasePerSecond", "0.0");
        refused(() -> adaptive(1, 100, 10, 2, 1, Duration.ofMillis(200), 0.01), "decreaseFactor", "1.0");
        refused(() -> adaptive(1, 100, 10, 2, 0, Duration.ofMillis(200), 0.01), "decreaseFactor", "0.0");
        refused(() -> adaptive(1, 100, 10, 2, Double.NaN, Duration.ofMillis(200), 0.01), "decreaseFactor", "NaN");
        refused(() -> adaptive(1, 100, 10, 2, 0.5, Duration.ZERO, 0.01), "latencyTarget", "PT0S");
        refused(() -> adaptive(1, 100, 10, 2, 0.5, Duration.ofMillis(-5), 0.01), "latencyTarget", "PT-0.005S");
        refused(() -> adaptive(1, 100, 10, 2, 0.5, Duration.ofMillis(200), 1.5), "maxErrorRatio", "1.5");
        refused(() -> adaptive(1, 100, 10, 2, 0.5, Duration.ofMillis(200), -0.1), "maxErrorRatio", "-0.1");
        assertThatThrownBy(() -> adaptive(1, 100, 10, 2, 0.5, null, 0.01)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("latencyTarget");
    }

    /** Regression: NaN passed both range comparisons, and a gate with it never admitted anyone. */
    @Example
    void aStartRateThatIsNotANumberIsRefused() {
        refused(() -> adaptive(1, 100, Double.NaN, 2, 0.5, Duration.ofMillis(200), 0.01), "startPerSecond", "NaN");
    }

    // --- helpers --------------------------------------------------------------------------------

    private static AdmissionPolicy.Step step(AdmissionPolicy policy, AdmissionPolicy.Step before, AdmissionPolicy.Signals signals,
                                             Instant now) {
        return policy.step(before.memory(), signals, now);
    }

    private static AdmissionPolicy.Signals outstanding(long n) {
        return new AdmissionPolicy.Signals(n, DownstreamHealth.UNKNOWN);
    }

    private static AdmissionPolicy.Signals signals(DownstreamHealth health) {
        return new AdmissionPolicy.Signals(0, health);
    }

    private static AdmissionPolicy.Signals healthy() {
        return signals(HEALTHY);
    }

    private static AdmissionPolicy.Adaptive adaptive(double min, double max, double start, double increase, double factor,
                                                       Duration latency, double maxErrors) {
        return new AdmissionPolicy.Adaptive(min, max, start, increase, factor, latency, maxErrors);
    }

    private static void refused(ThrowingCallable make, String... inMessage) {
        assertThatThrownBy(make).isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll(inMessage);
    }
}
