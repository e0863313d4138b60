package dev.orderly.privacy;

import java.util.regex.Pattern;

/**
 * Removes what looks like a resident registration number, a mobile number or a one-time code from
 * text that Orderly did not write itself (an SMS gateway's error message, a driver's exception),
 * before it is logged or stored. Orderly's own messages never carry these in the first place; this
 * is the net under third-party text.
 */
public final class PersonalData {

    /** What replaces a redacted value. */
    public static final String REDACTED = "[redacted]";

    // Order matters: the longest shapes first, so a resident number is not half-taken as a code.
    private static final Pattern RESIDENT_NUMBER = Pattern.compile("(?<!\\d)\\d{6}\\s?[-‐–]?\\s?[0-9]\\d{6}(?!\\d)");
    private static final Pattern MOBILE = Pattern.compile("(?<!\\d)(?:\\+?82[\\s.-]?)?0?1[016789][\\s.-]?\\d{3,4}[\\s.-]?\\d{4}(?!\\d)");
    private static final Pattern SIX_DIGITS = Pattern.compile("(?<!\\d)\\d{6}(?!\\d)");

    private PersonalData() {
    }

    /** {@code text} with every resident number, mobile number and six-digit run replaced; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = RESIDENT_NUMBER.matcher(text).replaceAll(REDACTED);
        out = MOBILE.matcher(out).replaceAll(REDACTED);
        return SIX_DIGITS.matcher(out).replaceAll(REDACTED);
    }
}
