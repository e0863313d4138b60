package dev.orderly.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts a real Orderly for a test: HTTP on a free port, a fresh database, a small demo data set
 * (2,000 residents, 60 clinics) and a fast identity gate.
 */
public final class TestApp {

    private TestApp() {
    }

    /** Settings for a test run; {@code overrides} replace the defaults given here. */
    public static Settings settings(Map<String, String> overrides) {
        try {
            Path dir = Files.createTempDirectory("orderly-test");
            Map<String, String> env = new HashMap<>();
            env.put("ORDERLY_HTTP_PORT", "0");
            env.put("ORDERLY_DATA_DIR", dir.toString());
            env.put("ORDERLY_DATABASE_URL", TestDatabase.fresh());
            env.put("ORDERLY_DEMO_PEOPLE", "2000");
            env.put("ORDERLY_DEMO_CLINICS", "60");
            env.put("ORDERLY_GATE_IDENTITY_RATE", "1000");
            // The canary walks every minute and books: tests of their own figures would see its lanes
            // and requests; the canary's own tests turn it on.
            env.put("ORDERLY_CANARY", "off");
            env.putAll(overrides);
            env.values().removeIf(v -> v == null || v.isEmpty());
            return Settings.from(env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static OrderlyApp start() {
        return start(Map.of(), Clock.systemUTC());
    }

    public static OrderlyApp start(Map<String, String> overrides, Clock clock) {
        return OrderlyApp.start(settings(overrides), clock);
    }
}
