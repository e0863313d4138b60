package dev.orderly.gate;

/** Where a gate is at an instant, from its schedule and its operator's mode. */
public enum GatePhase {
    /** Before {@code joinFrom}: nobody can join yet. */
    SCHEDULED,
    /** From {@code joinFrom} to {@code opensAt}: joins are taken and placed in random order at opening. */
    PRE_QUEUE,
    /** Open: first come, first served, admitted at the policy's rate. */
    OPEN,
    /** Paused by an operator: joins taken, nobody admitted. */
    PAUSED,
    /** Closed by an operator. */
    CLOSED
}
