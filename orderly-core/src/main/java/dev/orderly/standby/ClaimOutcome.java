package dev.orderly.standby;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.Reservation;

/** Every answer to a claim of an offer. */
public sealed interface ClaimOutcome {

    /** The dose is booked today at the clinic, dose 2 within the interval, and the offer is claimed. */
    record Claimed(Reservation reservation) implements ClaimOutcome {
    }

    /** No offer has this token. */
    record NoSuchOffer() implements ClaimOutcome {
    }

    /** The offer was made to someone else. */
    record NotYours() implements ClaimOutcome {
    }

    /** The claim window passed (the dose has gone, or will go, to the next person). */
    record Expired(StandbyOffer offer) implements ClaimOutcome {
    }

    /** The offer was claimed already: a dose is never claimed twice. */
    record AlreadyClaimed(StandbyOffer offer) implements ClaimOutcome {
    }

    /** The booking engine refused (the person already holds a reservation, no dose-2 day, ...); the offer stays open. */
    record BookingRefused(BookingOutcome outcome) implements ClaimOutcome {
    }
}
