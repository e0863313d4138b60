package dev.orderly.staff;

/** A change to the staff accounts that was refused, and why; nothing was changed. */
public final class StaffChangeRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** No account has that login. */
        UNKNOWN,
        /** An account with that login exists. */
        EXISTS,
        /** The password breaks the {@link PasswordPolicy}. */
        WEAK_PASSWORD,
        /** A login, name, role or clinic list that is not allowed. */
        INVALID,
        /** The account changed under this change too often; try again. */
        CONTENDED
    }

    private final Reason reason;

    public StaffChangeRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
