package dev.orderly.registry;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Residents' names as Orderly compares them: Unicode NFC (a name typed on a device that sends
 * decomposed Hangul matches the registry's composed form), surrounding space removed, inner runs
 * of space made one. Letters of any script, combining marks, space and {@code . ' - ·} only.
 */
public final class Names {

    /** The longest name accepted, in characters (code points). */
    public static final int MAX_LENGTH = 40;
    // Compiled once: String.replaceAll compiles its pattern on every call, which an import of
    // millions of lines pays for each line.
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Names() {
    }

    /** The name in its compared form, or empty when it is not a name. */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String name = Normalizer.normalize(raw, Normalizer.Form.NFC).strip();
        name = SPACES.matcher(name).replaceAll(" ");
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_LENGTH) {
            return Optional.empty();
        }
        boolean allowed = name.codePoints().allMatch(c -> Character.isLetter(c) || isMark(c) || c == ' '
                || c == '.' || c == '\'' || c == '-' || c == '·');
        return allowed ? Optional.of(name) : Optional.empty();
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }
}
