package dev.orderly.booking;

import java.time.LocalDate;

/** Places left for one product at one clinic on one day. */
public record DayAvailability(LocalDate day, String product, int capacity, int remaining) {
}
