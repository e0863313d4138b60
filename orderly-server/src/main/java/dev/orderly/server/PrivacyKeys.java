package dev.orderly.server;

import dev.orderly.privacy.EncryptionKeys;
import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.server.postgres.PostgresKeyRecords;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The secrets that protect personal data, and what each is for:
 * <ul>
 *   <li>the hash key ({@code ORDERLY_PII_HASH_KEY}): keyed hashes of resident registration numbers
 *       and phone numbers, for matching without keeping them, and of one-time codes. It cannot be
 *       rotated without re-importing the registry from its source;</li>
 *   <li>the phone keys ({@code ORDERLY_PHONE_KEYS}, {@code id:base64,...}, the first seals): AES-256
 *       keys that seal phone numbers; rotated by putting a new key first and running
 *       {@code reseal-phones}.</li>
 * </ul>
 * Each comes from its setting, or the file its {@code _FILE} setting names, never from the
 * repository. A demo run without them generates its own into the data folder and says so; any
 * other run refuses to start without them, because keys generated per node would differ between
 * nodes and nobody would match.
 */
public final class PrivacyKeys {

    private static final String HASH_KEY_ID = "default";

    private final KeyedHash secret;
    private final KeyedHash residentNumbers;
    private final KeyedHash phones;
    private final FieldCipher phoneCipher;

    public PrivacyKeys(KeyedHash secret, FieldCipher phoneCipher) {
        this.secret = secret;
        this.residentNumbers = secret.forPurpose("resident-number");
        this.phones = secret.forPurpose("phone");
        this.phoneCipher = phoneCipher;
    }

    /**
     * The key of the pseudonymous patient ids sent to the FHIR registry: the hash key for the purpose
     * {@code fhir-patient}, so no new secret is needed and the same person gets the same id on every node.
     */
    public KeyedHash patientPseudonyms() {
        return secret.forPurpose("fhir-patient");
    }

    /** The keys from the settings (or, in demo runs, the data folder). */
    public static PrivacyKeys load(IdentitySettings settings, Path dataDir, boolean demo, SecureRandom random) {
        String hashKey = settings.piiHashKey().or(() -> generatedInDemo(demo, dataDir, "pii-hash.key", DataDirSecrets::randomBase64,
                "ORDERLY_PII_HASH_KEY")).orElseThrow(() -> missing("ORDERLY_PII_HASH_KEY"));
        String phoneKeys = settings.phoneKeys().or(() -> generatedInDemo(demo, dataDir, "phone.keys",
                () -> "p1:" + DataDirSecrets.randomBase64(), "ORDERLY_PHONE_KEYS")).orElseThrow(() -> missing("ORDERLY_PHONE_KEYS"));
        return new PrivacyKeys(parseHashKey(hashKey), new FieldCipher(parsePhoneKeys(phoneKeys), "phone", random));
    }

    private static Optional<String> generatedInDemo(boolean demo, Path dataDir, String file, java.util.function.Supplier<String> generate,
                                                    String setting) {
        return demo ? Optional.of(DataDirSecrets.load(Optional.empty(), dataDir, file, generate, setting)) : Optional.empty();
    }

    private static Settings.InvalidSettingException missing(String setting) {
        return new Settings.InvalidSettingException(setting + " (or " + setting + "_FILE) must be set when ORDERLY_DEMO=false: "
                + "a key generated into one node's data folder would differ from the other nodes' keys");
    }

    static KeyedHash parseHashKey(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new Settings.InvalidSettingException("ORDERLY_PII_HASH_KEY is not valid base64");
        }
        if (key.length < KeyedHash.MIN_KEY_BYTES) {
            throw new Settings.InvalidSettingException("ORDERLY_PII_HASH_KEY has " + key.length + " bytes; at least "
                    + KeyedHash.MIN_KEY_BYTES + " are needed");
        }
        return new KeyedHash(key, "orderly");
    }

    static EncryptionKeys parsePhoneKeys(String spec) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String first = null;
        for (String part : spec.trim().split(",")) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new Settings.InvalidSettingException("ORDERLY_PHONE_KEYS: each key must be id:base64");
            }
            String id = part.substring(0, colon).trim();
            try {
                if (keys.put(id, Base64.getDecoder().decode(part.substring(colon + 1).trim())) != null) {
                    throw new Settings.InvalidSettingException("ORDERLY_PHONE_KEYS: key id '" + id + "' appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new Settings.InvalidSettingException("ORDERLY_PHONE_KEYS: key '" + id + "' is not valid base64");
            }
            first = first == null ? id : first;
        }
        try {
            return new EncryptionKeys(first, keys);
        } catch (IllegalArgumentException e) {
            throw new Settings.InvalidSettingException("ORDERLY_PHONE_KEYS: " + e.getMessage());
        }
    }

    /**
     * Checks the keys against the ones the database was written with, and records the ones it
     * had not seen: the hash key, and the current phone key. Fails, naming the setting, when the
     * hash key differs or a phone key that sealed some rows is not configured.
     */
    public void checkAgainst(PostgresKeyRecords records) {
        if (!records.recordOrMatch("hash", HASH_KEY_ID, secret.checkValue())) {
            throw new Settings.InvalidSettingException("ORDERLY_PII_HASH_KEY is not the key this database was written with; "
                    + "with it nobody would match. Use the original key, or import the registry into an empty database");
        }
        String current = phoneCipher.currentKeyId();
        Set<String> needed = new TreeSet<>();
        Set<String> wrong = new TreeSet<>();
        if (!records.recordOrMatch("phone", current, phoneCipher.checkValue(current))) {
            wrong.add(current);
        }
        records.recorded("phone").forEach((id, checkValue) -> {
            if (!phoneCipher.keys().ids().contains(id)) {
                needed.add(id);
            } else if (!MessageDigest.isEqual(phoneCipher.checkValue(id), checkValue)) {
                wrong.add(id);
            }
        });
        if (!wrong.isEmpty()) {
            throw new Settings.InvalidSettingException("ORDERLY_PHONE_KEYS: key(s) " + wrong
                    + " are not the keys of those ids that sealed the phone numbers in this database");
        }
        if (!needed.isEmpty()) {
            throw new Settings.InvalidSettingException("ORDERLY_PHONE_KEYS lacks key(s) " + needed + " that sealed phone numbers in this "
                    + "database; list them after the current key until reseal-phones has moved every number to the current one");
        }
    }

    /** The server secret, for purposes of one's own ({@link KeyedHash#forPurpose}). */
    public KeyedHash secret() {
        return secret;
    }

    /** Keyed hashes of resident registration numbers (13 digits). */
    public KeyedHash residentNumbers() {
        return residentNumbers;
    }

    /** Keyed hashes of phone numbers (digits only). */
    public KeyedHash phones() {
        return phones;
    }

    public FieldCipher phoneCipher() {
        return phoneCipher;
    }

    @Override
    public String toString() {
        return "PrivacyKeys[phone keys " + phoneCipher.keys() + "]";
    }
}
