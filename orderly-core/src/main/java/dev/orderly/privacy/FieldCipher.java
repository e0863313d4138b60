package dev.orderly.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts one field of personal data (a phone number) with AES-256-GCM, so that a copy of the
 * database, a backup or a replica holds nothing readable without the key.
 *
 * <p>Each value is sealed with a fresh random 96-bit nonce; the sealed bytes are
 * {@code nonce || ciphertext || 128-bit tag}. The key id is kept beside them (not inside) so that
 * rows sealed with a key being retired can be found. The {@code purpose} is authenticated data: a
 * value sealed as one kind of field does not open as another.
 *
 * <p>With random 96-bit nonces NIST SP 800-38D allows 2^32 seals per key; a registry of 50
 * million residents re-sealed a few times stays far below that.
 *
 * <p>Thread-safe.
 */
public final class FieldCipher {

    /** A sealed value and the id of the key that sealed it. */
    public record Sealed(String keyId, byte[] bytes) {
        @Override
        public String toString() {
            return "Sealed[" + keyId + ", " + bytes.length + " bytes]";
        }
    }

    /** A sealed value could not be opened: unknown key id, wrong key, or altered bytes. */
    public static final class CannotOpen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CannotOpen(String message) {
            super(message, null, false, false);
        }
    }

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final EncryptionKeys keys;
    private final Map<String, SecretKeySpec> specs = new HashMap<>();
    private final byte[] aad;
    private final SecureRandom random;
    // Cipher.getInstance looks the provider up each time, which costs more than the encryption of a
    // phone number; each thread keeps one instance and re-initialises it per value.
    private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(FieldCipher::newCipher);

    public FieldCipher(EncryptionKeys keys, String purpose, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        keys.ids().forEach(id -> specs.put(id, new SecretKeySpec(keys.byId(id).orElseThrow(), "AES")));
        this.aad = ("orderly:" + Objects.requireNonNull(purpose, "purpose")).getBytes(StandardCharsets.UTF_8);
        this.random = Objects.requireNonNull(random, "random");
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + TRANSFORMATION, e);
        }
    }

    /** {@code plaintext} sealed with the current key. */
    public Sealed seal(String plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = cipher.get();
            c.init(Cipher.ENCRYPT_MODE, specs.get(keys.currentKeyId()), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] ciphertext = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(keys.currentKeyId(), ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + TRANSFORMATION, e);
        }
    }

    /** The plaintext of a value sealed with key {@code keyId}. */
    public String open(String keyId, byte[] sealed) {
        SecretKeySpec key = specs.get(keyId);
        if (key == null) {
            throw new CannotOpen("no key '" + keyId + "' is configured; keys held: " + keys.ids());
        }
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new CannotOpen("sealed value is too short to be one");
        }
        try {
            Cipher c = cipher.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(aad);
            return new String(c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new CannotOpen("value sealed with key '" + keyId + "' fails authentication: wrong key or altered data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot do " + TRANSFORMATION, e);
        }
    }

    public String currentKeyId() {
        return keys.currentKeyId();
    }

    public EncryptionKeys keys() {
        return keys;
    }

    /** A value that tells key {@code keyId} apart from other keys without revealing it. */
    public byte[] checkValue(String keyId) {
        byte[] key = keys.byId(keyId).orElseThrow(() -> new IllegalArgumentException("no key '" + keyId + "'"));
        return new KeyedHash(key, "orderly-key-check").of("orderly");
    }

    @Override
    public String toString() {
        return "FieldCipher[" + keys + "]";
    }
}
