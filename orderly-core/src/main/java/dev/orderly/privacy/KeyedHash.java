package dev.orderly.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed one-way hash (HMAC-SHA256) of a piece of personal data, so that it can be matched
 * without being kept.
 *
 * <p>Why keyed: a resident registration number has about 10^10 plausible values and a mobile
 * number 10^8; an unkeyed hash of either is reversed by trying them all in minutes. Without the
 * key nobody can test a guess against a stolen table.
 *
 * <p>A {@code purpose} is mixed into every hash, so the hash of a phone number never equals the
 * hash of the same digits used as anything else, and one table's hashes cannot be joined with
 * another's. The key cannot be rotated without the original values: a new key means re-importing
 * the registry from its source (see the README).
 *
 * <p>Thread-safe; each thread keeps its own {@link Mac}.
 */
public final class KeyedHash {

    /** The smallest key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;
    private final String purpose;
    private final byte[] prefix;
    private final ThreadLocal<Mac> mac;

    /**
     * @param key     the secret, at least {@link #MIN_KEY_BYTES} bytes
     * @param purpose what is hashed, e.g. {@code "resident-number"}; 1-64 characters
     */
    public KeyedHash(byte[] key, String purpose) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a hash key needs at least " + MIN_KEY_BYTES + " bytes, this one has " + key.length);
        }
        if (purpose == null || purpose.isEmpty() || purpose.length() > 64) {
            throw new IllegalArgumentException("purpose must have 1-64 characters");
        }
        this.key = key.clone();
        this.purpose = purpose;
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        this.prefix = java.util.Arrays.copyOf(p, p.length + 1);
        this.mac = ThreadLocal.withInitial(() -> newMac(this.key));
    }

    /** The same key for another purpose. */
    public KeyedHash forPurpose(String otherPurpose) {
        return new KeyedHash(key, otherPurpose);
    }

    /** The 32-byte hash of {@code value} (UTF-8) for this purpose. */
    public byte[] of(String value) {
        Objects.requireNonNull(value, "value");
        Mac m = mac.get();
        m.update(prefix);
        return m.doFinal(value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #of} as base64url without padding: fit for map keys and text columns. */
    public String text(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(of(value));
    }

    /**
     * A value that tells keys apart without revealing them: the hash of a fixed label. Stored
     * beside the data, it lets a start with the wrong key fail at once instead of matching nobody.
     */
    public byte[] checkValue() {
        return new KeyedHash(key, "orderly-key-check").of("orderly");
    }

    public String purpose() {
        return purpose;
    }

    @Override
    public String toString() {
        return "KeyedHash[" + purpose + "]";
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(new SecretKeySpec(key, ALGORITHM));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
        }
    }

    /** Whether two hashes are equal, compared in constant time. */
    public static boolean same(byte[] a, byte[] b) {
        return a != null && b != null && java.security.MessageDigest.isEqual(a, b);
    }
}
