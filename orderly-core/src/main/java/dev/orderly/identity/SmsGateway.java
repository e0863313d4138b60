package dev.orderly.identity;

/**
 * Port: sends a text message to a mobile phone. Implementations may be slow or fail; callers on
 * a hot path hand messages to an outbox rather than call this directly.
 */
public interface SmsGateway {

    /**
     * Sends {@code text} to {@code phone}.
     *
     * @param phone digits only
     * @throws SmsDeliveryException when the message could not be handed over
     */
    void send(String phone, String text);

    /** The gateway could not take the message. */
    final class SmsDeliveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SmsDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
