package dev.orderly.gate;

import java.time.Instant;
import java.util.Optional;

/**
 * What the operator tells the people at a gate: a message in Korean and in English (each page
 * shows its own language, or the other when one is empty), and when the gate is expected back
 * after a pause — so a waiting person reads "back at 14:30", not "not opened yet".
 *
 * @param message      the message as the operator wrote it for Korean pages (or the only one); empty for none
 * @param messageEn    the same in English; empty when there is none
 * @param expectedBack when a paused gate is expected to resume; null when not said
 */
public record GateNotice(String message, String messageEn, Instant expectedBack) {

    public static final int MAX_LENGTH = 500;
    public static final GateNotice NONE = new GateNotice("", "", null);

    public GateNotice {
        message = message == null ? "" : message;
        messageEn = messageEn == null ? "" : messageEn;
        if (message.length() > MAX_LENGTH || messageEn.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a gate message must be at most " + MAX_LENGTH + " characters");
        }
    }

    /** One message for every page, with no time. */
    public static GateNotice of(String message) {
        return message == null || message.isEmpty() ? NONE : new GateNotice(message, "", null);
    }

    public Optional<Instant> back() {
        return Optional.ofNullable(expectedBack);
    }

    public boolean isEmpty() {
        return message.isEmpty() && messageEn.isEmpty() && expectedBack == null;
    }
}
