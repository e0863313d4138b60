package dev.orderly.server;

import dev.orderly.token.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the token-signing secret comes from: {@code ORDERLY_SIGNING_KEYS} when set
 * ({@code id:base64,id:base64,...}, the first signs), else the file {@code signing.key} in the
 * data folder, else a new random key written to that file (a demo run makes its own and says so).
 * Keeping it across restarts keeps every waiting person's ticket valid.
 */
final class SigningKeyFile {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyFile.class);

    private SigningKeyFile() {
    }

    static SigningKeys load(Optional<String> configured, Path dataDir) {
        if (configured.isPresent()) {
            return parse(configured.get(), "ORDERLY_SIGNING_KEYS");
        }
        Path file = dataDir.resolve("signing.key");
        try {
            if (Files.exists(file)) {
                return parse(Files.readString(file).trim(), file.toString());
            }
            Files.createDirectories(dataDir);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String line = "k1:" + Base64.getEncoder().encodeToString(secret);
            Files.writeString(file, line + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                LOG.warn("could not restrict permissions of {}", file);
            }
            LOG.info("generated a new signing key in {} (set ORDERLY_SIGNING_KEYS to provide your own)", file.toAbsolutePath());
            return parse(line, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write the signing key " + file.toAbsolutePath(), e);
        }
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
