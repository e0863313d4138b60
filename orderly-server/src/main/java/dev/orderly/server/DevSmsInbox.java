package dev.orderly.server;

import dev.orderly.identity.SmsGateway;
import dev.orderly.registry.PhoneNumbers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The SMS gateway of demo runs: instead of sending, keeps the last messages for the dev inbox
 * page, where a demo user reads their code. Never used when demo mode is off.
 */
public final class DevSmsInbox implements SmsGateway {

    /** A message as the inbox page shows it: the phone masked, the text whole. */
    public record Message(Instant at, String maskedPhone, String phoneLast4, String text) {
    }

    private static final int KEEP = 200;

    private final Deque<Message> messages = new ArrayDeque<>();
    private final Clock clock;

    public DevSmsInbox(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void send(String phone, String text) {
        messages.addFirst(new Message(clock.instant(), PhoneNumbers.mask(phone), phone.substring(Math.max(0, phone.length() - 4)), text));
        while (messages.size() > KEEP) {
            messages.removeLast();
        }
    }

    /** The newest messages first. */
    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }
}
