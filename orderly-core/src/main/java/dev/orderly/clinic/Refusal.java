package dev.orderly.clinic;

/** Why the clinic desk refused an action; each is one problem type of the API. */
public enum Refusal {
    /** No appointment with that reference (and dose), or no one of that name and birth date that day. */
    UNKNOWN_APPOINTMENT,
    /** The appointment is at another clinic. */
    WRONG_CLINIC,
    /** The appointment is on another day than the action is for. */
    WRONG_DAY,
    /** The reservation was cancelled. */
    CANCELLED,
    /** The dose was already given. */
    ALREADY_GIVEN,
    /** A check-in or no-show was already recorded in a way the action contradicts. */
    VISIT_RECORDED,
    /** A no-show before the day is over. */
    DAY_NOT_OVER,
    /** The dose number recorded is not the appointment's dose. */
    WRONG_DOSE,
    /** The vaccine recorded is not the one booked. */
    WRONG_PRODUCT,
    /** Dose 2 before dose 1 of the reservation was recorded. */
    DOSE1_NOT_GIVEN,
    /** Name and birth date match more than one appointment that day: use the reference. */
    AMBIGUOUS_PERSON,
    /** The day is closed. */
    DAY_CLOSED,
    /** The day is already past. */
    DAY_PAST
}
