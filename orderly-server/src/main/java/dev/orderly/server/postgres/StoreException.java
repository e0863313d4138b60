package dev.orderly.server.postgres;

/** The database failed in a way the caller cannot fix: connection lost, server down. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
