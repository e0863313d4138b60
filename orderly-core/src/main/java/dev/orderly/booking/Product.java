package dev.orderly.booking;

/**
 * A vaccine product and its dose-2 interval.
 *
 * @param code          short stable code, e.g. {@code PFZ}
 * @param name          name to show
 * @param dose2MinDays  dose 2 no earlier than this many days after dose 1
 * @param dose2MaxDays  dose 2 no later than this many days after dose 1
 * @param nameEn        its name in English, or empty when it has none
 */
public record Product(String code, String name, int dose2MinDays, int dose2MaxDays, String nameEn) {
    /** A product known by its Korean name only. */
    public Product(String code, String name, int dose2MinDays, int dose2MaxDays) {
        this(code, name, dose2MinDays, dose2MaxDays, "");
    }

    public Product {
        nameEn = java.util.Objects.requireNonNullElse(nameEn, "");
        if (dose2MinDays < 1 || dose2MaxDays < dose2MinDays) {
            throw new IllegalArgumentException("product " + code + ": dose-2 interval " + dose2MinDays + ".." + dose2MaxDays
                    + " days must satisfy 1 <= min <= max");
        }
    }
}
