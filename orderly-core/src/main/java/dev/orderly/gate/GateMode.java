package dev.orderly.gate;

/** What an operator has set a gate to. */
public enum GateMode {
    /** Runs by its schedule: joinable from {@code joinFrom}, admitting from {@code opensAt}. */
    ACTIVE,
    /** Holds everyone in place: joins are still taken, nobody is admitted; a message says why. */
    PAUSED,
    /** Takes no joins and admits nobody; passes already given stay valid until they expire. */
    CLOSED
}
