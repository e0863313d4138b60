package dev.orderly.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /** One text to one phone (digits only). */
    record Sms(String phone, String text) {
        /** Neither the number nor the text (a code) in a log. */
        @Override
        public String toString() {
            return "Sms[" + text.length() + " characters]";
        }
    }

    /**
     * Sends each of {@code messages}; answers, in their order, empty for each handed over and what
     * its sending threw for each not. A gateway that takes many texts at once (a bulk API, the demo
     * inbox's one statement) overrides it; by default each is sent on its own.
     */
    default List<Optional<RuntimeException>> sendAll(List<Sms> messages) {
        List<Optional<RuntimeException>> outcomes = new ArrayList<>(messages.size());
        for (Sms m : messages) {
            try {
                send(m.phone(), m.text());
                outcomes.add(Optional.empty());
            } catch (RuntimeException e) {
                outcomes.add(Optional.of(e));
            }
        }
        return outcomes;
    }

    /** The gateway could not take the message. */
    final class SmsDeliveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SmsDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
