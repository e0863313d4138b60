package dev.orderly.clinic;

import java.util.Objects;

/**
 * A dose put in an arm: the vaccine product, the lot it came from and which dose of the course it was.
 *
 * @param doseNumber 1 or 2
 */
public record DoseGiven(Stamp stamp, String product, String lot, int doseNumber) {

    /** A lot number as printed on a vial's label: letters, digits and dashes. */
    public static final java.util.regex.Pattern LOT = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,31}");

    public DoseGiven {
        Objects.requireNonNull(stamp, "stamp");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(lot, "lot");
        if (!LOT.matcher(lot).matches()) {
            throw new IllegalArgumentException("a lot number is 1-32 letters, digits and dashes, starting with a letter or digit");
        }
        if (doseNumber != 1 && doseNumber != 2) {
            throw new IllegalArgumentException("the dose number is 1 or 2, was " + doseNumber);
        }
    }
}
