package dev.orderly.staff;

import java.util.Locale;
import java.util.Optional;

/**
 * What a member of staff (or a machine token) may do. An operator runs the night; a clinic account
 * sees and changes only the clinics listed on it; an agent of the call centre books for callers;
 * an auditor reads everything and changes nothing.
 */
public enum Role {
    OPERATOR, CLINIC, AGENT, AUDITOR;

    /** The role's name as written in the API, the CLI and the audit log. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromSlug(String slug) {
        for (Role r : values()) {
            if (r.slug().equals(slug)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
