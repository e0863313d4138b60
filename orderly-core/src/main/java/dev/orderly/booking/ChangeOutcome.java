package dev.orderly.booking;

import java.time.LocalDate;

/** Every expected answer to a change request. */
public sealed interface ChangeOutcome extends StoreAnswer permits ChangeOutcome.Changed, ChangeOutcome.NothingToChange,
        ChangeOutcome.OutsideInterval, ChangeOutcome.TooLate, BookingOutcome.DayFull, BookingOutcome.NoSecondDoseDay,
        BookingOutcome.NotOffered, BookingOutcome.DayOutOfRange, BookingOutcome.NotEligible, BookingOutcome.KeyReused {

    /** Moved and committed; the places given up are free again. */
    record Changed(Reservation reservation) implements ChangeOutcome {
    }

    /** The person holds no active reservation. */
    record NothingToChange() implements ChangeOutcome {
    }

    /** Dose 2 must lie from {@code from} to {@code to} (the product's interval after dose 1). */
    record OutsideInterval(LocalDate from, LocalDate to) implements ChangeOutcome {
    }

    /** The dose to move is due today or was due already ({@code day}): it can no longer be moved. */
    record TooLate(LocalDate day) implements ChangeOutcome {
    }
}
