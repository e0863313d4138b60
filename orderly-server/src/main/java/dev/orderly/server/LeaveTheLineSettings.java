package dev.orderly.server;

import java.time.Duration;
import java.util.Optional;

/**
 * Leaving the line (part of {@link Settings}; the README lists them with unit and default).
 *
 * @param lead         text a person who left the line when about this much wait remains, by the gate's estimate
 * @param linkLifetime the link in the text gives the place back for this long
 * @param publicUrl    the address people reach this server at, for the link; empty: {@code http://localhost:<port>}
 */
public record LeaveTheLineSettings(Duration lead, Duration linkLifetime, Optional<String> publicUrl) {

    static LeaveTheLineSettings from(Settings.Reader r) {
        Optional<String> url = r.optionalText("ORDERLY_PUBLIC_URL");
        url.ifPresent(u -> {
            if (!u.matches("https?://[^\\s/#?]+(/[^\\s#?]*)?")) {
                throw new Settings.InvalidSettingException("ORDERLY_PUBLIC_URL=" + u + " is not an http(s) address");
            }
        });
        return new LeaveTheLineSettings(Duration.ofSeconds(r.integer("ORDERLY_RECALL_LEAD_SECONDS", 300, 0, 7_200)),
                Duration.ofMinutes(r.integer("ORDERLY_RECALL_LINK_MINUTES", 60, 1, 1_440)), url);
    }

    @Override
    public String toString() {
        return "lead=" + lead + ", linkLifetime=" + linkLifetime + ", publicUrl=" + publicUrl.orElse("http://localhost:<port>");
    }
}
