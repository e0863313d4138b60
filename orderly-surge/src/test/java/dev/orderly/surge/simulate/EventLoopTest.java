package dev.orderly.surge.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    @Property
    void eventsFireInTimeOrderAndTiesInTheOrderScheduled(
            @ForAll @Size(max = 300) List<@DoubleRange(min = 0, max = 50) Double> times) {
        EventLoop loop = new EventLoop();
        List<double[]> fired = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            double t = Math.floor(times.get(i)); // whole seconds: plenty of ties
            int index = i;
            loop.at(t, l -> fired.add(new double[] {l.now(), index}));
        }
        loop.runAll();
        assertThat(fired).hasSize(times.size());
        for (int i = 1; i < fired.size(); i++) {
            double[] a = fired.get(i - 1);
            double[] b = fired.get(i);
            assertThat(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])).as("event %s before %s", a[1], b[1]).isTrue();
        }
    }

    @Test
    void runUntilFiresOnlyWhatIsDueAndMovesTheClockThere() {
        EventLoop loop = new EventLoop();
        List<Double> seen = new ArrayList<>();
        loop.at(1, l -> seen.add(l.now()));
        loop.at(2, l -> l.after(0.5, l2 -> seen.add(l2.now())));
        loop.at(5, l -> seen.add(l.now()));
        loop.runUntil(3);
        assertThat(seen).containsExactly(1.0, 2.5);
        assertThat(loop.now()).isEqualTo(3.0);
        assertThat(loop.pending()).isEqualTo(1);
    }

    @Test
    void anEventInThePastIsRefusedWithBothTimes() {
        EventLoop loop = new EventLoop();
        loop.runUntil(10);
        assertThatThrownBy(() -> loop.at(9, l -> { })).hasMessageContaining("9.0").hasMessageContaining("10.0");
    }

    @Test
    void aMillionEventsRunThroughTheHeap() {
        EventLoop loop = new EventLoop();
        SplittableRandom random = new SplittableRandom(1);
        double[] last = {0};
        boolean[] ordered = {true};
        for (int i = 0; i < 1_000_000; i++) {
            loop.at(random.nextDouble(1000), l -> {
                ordered[0] &= l.now() >= last[0];
                last[0] = l.now();
            });
        }
        loop.runAll();
        assertThat(loop.fired()).isEqualTo(1_000_000);
        assertThat(ordered[0]).isTrue();
    }
}
