package dev.orderly.server;

import dev.orderly.privacy.EncryptionKeys;
import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.server.registry.RegistryImporter;
import dev.orderly.token.TestKeys;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fixed personal-data keys for tests, so a failure reproduces with the same hashes. */
public final class TestPrivacy {

    private TestPrivacy() {
    }

    /** Keys with hash secret {@code seed} and phone keys {@code ids} (the first seals), each derived from its id. */
    public static PrivacyKeys keys(int seed, String... phoneKeyIds) {
        Map<String, byte[]> phoneKeys = new LinkedHashMap<>();
        for (String id : phoneKeyIds) {
            phoneKeys.put(id, TestKeys.secret(id.hashCode()));
        }
        return new PrivacyKeys(new KeyedHash(TestKeys.secret(seed), "orderly"),
                new FieldCipher(new EncryptionKeys(phoneKeyIds[0], phoneKeys), "phone", new SecureRandom()));
    }

    /** The default test keys: hash secret 11, phone key p1. */
    public static PrivacyKeys keys() {
        return keys(11, "p1");
    }

    public static RegistryImporter importer(PrivacyKeys keys) {
        return new RegistryImporter(keys.residentNumbers(), keys.phones(), keys.phoneCipher());
    }

    /** The settings that give an app {@code keys(seed, ids)}: for tests that restart on the same database. */
    public static Map<String, String> settings(int seed, String... phoneKeyIds) {
        StringBuilder spec = new StringBuilder();
        for (String id : phoneKeyIds) {
            spec.append(spec.isEmpty() ? "" : ",").append(id).append(':')
                    .append(Base64.getEncoder().encodeToString(TestKeys.secret(id.hashCode())));
        }
        return Map.of("ORDERLY_PII_HASH_KEY", Base64.getEncoder().encodeToString(TestKeys.secret(seed)),
                "ORDERLY_PHONE_KEYS", spec.toString());
    }
}
