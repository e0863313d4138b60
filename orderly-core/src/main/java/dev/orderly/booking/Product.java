package dev.orderly.booking;

/**
 * A vaccine product and its dose-2 interval.
 *
 * @param code          short stable code, e.g. {@code PFZ}
 * @param name          name to show
 * @param dose2MinDays  dose 2 no earlier than this many days after dose 1
 * @param dose2MaxDays  dose 2 no later than this many days after dose 1
 */
public record Product(String code, String name, int dose2MinDays, int dose2MaxDays) {
    public Product {
        if (dose2MinDays < 1 || dose2MaxDays < dose2MinDays) {
            throw new IllegalArgumentException("product " + code + ": dose-2 interval " + dose2MinDays + ".." + dose2MaxDays
                    + " days must satisfy 1 <= min <= max");
        }
    }
}
