package dev.orderly.booking;

import java.util.List;

/** A clinic with the places it has left per day and product. */
public record ClinicAvailability(Clinic clinic, List<DayAvailability> days) {
    public ClinicAvailability {
        days = List.copyOf(days);
    }
}
