package dev.orderly.surge.simulate;

import java.util.Arrays;

/**
 * The discrete-event core: a clock in simulated seconds and a priority queue of timed events.
 *
 * <p>Design. A binary heap over parallel arrays (time, insertion number, event), so scheduling
 * allocates nothing but the event itself and a run of millions of events stays cache-friendly.
 * Events at the same time fire in the order they were scheduled (the insertion number breaks
 * ties), which together with a seeded random source makes every run repeatable. There is no wall
 * clock anywhere: {@link #now()} moves only when an event fires. Not thread-safe; one loop per run.
 */
public final class EventLoop {

    /** Something that happens at a simulated instant. */
    @FunctionalInterface
    public interface Event {
        void fire(EventLoop loop);
    }

    private double now;
    private double[] times = new double[1024];
    private long[] order = new long[1024];
    private Event[] events = new Event[1024];
    private int size;
    private long scheduled;
    private long fired;
    private boolean stopped;

    /** Simulated seconds since the loop started. */
    public double now() {
        return now;
    }

    /** Events fired so far. */
    public long fired() {
        return fired;
    }

    /** Events waiting to fire. */
    public int pending() {
        return size;
    }

    /** Schedules {@code event} at simulated second {@code time}, which may not lie in the past. */
    public void at(double time, Event event) {
        if (!(time >= now)) { // NaN fails too
            throw new IllegalArgumentException("event at " + time + " s is before now (" + now + " s)");
        }
        if (size == times.length) {
            int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            order = Arrays.copyOf(order, capacity);
            events = Arrays.copyOf(events, capacity);
        }
        int i = size++;
        long seq = scheduled++;
        // Sift up.
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, seq, times[parent], order[parent])) {
                break;
            }
            times[i] = times[parent];
            order[i] = order[parent];
            events[i] = events[parent];
            i = parent;
        }
        times[i] = time;
        order[i] = seq;
        events[i] = event;
    }

    /** Schedules {@code event} {@code delay} seconds from now. */
    public void after(double delay, Event event) {
        at(now + delay, event);
    }

    /** Ends the run after the current event: what is still scheduled never fires. */
    public void stop() {
        stopped = true;
    }

    /** Fires every event due at or before {@code end}, then sets the clock to {@code end}. */
    public void runUntil(double end) {
        while (!stopped && size > 0 && times[0] <= end) {
            fireNext();
        }
        if (end > now) {
            now = end;
        }
    }

    /** Fires events until none is left or {@link #stop()} is called. */
    public void runAll() {
        while (!stopped && size > 0) {
            fireNext();
        }
    }

    private void fireNext() {
        double time = times[0];
        Event event = events[0];
        int last = --size;
        double lt = times[last];
        long lo = order[last];
        Event le = events[last];
        events[last] = null;
        // Sift the last element down from the root.
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(times[child + 1], order[child + 1], times[child], order[child])) {
                child++;
            }
            if (!before(times[child], order[child], lt, lo)) {
                break;
            }
            times[i] = times[child];
            order[i] = order[child];
            events[i] = events[child];
            i = child;
        }
        if (size > 0) {
            times[i] = lt;
            order[i] = lo;
            events[i] = le;
        }
        now = time;
        fired++;
        event.fire(this);
    }

    private static boolean before(double t1, long s1, double t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }
}
