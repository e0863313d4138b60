package dev.orderly.booking;

import java.util.List;

/**
 * What a store found when it checked its own invariants: every list must be empty. Entries name
 * buckets and internal person ids, never personal data, so the report may be shown to operators.
 *
 * @param overbooked         buckets booked beyond their capacity
 * @param doubleBooked       people holding more than one active appointment for a dose
 * @param countMismatches    buckets whose booked count differs from the active appointments in them
 */
public record IntegrityReport(List<String> overbooked, List<String> doubleBooked, List<String> countMismatches) {

    public IntegrityReport {
        overbooked = List.copyOf(overbooked);
        doubleBooked = List.copyOf(doubleBooked);
        countMismatches = List.copyOf(countMismatches);
    }

    /** How a finding names an overbooked bucket. */
    public static String overbookedBucket(Bucket b, int booked, int capacity) {
        return name(b) + " booked " + booked + " of " + capacity;
    }

    /** How a finding names a bucket whose count disagrees with the appointments in it. */
    public static String countMismatch(Bucket b, int booked, int appointments) {
        return name(b) + " counts " + booked + " booked but holds " + appointments + " appointments";
    }

    /** clinic/product/day/group */
    static String name(Bucket b) {
        return b.clinicId() + "/" + b.product() + "/" + b.day() + "/" + b.group();
    }

    public boolean isClean() {
        return overbooked.isEmpty() && doubleBooked.isEmpty() && countMismatches.isEmpty();
    }
}
