package dev.orderly.server.http;

/** The request cannot be understood as sent; answered with 400 and {@code detail}. */
public final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String detail) {
        super(detail, null, false, false);
    }
}
