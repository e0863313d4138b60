package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;

/** What a person polling a gate is told. */
public sealed interface GateStatus {

    /**
     * Still in line.
     *
     * @param ahead     people ahead in line
     * @param eta       estimated wait, from the gate's admission rate (server side)
     * @param pollAfter when to ask again; chosen by the server, with jitter
     */
    record Waiting(String gate, long sequence, long ahead, Duration eta, Duration pollAfter, boolean open, Instant opensAt)
            implements GateStatus {
    }

    /** The turn has come: the pass (token and decoded form) lets the browser into the next step. */
    record Admitted(String gate, long sequence, String passToken, Pass pass) implements GateStatus {
    }

    /** The ticket was not honoured. */
    record Refused(Reason reason) implements GateStatus {
    }

    enum Reason {
        /** Not a ticket this server signed, or not readable. */
        INVALID_TICKET,
        /** Signed for another gate than the one asked. */
        OTHER_GATE,
        /** Signed for another browser than the one asking. */
        OTHER_BROWSER,
        /** The gate does not exist. */
        UNKNOWN_GATE,
        /** Admitted so long ago that the pass it earned has expired. */
        PASS_EXPIRED
    }
}
