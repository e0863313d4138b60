package dev.orderly.clinic;

/**
 * The appointments of one clinic, day and vaccine that are still active and have nothing recorded
 * (not checked in, no dose given, no no-show): doses booked that nobody has come for yet.
 */
public record Unattended(long clinicId, String product, int appointments) {
}
