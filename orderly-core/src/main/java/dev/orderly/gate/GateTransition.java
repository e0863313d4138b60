package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;

/**
 * One admission tick of a gate as a pure function: from the gate's progress, its configuration,
 * the tickets issued, the passes outstanding, the downstream health and the time, the next
 * progress and how many it admitted. No I/O and no clock: {@link WaitingRoom} applies the answer
 * by compare-and-set on the progress's version, and the surge simulator calls the same function,
 * so the two cannot drift apart.
 *
 * <p>The rules around the policy's step:
 * <ul>
 *   <li>At the first tick after opening the pre-queue's size is fixed at the tickets issued so
 *       far. The time since the opening is owed if that tick is on time (within
 *       {@link #LATE_START}); a later first tick owes nothing.</li>
 *   <li>A gap between ticks longer than {@link #LATE_START} (every node stopped or stalled) owes
 *       only {@code LATE_START}, not the whole gap, which would let the line through in one burst.</li>
 *   <li>The mark never passes the tickets issued; places owed beyond them (the line ran empty)
 *       are dropped with the policy's carry, so a crowd arriving later meets no burst.</li>
 *   <li>Paused or closed: nothing is admitted and nothing is owed for the time the gate did not
 *       admit (the policy's clock and carry are cleared once).</li>
 * </ul>
 */
public final class GateTransition {

    /**
     * The most admission time owed at once (ticks come every 100 ms): a first tick later than this
     * after opening owes nothing, and a gap between ticks longer than this owes only this much.
     */
    public static final Duration LATE_START = Duration.ofSeconds(1);

    /**
     * A tick's answer.
     *
     * @param next     the progress to store, or null when the tick changes nothing (before opening,
     *                 or paused or closed with the policy already at rest)
     * @param admitted places the mark moved over
     * @param owed     places the policy owed this tick; more than {@code admitted} when the line
     *                 ran empty (the rest were dropped)
     */
    public record Transition(GateProgress next, long admitted, long owed) {
    }

    private GateTransition() {
    }

    /**
     * @param issued      tickets issued so far (the gate's counter)
     * @param outstanding people admitted whose pass is neither spent nor expired
     * @param health      the protected step's recent health
     */
    public static Transition next(GateProgress progress, GateConfig config, long issued, long outstanding,
                                  DownstreamHealth health, Instant now) {
        if (config.phaseAt(now) == GatePhase.OPEN) {
            long preQueue = progress.preQueueFixed() ? progress.preQueueSize() : issued;
            AdmissionPolicy.Memory memory = progress.memory();
            Instant lastTick = memory.lastTick();
            if (!progress.preQueueFixed()) {
                // Opening: owe the time since opening if we are on time, else start from now.
                memory = memory.withLastTick(Duration.between(config.opensAt(), now).compareTo(LATE_START) <= 0 ? config.opensAt() : null);
            } else if (lastTick != null && lastTick.isBefore(now.minus(LATE_START))) {
                memory = memory.withLastTick(now.minus(LATE_START));
            }
            AdmissionPolicy.Step step = config.admission().step(memory, new AdmissionPolicy.Signals(outstanding, health), now);
            long newMark = Math.min(issued, progress.mark() + step.admit());
            // Owed places nobody is waiting for are not kept for later: no burst when a crowd arrives.
            AdmissionPolicy.Memory kept = newMark < progress.mark() + step.admit() ? step.memory().withCarry(0) : step.memory();
            GateProgress next = progress.next(newMark, preQueue, kept);
            return new Transition(next, newMark - progress.mark(), step.admit());
        }
        if (progress.memory().lastTick() != null) {
            // Paused or closed: nothing is owed for the time the gate did not admit.
            return new Transition(progress.next(progress.mark(), progress.preQueueSize(), progress.memory().resting()), 0, 0);
        }
        return new Transition(null, 0, 0);
    }
}
