package dev.orderly.server;

import dev.orderly.identity.SmsGateway;
import dev.orderly.registry.PhoneNumbers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SMS gateway of demo runs: instead of sending, keeps the last messages for the dev inbox
 * page, where a demo user reads their code, and the latest message to each of many phones, so
 * a load test (the surge tool) can read the code of each person it plays. Never used when demo
 * mode is off.
 */
public final class DevSmsInbox implements SmsGateway {

    /** A message as the inbox page shows it: the phone masked, the text whole. */
    public record Message(Instant at, String maskedPhone, String phoneLast4, String text) {
    }

    private static final int KEEP = 200;
    /** Phones whose latest message is kept: bounded, so a long load test cannot fill the heap. */
    private static final int KEEP_PHONES = 100_000;

    private final Deque<Message> messages = new ArrayDeque<>();
    private final Map<String, Message> latestByPhone = new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Message> eldest) {
            return size() > KEEP_PHONES;
        }
    };
    private final Clock clock;

    public DevSmsInbox(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void send(String phone, String text) {
        Message m = new Message(clock.instant(), PhoneNumbers.mask(phone), phone.substring(Math.max(0, phone.length() - 4)), text);
        messages.addFirst(m);
        latestByPhone.remove(phone);
        latestByPhone.put(phone, m);
        while (messages.size() > KEEP) {
            messages.removeLast();
        }
    }

    /** The newest messages first. */
    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    /** The latest message sent to {@code phone} (as the registry holds it), if one is still kept. */
    public synchronized Optional<Message> latestTo(String phone) {
        return Optional.ofNullable(latestByPhone.get(phone));
    }
}
