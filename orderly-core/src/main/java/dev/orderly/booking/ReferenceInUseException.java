package dev.orderly.booking;

/**
 * The booking reference offered for a new reservation is already taken. Rare (references are
 * random); the caller books again with a fresh reference. Nothing was changed.
 */
public final class ReferenceInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReferenceInUseException(String reference) {
        super("booking reference " + reference + " is already in use");
    }
}
