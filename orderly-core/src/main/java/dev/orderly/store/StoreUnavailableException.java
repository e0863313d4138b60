package dev.orderly.store;

import java.util.Objects;

/**
 * A store behind one of the core's ports cannot be reached right now: its server is down,
 * restarting, refusing connections or not answering in time. Every adapter raises this (and no
 * driver exception) for such failures, so callers can tell "try again in a moment" from a bug.
 *
 * <p>The outcome of a write that fails this way is unknown: it may have been carried out before
 * the connection broke. Callers that retry do so with the same idempotency key, so a write that
 * did happen is answered, not repeated.
 *
 * <p>{@link #dependency()} names the kind of store ({@code postgresql}, {@code redis}), never
 * anything about the request or the person behind it: it ends up in logs and answers.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String dependency;

    /**
     * @param dependency the kind of store that is unavailable, e.g. {@code postgresql}
     * @param message    what failed, without personal data
     * @param cause      the driver's error, kept for the log; may be null
     */
    public StoreUnavailableException(String dependency, String message, Throwable cause) {
        super(Objects.requireNonNull(dependency, "dependency") + " unavailable: " + message, cause);
        this.dependency = dependency;
    }

    /** The kind of store that is unavailable, e.g. {@code postgresql} or {@code redis}. */
    public String dependency() {
        return dependency;
    }
}
