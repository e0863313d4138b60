package dev.orderly.gate;

/** Whether a presented pass lets its bearer through. */
public sealed interface PassCheck {

    record Valid(Pass pass) implements PassCheck {
    }

    record Refused(Reason reason) implements PassCheck {
    }

    enum Reason {
        /** No pass was presented. */
        MISSING,
        /** Not signed by this server, or by a wrong algorithm. */
        FORGED,
        /** Issued by another gate. */
        OTHER_GATE,
        /** Issued to another browser. */
        OTHER_BROWSER,
        /** Past its expiry. */
        EXPIRED,
        /** Already used to complete the step. */
        SPENT
    }
}
