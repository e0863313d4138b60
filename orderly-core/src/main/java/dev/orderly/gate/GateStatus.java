package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;

/** What a person polling a gate is told. */
public sealed interface GateStatus {

    /**
     * Still in line.
     *
     * @param rank      place in line; 0 while in the pre-queue (drawn at opening)
     * @param ahead     people ahead (in the pre-queue: people in it so far, order not drawn yet)
     * @param eta       estimated wait, from the measured admission rate (server side)
     * @param pollAfter when to ask again; chosen by the server, with jitter
     * @param phase     the gate's phase (pre-queue, open, paused)
     * @param notice    the operator's message (Korean, English) and when a paused gate is expected back
     */
    record Waiting(String gate, long rank, long ahead, Duration eta, Duration pollAfter, GatePhase phase, Instant opensAt,
                   GateNotice notice) implements GateStatus {
        public Waiting {
            notice = notice == null ? GateNotice.NONE : notice;
        }

        public Waiting(String gate, long rank, long ahead, Duration eta, Duration pollAfter, GatePhase phase, Instant opensAt,
                       String message) {
            this(gate, rank, ahead, eta, pollAfter, phase, opensAt, GateNotice.of(message));
        }

        public boolean inPreQueue() {
            return rank == 0;
        }

        /** The message for Korean pages (or the only one). */
        public String message() {
            return notice.message();
        }
    }

    /** The turn has come: the pass (token and decoded form) lets the browser into the next step. */
    record Admitted(String gate, long rank, String passToken, Pass pass) implements GateStatus {
    }

    /** The ticket was not honoured, or cannot be now. */
    record Refused(Reason reason, String message) implements GateStatus {
        public Refused(Reason reason) {
            this(reason, "");
        }
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
        PASS_EXPIRED,
        /** Admitted, and the pass was already used to complete the step. */
        PASS_SPENT,
        /** The gate was closed by an operator. */
        GATE_CLOSED,
        /** The gate does not take joins yet. */
        NOT_YET_JOINABLE,
        /** This gate gives one place per verified person: verify first. */
        NEEDS_HOLDER
    }
}
