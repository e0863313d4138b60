package dev.orderly.gate;

import java.time.Instant;

/**
 * A gate's shared admission state, changed only by compare-and-set on {@code version}.
 *
 * @param mark         everyone whose rank is at most this has been admitted
 * @param preQueueSize people placed in the pre-queue, fixed at opening; -1 before then
 * @param lastTick     when the policy last ran (null: never)
 * @param carry        the fraction of a person owed but not yet admitted
 * @param rate         the adaptive policy's current rate (people/s); 0 for other policies
 * @param version      incremented by every change
 */
public record GateProgress(long mark, long preQueueSize, Instant lastTick, double carry, double rate, long version) {

    public static final GateProgress INITIAL = new GateProgress(0, -1, null, 0, 0, 0);

    public boolean preQueueFixed() {
        return preQueueSize >= 0;
    }

    public GateProgress next(long newMark, long newPreQueueSize, Instant tick, double newCarry, double newRate) {
        return new GateProgress(newMark, newPreQueueSize, tick, newCarry, newRate, version + 1);
    }
}
