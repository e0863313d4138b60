package dev.orderly.clinic;

import java.util.Locale;

/** Where an appointment stands on the clinic's day list. */
public enum VisitStatus {
    BOOKED, CHECKED_IN, GIVEN, NO_SHOW, CANCELLED;

    /** The status as the API writes it: booked, checked-in, given, no-show, cancelled. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
