package dev.orderly.booking;

/** A bucket's capacity and how many of its places are booked. */
public record BucketCapacity(Bucket bucket, int capacity, int booked) {
}
