package dev.orderly.booking;

import java.time.LocalDate;
import java.util.List;

/**
 * The figures the agency steered by on the 2021 nights: how many of each cohort and of each
 * birth-date digit have booked, against how many may, and the capacity left by province and
 * vaccine. Counted over every node's bookings (the store's), not one node's traffic.
 */
public interface BookingTallies {

    /** Counted now, for capacity from {@code from} on. */
    Tallies count(LocalDate from);

    /**
     * @param eligible people the cohort covers (birth range, and its special group when it has one)
     * @param booked   of them, people holding a first-dose appointment
     */
    record CohortRate(String cohortId, String name, long eligible, long booked) {
        public double rate() {
            return eligible == 0 ? 0 : (double) booked / eligible;
        }
    }

    /** By the last digit of the day of birth, over every cohort's people. */
    record DigitRate(int digit, long eligible, long booked) {
        public double rate() {
            return eligible == 0 ? 0 : (double) booked / eligible;
        }
    }

    /** Doses on offer and booked from a day on, in one province for one vaccine. */
    record CapacityLeft(String province, String product, long capacity, long booked) {
        public long left() {
            return Math.max(0, capacity - booked);
        }
    }

    record Tallies(List<CohortRate> cohorts, List<DigitRate> digits, List<CapacityLeft> capacity) {
        public Tallies {
            cohorts = List.copyOf(cohorts);
            digits = List.copyOf(digits);
            capacity = List.copyOf(capacity);
        }
    }
}
