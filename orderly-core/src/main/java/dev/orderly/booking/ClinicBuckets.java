package dev.orderly.booking;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A clinic with each of its buckets in a search's days: what one read of the store says, before
 * it is narrowed to what one capacity group may take. Kept this way, one answer serves every
 * group (the search cache keys by district alone).
 *
 * @param buckets in day, product, group order
 */
public record ClinicBuckets(Clinic clinic, List<BucketCapacity> buckets) {

    public ClinicBuckets {
        buckets = List.copyOf(buckets);
    }

    /**
     * What someone of capacity group {@code group} may take ({@link Bucket#EVERY_GROUP}: every
     * bucket counted): per day and product, the places of the buckets they may use. A day and
     * product appears when it has such a bucket.
     */
    public ClinicAvailability availableTo(int group) {
        List<DayAvailability> days = new ArrayList<>();
        LocalDate day = null;
        String product = null;
        int capacity = 0;
        int remaining = 0;
        boolean any = false;
        for (BucketCapacity b : buckets) {
            if (!b.bucket().day().equals(day) || !b.bucket().product().equals(product)) {
                if (any) {
                    days.add(new DayAvailability(day, product, capacity, remaining));
                }
                day = b.bucket().day();
                product = b.bucket().product();
                capacity = 0;
                remaining = 0;
                any = false;
            }
            if (group == Bucket.EVERY_GROUP || b.bucket().usableBy(group)) {
                any = true;
                capacity += b.capacity();
                remaining += Math.max(0, b.capacity() - b.booked());
            }
        }
        if (any) {
            days.add(new DayAvailability(day, product, capacity, remaining));
        }
        return new ClinicAvailability(clinic, days);
    }

    /** {@link #availableTo} for each clinic of a search, in its order. */
    public static List<ClinicAvailability> availableTo(List<ClinicBuckets> found, int group) {
        List<ClinicAvailability> shown = new ArrayList<>(found.size());
        for (ClinicBuckets c : found) {
            shown.add(c.availableTo(group));
        }
        return shown;
    }

    /**
     * This clinic after one more place was taken from {@code product} on {@code day} by someone of
     * {@code group}, from the bucket booking takes it from: the group's own while it has room, else
     * the shared one (as {@link BookingRules} chooses). Unchanged when neither has room here.
     */
    public ClinicBuckets withOneTaken(String product, LocalDate day, int group) {
        int taken = -1;
        for (int i = 0; i < buckets.size(); i++) {
            Bucket at = buckets.get(i).bucket();
            if (at.day().equals(day) && at.product().equals(product) && at.usableBy(group) && hasRoom(buckets.get(i))
                    && (taken < 0 || at.group() > buckets.get(taken).bucket().group())) {
                taken = i;
            }
        }
        if (taken < 0) {
            return this;
        }
        List<BucketCapacity> after = new ArrayList<>(buckets);
        BucketCapacity b = after.get(taken);
        after.set(taken, new BucketCapacity(b.bucket(), b.capacity(), b.booked() + 1));
        return new ClinicBuckets(clinic, after);
    }

    private static boolean hasRoom(BucketCapacity b) {
        return b.booked() < b.capacity();
    }
}
