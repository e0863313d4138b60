package dev.orderly.registry;

import java.util.Optional;
import java.util.regex.Pattern;

/** Korean mobile numbers: normalisation to digits and masking for display. */
public final class PhoneNumbers {

    private static final Pattern MOBILE = Pattern.compile("01[016789]\\d{7,8}");
    // Compiled once: String.replaceAll compiles its pattern on every call.
    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]");

    private PhoneNumbers() {
    }

    /**
     * The number reduced to its digits when it is a Korean mobile number (010-1234-5678,
     * 010 1234 5678, 01012345678), or empty when it is not one.
     */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String digits = SEPARATORS.matcher(raw).replaceAll("");
        return MOBILE.matcher(digits).matches() ? Optional.of(digits) : Optional.empty();
    }

    /** 010-****-1234: the operator prefix and the last four digits, nothing else. */
    public static String mask(String digits) {
        if (digits.length() < 7) {
            return "***";
        }
        return digits.substring(0, 3) + "-****-" + digits.substring(digits.length() - 4);
    }
}
