package dev.orderly.eligibility;

import java.time.LocalDate;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The ten-part rotation: on a day whose date (day of the month, Seoul calendar) ends in digit
 * {@code d}, only people whose birth-date digit is {@code mapping.charAt(d)} may book.
 *
 * <p>The birth-date digit is the character at {@code digitIndex} of the birth date written as
 * {@code yyyyMMdd}: 7 (the default) is the last digit of the day of birth, as in August 2021;
 * 3 would be the last digit of the year. The default mapping {@code "0123456789"} lets people
 * whose digit is {@code d} book on days ending in {@code d}; a {@code '-'} closes that day to
 * everyone. A person's digit is also their capacity group (see {@code booking.Bucket}).
 *
 * @param digitIndex which character of {@code yyyyMMdd} is the person's digit, 0..7; default 7
 * @param mapping    ten characters, each a digit or {@code '-'}; position {@code i} is for days ending in {@code i}
 */
public record Rotation(int digitIndex, String mapping) {

    private static final Pattern MAPPING = Pattern.compile("[0-9-]{10}");

    /** The last digit of the birth date books on days ending in the same digit. */
    public static final Rotation DEFAULT = new Rotation(7, "0123456789");

    public Rotation {
        Objects.requireNonNull(mapping, "mapping");
        if (digitIndex < 0 || digitIndex > 7) {
            throw new IllegalArgumentException("rotation digit index " + digitIndex + " must be 0..7 (a position in yyyyMMdd)");
        }
        if (!MAPPING.matcher(mapping).matches()) {
            throw new IllegalArgumentException("rotation mapping '" + mapping + "' must be ten characters, each a digit or '-'");
        }
    }

    /** The person's digit: their rotation and capacity group, 0..9. */
    public int groupOf(LocalDate birthDate) {
        String yyyyMMdd = String.format(java.util.Locale.ROOT, "%04d%02d%02d",
                Math.floorMod(birthDate.getYear(), 10_000), birthDate.getMonthValue(), birthDate.getDayOfMonth());
        return yyyyMMdd.charAt(digitIndex) - '0';
    }

    /** Whether someone born on {@code birthDate} may book on the Seoul calendar day {@code day}. */
    public boolean allows(LocalDate birthDate, LocalDate day) {
        return mapping.charAt(day.getDayOfMonth() % 10) == (char) ('0' + groupOf(birthDate));
    }
}
