package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The tick's rules around the policy, as a pure function of explicit inputs. */
class GateTransitionTest {

    private static final Instant OPENS = Instant.parse("2021-07-26T11:00:00Z");
    private static final GateConfig TEN_PER_SECOND = GateConfig.fixedRate("identity", OPENS, 10, Duration.ofMinutes(10));

    private static GateTransition.Transition tick(GateProgress progress, GateConfig config, long issued, Instant now) {
        return GateTransition.next(progress, config, issued, 0, DownstreamHealth.UNKNOWN, now);
    }

    @Test
    void beforeOpeningNothingChanges() {
        GateTransition.Transition t = tick(GateProgress.INITIAL, TEN_PER_SECOND, 50, OPENS.minusMillis(1));

        assertThat(t.next()).isNull();
        assertThat(t.admitted()).isZero();
    }

    @Test
    void theFirstTickOnTimeFixesThePreQueueAndOwesTheTimeSinceOpening() {
        GateTransition.Transition t = tick(GateProgress.INITIAL, TEN_PER_SECOND, 50, OPENS.plusMillis(500));

        assertThat(t.next().preQueueSize()).isEqualTo(50);
        assertThat(t.admitted()).isEqualTo(5);
        assertThat(t.next().mark()).isEqualTo(5);
        assertThat(t.next().version()).isEqualTo(1);
    }

    @Test
    void aFirstTickLaterThanLateStartOwesNothing() {
        GateTransition.Transition t = tick(GateProgress.INITIAL, TEN_PER_SECOND, 50, OPENS.plus(GateTransition.LATE_START).plusMillis(1));

        assertThat(t.next().preQueueFixed()).isTrue();
        assertThat(t.admitted()).isZero();
    }

    @Test
    void aGapLongerThanLateStartOwesOnlyLateStart() {
        GateProgress ticked = new GateProgress(0, 50, new AdmissionPolicy.Memory(OPENS, 0, 0), 3);

        GateTransition.Transition t = tick(ticked, TEN_PER_SECOND, 50, OPENS.plusSeconds(30));

        assertThat(t.admitted()).isEqualTo(10);
    }

    @Test
    void whenTheLineRunsEmptyTheRestOwedAndTheCarryAreDropped() {
        GateProgress ticked = new GateProgress(48, 50, new AdmissionPolicy.Memory(OPENS, 0.5, 0), 3);

        GateTransition.Transition t = tick(ticked, TEN_PER_SECOND, 50, OPENS.plusMillis(500));

        assertThat(t.owed()).isEqualTo(5);
        assertThat(t.admitted()).isEqualTo(2);
        assertThat(t.next().mark()).isEqualTo(50);
        assertThat(t.next().memory().carry()).isZero();
    }

    @Test
    void pausedClearsThePolicyClockOnceThenChangesNothing() {
        GateConfig paused = TEN_PER_SECOND.withMode(GateMode.PAUSED, "a moment");
        GateProgress ticked = new GateProgress(20, 50, new AdmissionPolicy.Memory(OPENS, 0.7, 0), 3);

        GateTransition.Transition first = tick(ticked, paused, 50, OPENS.plusSeconds(5));
        GateTransition.Transition second = tick(first.next(), paused, 50, OPENS.plusSeconds(6));

        assertThat(first.admitted()).isZero();
        assertThat(first.next().mark()).isEqualTo(20);
        assertThat(first.next().memory().lastTick()).isNull();
        assertThat(first.next().memory().carry()).isZero();
        assertThat(second.next()).isNull();
    }
}
