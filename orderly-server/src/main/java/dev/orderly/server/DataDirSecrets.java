package dev.orderly.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets a run needs: from configuration when given, else from a file in the data folder, else
 * newly generated into that file (readable by the owner only) so the next start finds the same one.
 * A demo run thus makes its own secrets and says so; a deployment passes them in.
 */
final class DataDirSecrets {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirSecrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private DataDirSecrets() {
    }

    /** 32 random bytes, base64 (standard alphabet). */
    static String randomBase64() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    /** 32 random bytes, base64url without padding: fit for a bearer token. */
    static String randomToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * The configured value if present, else the content of {@code dataDir/fileName}, else a new
     * value from {@code generate} written there.
     *
     * @param settingName the setting that provides it, named in the log when a file is generated
     */
    static String load(Optional<String> configured, Path dataDir, String fileName, java.util.function.Supplier<String> generate,
                       String settingName) {
        if (configured.isPresent()) {
            return configured.get();
        }
        Path file = dataDir.resolve(fileName);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            String value = generate.get();
            if (!OwnerOnlyFiles.write(file, value + "\n")) {
                LOG.warn("could not restrict permissions of {}", file);
            }
            LOG.info("generated {} (set {} to provide your own)", file.toAbsolutePath(), settingName);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write " + file.toAbsolutePath(), e);
        }
    }
}
