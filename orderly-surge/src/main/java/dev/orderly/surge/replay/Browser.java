package dev.orderly.surge.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated browser: its cookie jar (browser id, tickets, passes, session) and the client
 * address its household is seen from. Touched only on the replay's event loop.
 */
public final class Browser {
    public final String address;
    private final Map<String, String> cookies = new HashMap<>(8);

    public Browser(String address) {
        this.address = address;
    }

    /** The {@code Cookie} header to send, or null when the jar is empty. */
    public String cookieHeader() {
        if (cookies.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        cookies.forEach((k, v) -> {
            if (!b.isEmpty()) {
                b.append("; ");
            }
            b.append(k).append('=').append(v);
        });
        return b.toString();
    }

    /** Takes in the {@code Set-Cookie} headers of an answer; an emptied or expired cookie is dropped. */
    public void absorb(List<String> setCookies) {
        for (String header : setCookies) {
            int semi = header.indexOf(';');
            String pair = semi < 0 ? header : header.substring(0, semi);
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            String attributes = semi < 0 ? "" : header.substring(semi).toLowerCase(java.util.Locale.ROOT);
            if (value.isEmpty() || attributes.contains("max-age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    /** The browser id the server gave this browser, or null before its first answer. */
    String browserId() {
        return cookies.get("orderly_bid");
    }

    boolean verified() {
        return cookies.containsKey("orderly_session");
    }
}
