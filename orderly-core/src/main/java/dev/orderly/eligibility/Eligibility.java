package dev.orderly.eligibility;

import java.time.Instant;
import java.time.LocalDate;

/** Whether a person may book now, and why. */
public sealed interface Eligibility {

    /** May book in {@code cohort}, through {@code window}, until {@code until} (the window's end, or the end of their rotation day). */
    record Eligible(Cohort cohort, BookingWindow window, Instant until) implements Eligibility {
    }

    /** Born outside every cohort, or not on the list a cohort needs. */
    record NotInAnyCohort() implements Eligibility {
    }

    /** In a cohort where they may first book at {@code opensAt} (a window's opening, or their first rotation day in it). */
    record NotOpenYet(Cohort cohort, Instant opensAt) implements Eligibility {
    }

    /** A window is open, but today is not their rotation day: {@code yourDay} is (Seoul calendar), from {@code opensAt}. */
    record WrongRotationDay(Cohort cohort, LocalDate yourDay, Instant opensAt) implements Eligibility {
    }

    /** In a cohort where no time to book remains for them; the last one ended at {@code closedAt}. */
    record Closed(Cohort cohort, Instant closedAt) implements Eligibility {
    }

    /** Holds the active reservation {@code reference}: change or cancel it instead. */
    record AlreadyBooked(String reference) implements Eligibility {
    }
}
