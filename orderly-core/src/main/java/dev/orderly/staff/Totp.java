package dev.orderly.staff;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time codes (RFC 6238) as every authenticator app makes them: HMAC-SHA1, 30-second
 * steps from the Unix epoch, 6 digits. A code is accepted in its own step and the steps either
 * side (a phone's clock a little off, a code typed as its step ends), and only in a step later than
 * the last one accepted for the account, so a code seen over a shoulder or in a proxy's log cannot
 * be used again.
 */
public final class Totp {

    public static final int STEP_SECONDS = 30;
    public static final int DIGITS = 6;
    /** Steps either side of the current one a code may come from. */
    public static final int WINDOW = 1;
    /** 160 bits: RFC 4226's recommended secret length for HMAC-SHA1. */
    private static final int SECRET_BYTES = 20;

    private Totp() {
    }

    /** A new random secret, base32 (what the app is given). */
    public static String newSecret(SecureRandom random) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return Base32.encode(secret);
    }

    /** The time step {@code t} falls in. */
    public static long step(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code of {@code secret} (base32) at {@code t}. */
    public static String code(String secret, Instant t) {
        return code(Base32.decode(secret), step(t), DIGITS);
    }

    /**
     * The step {@code code} belongs to, if it is the code of {@code secret} at a step within
     * {@link #WINDOW} of {@code now} and after {@code lastUsedStep}; empty otherwise. Every step of
     * the window is computed and compared in constant time, so the time taken says nothing.
     */
    public static OptionalLong match(String secret, String code, Instant now, long lastUsedStep) {
        byte[] key;
        try {
            key = Base32.decode(secret);
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        byte[] given = (code == null ? "" : code.strip()).getBytes(StandardCharsets.US_ASCII);
        long current = step(now);
        long found = -1;
        for (long s = current - WINDOW; s <= current + WINDOW; s++) {
            boolean same = MessageDigest.isEqual(code(key, s, DIGITS).getBytes(StandardCharsets.US_ASCII), given);
            if (same && s > lastUsedStep && found < 0) {
                found = s;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** The {@code otpauth://} URI an authenticator app reads (from a QR code or pasted). */
    public static String uri(String issuer, String account, String secret) {
        String label = URLEncoder.encode(issuer + ":" + account, StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8).replace("+", "%20")
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    /** RFC 4226 HOTP with dynamic truncation, {@code digits} long. */
    static String code(byte[] key, long step, int digits) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            hash = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do HmacSHA1", e);
        }
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        int modulus = 1;
        for (int i = 0; i < digits; i++) {
            modulus *= 10;
        }
        StringBuilder s = new StringBuilder(Integer.toString(binary % modulus));
        while (s.length() < digits) {
            s.insert(0, '0');
        }
        return s.toString();
    }
}
