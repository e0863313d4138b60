package dev.orderly.clinic;

/** The answer to an action at a clinic desk. */
public sealed interface DeskOutcome {

    /** Recorded. {@code completed}: the person has had both doses. */
    record Done(Appointment appointment, boolean completed) implements DeskOutcome {
    }

    record Refused(Refusal why, String detail) implements DeskOutcome {
    }
}
