package dev.orderly.identity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An SMS gateway for tests: remembers every message instead of sending it. */
public final class RecordingSmsGateway implements SmsGateway {

    /** One message handed to the gateway. */
    public record Message(String phone, String text) {
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private final List<Message> sent = new CopyOnWriteArrayList<>();

    @Override
    public void send(String phone, String text) {
        sent.add(new Message(phone, text));
    }

    public List<Message> sent() {
        return List.copyOf(sent);
    }

    /** The six-digit code in the last message sent; fails when there is none. */
    public String lastCode() {
        if (sent.isEmpty()) {
            throw new AssertionError("no message was sent");
        }
        Matcher m = CODE.matcher(sent.get(sent.size() - 1).text());
        if (!m.find()) {
            throw new AssertionError("no six-digit code in: " + sent.get(sent.size() - 1).text());
        }
        return m.group(1);
    }
}
