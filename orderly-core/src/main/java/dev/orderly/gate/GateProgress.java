package dev.orderly.gate;

/**
 * A gate's shared admission state, changed only by compare-and-set on {@code version}.
 *
 * @param mark         everyone whose rank is at most this has been admitted
 * @param preQueueSize people placed in the pre-queue, fixed at opening; -1 before then
 * @param memory       what the admission policy carries from one tick to the next
 * @param version      incremented by every change
 */
public record GateProgress(long mark, long preQueueSize, AdmissionPolicy.Memory memory, long version) {

    public static final GateProgress INITIAL = new GateProgress(0, -1, AdmissionPolicy.Memory.NONE, 0);

    public GateProgress {
        java.util.Objects.requireNonNull(memory, "memory");
    }

    public boolean preQueueFixed() {
        return preQueueSize >= 0;
    }

    public GateProgress next(long newMark, long newPreQueueSize, AdmissionPolicy.Memory newPolicy) {
        return new GateProgress(newMark, newPreQueueSize, newPolicy, version + 1);
    }
}
