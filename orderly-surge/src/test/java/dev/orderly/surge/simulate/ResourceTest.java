package dev.orderly.surge.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The aggregate component against the exact station, and overload by hand. */
class ResourceTest {

    @Test
    void belowCapacityTheDelayIsTheMD1WaitTheExactStationMeasures() {
        double capacity = 10; // requests/s, 100 ms each
        double lambda = 8;
        Resource fluid = new Resource("r", capacity, 30);
        for (int i = 0; i < 1000; i++) {
            fluid.offer(lambda * 0.1);
            fluid.advance(0.1);
        }
        EventLoop loop = new EventLoop();
        SplittableRandom random = new SplittableRandom(21);
        double[] sum = {0};
        long[] n = {0};
        Station exact = new Station(loop, 1, () -> 1 / capacity, w -> {
            sum[0] += w;
            n[0]++;
        });
        double t = 0;
        for (int i = 0; i < 400_000; i++) {
            t += -Math.log(1 - random.nextDouble()) / lambda;
            loop.at(t, l -> exact.arrive());
        }
        loop.runAll();
        // Theory 0.2 s; the exact station's mean over 400,000 requests has a standard error near 1 %
        // (see StationTest), so 5 % is well over four standard errors and far below a wrong model.
        assertThat(fluid.delay()).isCloseTo(0.2, within(1e-9));
        assertThat(sum[0] / n[0]).isCloseTo(fluid.delay(), within(0.05 * fluid.delay()));
    }

    @Test
    void overloadBuildsABacklogUntilTheTimeoutThenDropsTheExcess() {
        Resource r = new Resource("r", 100, 5);
        for (int i = 0; i < 30; i++) { // 3 s at twice the capacity
            r.offer(20);
            r.advance(0.1);
        }
        // 100/s too many for 3 s: 300 waiting, 3 s of work; nothing dropped yet.
        assertThat(r.backlog()).isCloseTo(300, within(1e-6));
        assertThat(r.dropRatio()).isZero();
        for (int i = 0; i < 100; i++) { // 10 s more
            r.offer(20);
            r.advance(0.1);
        }
        // The queue holds at 5 s of work; half of what arrives times out.
        assertThat(r.backlog()).isCloseTo(500, within(1e-6));
        assertThat(r.dropRatio()).isCloseTo(0.5, within(1e-9));
        assertThat(r.delay()).isCloseTo(5, within(1e-9));
        assertThat(r.peakServed()).isCloseTo(100, within(1e-9));
    }
}
