package dev.orderly.server;

import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.ratelimit.RateLimit;
import dev.orderly.server.http.TrustedProxies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The settings of identity verification, sessions, rate limits and personal-data keys (part of
 * {@link Settings}; the README lists them with unit and default).
 *
 * @param sessionIdle          a session ends after this long without a request
 * @param codesPerPersonPerDay one-time-code challenges per resident and Seoul day
 * @param codesPerPhonePerDay  one-time-code challenges per phone number and Seoul day
 * @param joinPerAddress       joins of any gate per client address
 * @param challengePerAddress  identity challenges per client address
 * @param challengePerPhone    identity challenges per phone number
 * @param verifyPerAddress     code entries per client address
 * @param verifyPerChallenge   code entries per challenge (and so per person)
 * @param trustedProxies       whose {@code X-Forwarded-For} is believed ({@code ORDERLY_TRUSTED_PROXIES}, or the
 *                             deprecated {@code ORDERLY_TRUST_FORWARDED_FOR=true}: anyone's)
 * @param piiHashKey           base64 key of the keyed hashes, from the setting or its {@code _FILE}
 * @param phoneKeys            {@code id:base64,...} AES-256 keys sealing phone numbers, likewise
 */
public record IdentitySettings(
        Duration sessionIdle,
        int codesPerPersonPerDay,
        int codesPerPhonePerDay,
        RateLimit joinPerAddress,
        RateLimit challengePerAddress,
        RateLimit challengePerPhone,
        RateLimit verifyPerAddress,
        RateLimit verifyPerChallenge,
        TrustedProxies trustedProxies,
        Optional<String> piiHashKey,
        Optional<String> phoneKeys) {

    @Override
    public String toString() {
        return "sessionIdle=" + sessionIdle + ", codesPerDay=" + codesPerPersonPerDay + "/person " + codesPerPhonePerDay + "/phone"
                + ", rateLimits[join/address=" + joinPerAddress + ", challenge/address=" + challengePerAddress
                + ", challenge/phone=" + challengePerPhone + ", verify/address=" + verifyPerAddress
                + ", verify/challenge=" + verifyPerChallenge + "], trustedProxies=" + trustedProxies
                + ", piiHashKey=" + (piiHashKey.isPresent() ? "set" : "from data folder")
                + ", phoneKeys=" + (phoneKeys.isPresent() ? "set" : "from data folder");
    }

    static IdentitySettings from(Settings.Reader r) {
        return new IdentitySettings(
                Duration.ofMinutes(r.integer("ORDERLY_SESSION_IDLE_MINUTES", 10, 1, 1_440)),
                r.integer("ORDERLY_CODE_DAILY_PER_PERSON", OneTimeCodeVerifier.DEFAULT_PER_PERSON_PER_DAY, 1, 100),
                r.integer("ORDERLY_CODE_DAILY_PER_PHONE", OneTimeCodeVerifier.DEFAULT_PER_PHONE_PER_DAY, 1, 1_000),
                rateLimit(r, "ORDERLY_RATE_JOIN_PER_ADDRESS", "400/10s"),
                rateLimit(r, "ORDERLY_RATE_CHALLENGE_PER_ADDRESS", "100/10s"),
                rateLimit(r, "ORDERLY_RATE_CHALLENGE_PER_PHONE", "3/1m"),
                rateLimit(r, "ORDERLY_RATE_VERIFY_PER_ADDRESS", "200/10s"),
                rateLimit(r, "ORDERLY_RATE_VERIFY_PER_CHALLENGE", "10/1m"),
                trustedProxies(r),
                secret(r, "ORDERLY_PII_HASH_KEY"),
                secret(r, "ORDERLY_PHONE_KEYS"));
    }

    /**
     * {@code ORDERLY_TRUSTED_PROXIES}, or the older {@code ORDERLY_TRUST_FORWARDED_FOR=true} (believes any
     * peer's header; kept so that existing set-ups start, with a warning); not both.
     */
    private static TrustedProxies trustedProxies(Settings.Reader r) {
        Optional<String> list = r.optionalText("ORDERLY_TRUSTED_PROXIES");
        boolean anyPeer = r.bool("ORDERLY_TRUST_FORWARDED_FOR", false);
        if (list.isPresent() && anyPeer) {
            throw new Settings.InvalidSettingException("set ORDERLY_TRUSTED_PROXIES or ORDERLY_TRUST_FORWARDED_FOR=true, not both:"
                    + " ORDERLY_TRUSTED_PROXIES alone believes X-Forwarded-For only from the proxies it lists");
        }
        if (anyPeer) {
            LoggerFactory.getLogger(IdentitySettings.class).warn("ORDERLY_TRUST_FORWARDED_FOR=true believes X-Forwarded-For from anyone"
                    + " who reaches this node; behind a proxy set ORDERLY_TRUSTED_PROXIES to its addresses instead (e.g. 127.0.0.1/32)");
            return TrustedProxies.anyPeer();
        }
        if (list.isEmpty()) {
            return TrustedProxies.none();
        }
        try {
            return TrustedProxies.from(list.get());
        } catch (IllegalArgumentException e) {
            throw new Settings.InvalidSettingException("ORDERLY_TRUSTED_PROXIES=" + list.get() + ": " + e.getMessage()
                    + " (a comma-separated list of networks, e.g. 127.0.0.1/32,10.0.0.0/8)");
        }
    }

    private static RateLimit rateLimit(Settings.Reader r, String name, String fallback) {
        String text = r.text(name, fallback);
        try {
            return RateLimit.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Settings.InvalidSettingException(name + "=" + text + " is not a rate limit such as " + fallback
                    + " (burst/period, period in s, m or h)");
        }
    }

    /** The value of {@code name}, or the content of the file {@code name_FILE} names; not both. */
    private static Optional<String> secret(Settings.Reader r, String name) {
        Optional<String> direct = r.optionalText(name);
        Optional<String> file = r.optionalText(name + "_FILE");
        if (direct.isPresent() && file.isPresent()) {
            throw new Settings.InvalidSettingException("set " + name + " or " + name + "_FILE, not both");
        }
        if (file.isEmpty()) {
            return direct;
        }
        try {
            String content = Files.readString(Path.of(file.get())).trim();
            if (content.isEmpty()) {
                throw new Settings.InvalidSettingException(name + "_FILE=" + file.get() + " is empty");
            }
            return Optional.of(content);
        } catch (IOException e) {
            throw new Settings.InvalidSettingException(name + "_FILE=" + file.get() + " cannot be read: " + e.getClass().getSimpleName());
        }
    }
}
