package dev.orderly.privacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * AES-256 keys by key id. New values are sealed with the current key; values sealed with any key
 * still listed can be opened, so a key is rotated by putting a new one first, re-sealing the old
 * values, and only then dropping the old key.
 *
 * @param currentKeyId the id of the key new values are sealed with
 * @param keys         key id to secret; each secret exactly 32 bytes; ids 1-32 of A-Z a-z 0-9 _ -
 */
public record EncryptionKeys(String currentKeyId, Map<String, byte[]> keys) {

    /** Bytes in every key: AES-256. */
    public static final int KEY_BYTES = 32;

    public EncryptionKeys {
        Objects.requireNonNull(currentKeyId, "currentKeyId");
        keys = Map.copyOf(keys);
        if (!keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("current key id '" + currentKeyId + "' is not among the keys " + keys.keySet());
        }
        keys.forEach((id, secret) -> {
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("key id '" + id + "' must be 1-32 of A-Z a-z 0-9 _ -");
            }
            if (secret.length != KEY_BYTES) {
                throw new IllegalArgumentException("key '" + id + "' has " + secret.length + " bytes; AES-256 needs exactly " + KEY_BYTES);
            }
        });
    }

    /** One key {@code keyId} with a fresh random secret. */
    public static EncryptionKeys random(String keyId, java.security.SecureRandom random) {
        byte[] secret = new byte[KEY_BYTES];
        random.nextBytes(secret);
        Map<String, byte[]> keys = new LinkedHashMap<>();
        keys.put(keyId, secret);
        return new EncryptionKeys(keyId, keys);
    }

    public Set<String> ids() {
        return keys.keySet();
    }

    Optional<byte[]> byId(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public String toString() {
        return "EncryptionKeys[current=" + currentKeyId + ", ids=" + keys.keySet() + "]";
    }
}
