package dev.orderly.token;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * HMAC keys by key id. New tokens are signed with the current key; tokens signed with any key
 * still listed verify, so a key can be rotated without dropping anyone in line.
 *
 * @param currentKeyId the id of the key new tokens are signed with
 * @param keys         key id to secret; each secret at least 32 bytes
 */
public record SigningKeys(String currentKeyId, Map<String, byte[]> keys) {

    private static final int MIN_KEY_BYTES = 32;

    public SigningKeys {
        Objects.requireNonNull(currentKeyId, "currentKeyId");
        keys = Map.copyOf(keys);
        if (!keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("current key id '" + currentKeyId + "' is not among the keys " + keys.keySet());
        }
        keys.forEach((id, secret) -> {
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("key id '" + id + "' must be 1-32 of A-Z a-z 0-9 _ -");
            }
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("key '" + id + "' has " + secret.length + " bytes; at least " + MIN_KEY_BYTES + " are needed");
            }
        });
    }

    /** One key with a fresh random secret: for demo runs and tests. */
    public static SigningKeys random(String keyId, SecureRandom random) {
        byte[] secret = new byte[MIN_KEY_BYTES];
        random.nextBytes(secret);
        Map<String, byte[]> keys = new LinkedHashMap<>();
        keys.put(keyId, secret);
        return new SigningKeys(keyId, keys);
    }

    byte[] current() {
        return keys.get(currentKeyId);
    }

    Optional<byte[]> byId(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }
}
