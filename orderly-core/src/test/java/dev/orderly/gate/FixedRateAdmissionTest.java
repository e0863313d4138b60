package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FixedRateAdmissionTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");

    @Example
    void fractionsCarrySoHalfAPersonASecondTickedEvery100msAdmitsOneEveryTwoSeconds() {
        FixedRateAdmission policy = new FixedRateAdmission(0.5);
        FixedRateAdmission.State state = policy.start(OPENS);
        List<Integer> admittedAtTick = new ArrayList<>();

        for (int tick = 1; tick <= 100; tick++) {
            FixedRateAdmission.Step step = policy.step(state, OPENS.plusMillis(100L * tick));
            state = step.next();
            for (long n = 0; n < step.admit(); n++) {
                admittedAtTick.add(tick);
            }
        }

        assertThat(admittedAtTick).containsExactly(20, 40, 60, 80, 100);
    }

    @Example
    void nothingIsOwedWhenTimeDoesNotAdvance() {
        FixedRateAdmission policy = new FixedRateAdmission(100);
        FixedRateAdmission.State state = policy.step(policy.start(OPENS), OPENS.plusMillis(15)).next();

        FixedRateAdmission.Step same = policy.step(state, OPENS.plusMillis(15));

        assertThat(same.admit()).isZero();
        assertThat(same.next()).isEqualTo(state);
    }

    @Example
    void aClockThatStepsBackOwesNothingAndIsNotFollowedBack() {
        FixedRateAdmission policy = new FixedRateAdmission(100);
        FixedRateAdmission.State state = policy.start(OPENS);

        FixedRateAdmission.Step back = policy.step(state, OPENS.minusSeconds(60));
        FixedRateAdmission.Step forward = policy.step(back.next(), OPENS.plusSeconds(1));

        assertThat(back.admit()).isZero();
        assertThat(back.next()).isEqualTo(state);
        assertThat(forward.admit()).isEqualTo(100);
    }

    @Example
    void nothingIsOwedForTimeBeforeOpening() {
        FixedRateAdmission policy = new FixedRateAdmission(50);
        FixedRateAdmission.State state = policy.start(OPENS);

        assertThat(policy.step(state, OPENS.minus(Duration.ofHours(2))).admit()).isZero();
        assertThat(policy.step(state, OPENS).admit()).isZero();
        assertThat(policy.step(state, OPENS.plusMillis(100)).admit()).isEqualTo(5);
    }

    @Example
    void aRateThatIsNotAPositiveNumberIsRefused() {
        for (double bad : new double[] {0, -1, Double.NaN, -0.0}) {
            assertThatThrownBy(() -> new FixedRateAdmission(bad)).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    @Property(tries = 300)
    void howOftenItIsTickedChangesTheCountByAtMostOne(@ForAll @DoubleRange(min = 0.01, max = 10_000) double perSecond,
                                                       @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 2_000) Integer> gapsMillis) {
        FixedRateAdmission policy = new FixedRateAdmission(perSecond);
        FixedRateAdmission.State state = policy.start(OPENS);
        Instant now = OPENS;
        long admitted = 0;
        for (int gap : gapsMillis) {
            now = now.plusMillis(gap);
            FixedRateAdmission.Step step = policy.step(state, now);
            assertThat(step.admit()).isNotNegative();
            admitted += step.admit();
            state = step.next();
        }

        double owed = Duration.between(OPENS, now).toNanos() / 1e9 * perSecond;
        assertThat((double) admitted).isBetween(Math.floor(owed) - 1, Math.floor(owed + 1e-6));
        assertThat(policy.step(policy.start(OPENS), now).admit()).isEqualTo((long) Math.floor(owed));
    }
}
