package dev.orderly.server;

import dev.orderly.token.SigningKeys;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the token-signing secret comes from: {@code ORDERLY_SIGNING_KEYS} when set
 * ({@code id:base64,id:base64,...}, the first signs), else the file {@code signing.key} in the
 * data folder, else a new random key written to that file (a demo run makes its own and says so).
 * Keeping it across restarts keeps every waiting person's ticket valid.
 */
final class SigningKeyFile {

    private SigningKeyFile() {
    }

    static SigningKeys load(Optional<String> configured, Path dataDir) {
        String spec = DataDirSecrets.load(configured, dataDir, "signing.key", () -> "k1:" + DataDirSecrets.randomBase64(),
                "ORDERLY_SIGNING_KEYS");
        return parse(spec, configured.isPresent() ? "ORDERLY_SIGNING_KEYS" : dataDir.resolve("signing.key").toString());
    }

    static SigningKeys parse(String spec, String source) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String first = null;
        for (String part : spec.split(",")) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new Settings.InvalidSettingException(source + ": each key must be id:base64, got '"
                        + (part.length() > 8 ? part.substring(0, 8) + "…" : part) + "'");
            }
            String id = part.substring(0, colon).trim();
            try {
                keys.put(id, Base64.getDecoder().decode(part.substring(colon + 1).trim()));
            } catch (IllegalArgumentException e) {
                throw new Settings.InvalidSettingException(source + ": key '" + id + "' is not valid base64");
            }
            if (first == null) {
                first = id;
            }
        }
        try {
            return new SigningKeys(first, keys);
        } catch (IllegalArgumentException e) {
            throw new Settings.InvalidSettingException(source + ": " + e.getMessage());
        }
    }
}
