package dev.orderly.clinic;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A clinic day closed by its staff: no bookings that day any more (its capacity is held at what
 * stays booked, normally zero), and the people booked were moved or cancelled.
 *
 * @param moved     appointments moved to another day
 * @param cancelled reservations cancelled because no day had room
 * @param kept      appointments that stay because their dose was already given that day
 */
public record ClosedDay(long clinicId, LocalDate day, String reasonKo, String reasonEn, Stamp stamp, int moved, int cancelled, int kept) {
    public ClosedDay {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(reasonKo, "reasonKo");
        Objects.requireNonNull(reasonEn, "reasonEn");
        Objects.requireNonNull(stamp, "stamp");
    }
}
