package dev.orderly.booking;

import java.time.LocalDate;

/** A person asks for dose 1 of {@code product} at {@code clinicId} on {@code day}. */
public record BookingRequest(long personId, long clinicId, LocalDate day, String product) {
}
