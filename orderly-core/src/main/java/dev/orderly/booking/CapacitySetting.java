package dev.orderly.booking;

/** The capacity a bucket is to have (places); see {@link BookingStore#setCapacity(java.util.List)}. */
public record CapacitySetting(Bucket bucket, int capacity) {
}
