package dev.orderly.registry;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Korean resident registration numbers (주민등록번호), {@code YYMMDD-GNNNNNN}: the date of birth, a
 * digit G that gives sex and century, and six more digits.
 *
 * <p>Orderly never stores one: the registry keeps a keyed hash for matching. No check digit is
 * verified, because numbers issued since October 2020 have none.
 */
public final class ResidentNumbers {

    private static final Pattern SHAPE = Pattern.compile("(\\d{6})\\s*-?\\s*(\\d{7})");

    private ResidentNumbers() {
    }

    /**
     * The number as 13 digits when {@code raw} is one ({@code 640505-1234567} or
     * {@code 6405051234567}) and its first seven digits make a real date of birth; empty otherwise.
     */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(raw.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String digits = m.group(1) + m.group(2);
        return birthDateOf(digits).map(d -> digits);
    }

    /** The date of birth a 13-digit number encodes, or empty when it encodes none. */
    public static Optional<LocalDate> birthDateOf(String digits) {
        if (digits == null || digits.length() != 13 || !digits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int century = switch (digits.charAt(6)) {
            case '9', '0' -> 1800;
            case '1', '2', '5', '6' -> 1900;
            case '3', '4', '7', '8' -> 2000;
            default -> throw new IllegalStateException("not a digit");
        };
        try {
            return Optional.of(LocalDate.of(century + Integer.parseInt(digits.substring(0, 2)),
                    Integer.parseInt(digits.substring(2, 4)), Integer.parseInt(digits.substring(4, 6))));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** {@code YYMMDD-GNNNNNN}, the way people write it. */
    public static String dashed(String digits) {
        return digits.substring(0, 6) + "-" + digits.substring(6);
    }
}
