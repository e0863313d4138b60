package dev.orderly.server;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settings of the watchdog and the canary (part of {@link Settings}; the README lists them).
 *
 * @param webhook where alerts are POSTed as JSON ({@code ORDERLY_ALERT_WEBHOOK_URL}); empty: none
 * @param smsTo   on-call phone numbers, digits, comma-separated in {@code ORDERLY_ALERT_SMS_TO}; empty: none
 * @param canary  whether this node walks the synthetic resident through the flow every minute ({@code ORDERLY_CANARY}, default on)
 */
public record WatchSettings(Optional<URI> webhook, List<String> smsTo, boolean canary) {

    public WatchSettings {
        smsTo = List.copyOf(smsTo);
    }

    static WatchSettings from(Settings.Reader r) {
        Optional<URI> webhook = r.optionalText("ORDERLY_ALERT_WEBHOOK_URL").map(v -> {
            try {
                URI u = URI.create(v);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return u;
            } catch (IllegalArgumentException e) {
                throw new Settings.InvalidSettingException("ORDERLY_ALERT_WEBHOOK_URL=" + v + " is not an http(s) URL with a host");
            }
        });
        List<String> phones = new ArrayList<>();
        r.optionalText("ORDERLY_ALERT_SMS_TO").ifPresent(v -> {
            for (String part : v.split(",")) {
                String digits = part.strip().replace("-", "");
                if (!digits.matches("[0-9]{9,15}")) {
                    throw new Settings.InvalidSettingException("ORDERLY_ALERT_SMS_TO has '" + part.strip()
                            + "', not a phone number of 9 to 15 digits (dashes allowed)");
                }
                phones.add(digits);
            }
        });
        return new WatchSettings(webhook, phones, r.bool("ORDERLY_CANARY", true));
    }

    @Override
    public String toString() {
        // The numbers are staff's personal data: counted, not shown.
        return "watch[webhook=" + webhook.map(u -> u.getScheme() + "://" + u.getHost()).orElse("none") + ", smsTo=" + smsTo.size()
                + " number(s), canary=" + (canary ? "on" : "off") + "]";
    }
}
