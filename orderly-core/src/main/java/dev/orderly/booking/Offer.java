package dev.orderly.booking;

/** A clinic offers a product: its name to show and the product's dose-2 interval in days. */
public record Offer(String clinicName, int dose2MinDays, int dose2MaxDays) {
}
