package dev.orderly.staff;

import java.util.Locale;
import java.util.Optional;

/**
 * What a staff password must be: at least 12 characters (length, not composition rules, is what
 * makes a password hard to guess: NIST SP 800-63B), at most 256, and not the login itself.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;

    private PasswordPolicy() {
    }

    /** Why {@code password} is refused for {@code login}, or empty when it is acceptable. */
    public static Optional<String> problem(String login, String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("a password has at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("a password has at most " + MAX_LENGTH + " characters");
        }
        if (password.strip().toLowerCase(Locale.ROOT).equals(login.toLowerCase(Locale.ROOT))) {
            return Optional.of("a password must not be the login");
        }
        if (password.isBlank()) {
            return Optional.of("a password must not be only spaces");
        }
        return Optional.empty();
    }
}
