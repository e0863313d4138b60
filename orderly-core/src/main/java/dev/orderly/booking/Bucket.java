package dev.orderly.booking;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One pool of places: a clinic's capacity for one product on one day, either shared by everyone
 * ({@link #SHARED}) or kept for one rotation group (0..9: the people whose rotation digit it is),
 * so that a day's capacity can be split across the ten groups and booking early in the rotation
 * gives no better choice.
 *
 * @param group {@link #SHARED}, or a rotation group 0..9
 */
public record Bucket(long clinicId, String product, LocalDate day, int group) {

    /** The group of places anyone may take. */
    public static final int SHARED = -1;
    /** For {@link BookingStore#search}: count every bucket, whichever group it is for. */
    public static final int EVERY_GROUP = -2;

    public Bucket {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(day, "day");
        if (group < SHARED || group > 9) {
            throw new IllegalArgumentException("bucket group " + group + " must be -1 (shared) or a rotation group 0..9");
        }
    }

    /** Whether someone of capacity group {@code personGroup} may take a place here. */
    public boolean usableBy(int personGroup) {
        return group == SHARED || group == personGroup;
    }
}
