package dev.orderly.eligibility;

import java.time.Instant;

/** Whether a person may book now, and why. */
public sealed interface Eligibility {

    /** May book in {@code cohort} until {@code until}. */
    record Eligible(Cohort cohort, BookingWindow window, Instant until) implements Eligibility {
    }

    /** Born outside every cohort. */
    record NotInAnyCohort() implements Eligibility {
    }

    /** In a cohort whose next window has not opened yet. */
    record NotOpenYet(Cohort cohort, Instant opensAt) implements Eligibility {
    }

    /** In a cohort whose windows have all closed. */
    record Closed(Cohort cohort, Instant closedAt) implements Eligibility {
    }
}
