package dev.orderly.token;

import java.util.Map;

/** Signing keys for tests: fixed secrets, so a failure reproduces with the same tokens. */
public final class TestKeys {

    private TestKeys() {
    }

    /** One key {@code keyId} whose 32-byte secret is derived from {@code seed}. */
    public static SigningKeys fixed(String keyId, int seed) {
        return new SigningKeys(keyId, Map.of(keyId, secret(seed)));
    }

    /** A 32-byte secret derived from {@code seed}; different seeds give different secrets. */
    public static byte[] secret(int seed) {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return secret;
    }
}
