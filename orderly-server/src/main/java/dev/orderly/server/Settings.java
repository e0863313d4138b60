package dev.orderly.server;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting Orderly reads, from environment variables (or the same names given as
 * {@code -Dorderly.*} system properties, lower-case with dots, e.g. {@code -Dorderly.http.port}).
 * A value that does not parse, or is out of range, stops the start with a message naming it.
 * The README lists them all; keep the two in step.
 */
public record Settings(
        String httpHost,
        int httpPort,
        Optional<String> databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        int eventLoops,
        boolean nativeTransport,
        Path dataDir,
        boolean demo,
        int demoPeople,
        int demoClinics,
        long demoSeed,
        double identityGateRate,
        double bookingGateRate,
        GateOpening gateOpening,
        Duration passLifetime,
        Duration sessionLifetime,
        Duration codeLifetime,
        int codeMaxTries,
        int bookingHorizonDays,
        boolean secureCookies,
        int maxBodyBytes,
        Optional<String> signingKeys,
        Optional<String> operatorToken,
        Optional<String> passKeys,
        Optional<String> redisUrl,
        String redisPrefix,
        boolean redisCluster,
        IdentitySettings identity,
        int bookingLanes,
        int bookingMaxBatch,
        Duration searchCacheFor,
        int maxUploadBytes,
        Duration standbyClaimWindow,
        LeaveTheLineSettings leaveTheLine,
        Optional<java.time.LocalTime> leftoverAutoReleaseAfter,
        WatchSettings watch,
        Duration drain,
        Optional<Duration> claimGrace,
        FhirSettings fhir) {

    private static final java.util.regex.Pattern REDIS_NODE = java.util.regex.Pattern.compile("rediss?://[^,\\s]+");

    public Settings {
        if (redisCluster && redisUrl.isEmpty()) {
            throw new InvalidSettingException("ORDERLY_REDIS_CLUSTER=true needs ORDERLY_REDIS_URL: the cluster's nodes, e.g."
                    + " redis://10.0.0.1:6379,redis://10.0.0.2:6379");
        }
        redisUrl.ifPresent(url -> {
            List<String> nodes = java.util.Arrays.stream(url.split(",", -1)).map(String::strip).toList();
            if (nodes.size() > 1 && !redisCluster) {
                throw new InvalidSettingException("ORDERLY_REDIS_URL='" + masked(url) + "' lists " + nodes.size()
                        + " nodes: several nodes are a Redis Cluster, set ORDERLY_REDIS_CLUSTER=true (or give one URL)");
            }
            nodes.stream().filter(n -> !REDIS_NODE.matcher(n).matches()).findFirst().ifPresent(bad -> {
                throw new InvalidSettingException("ORDERLY_REDIS_URL='" + masked(url) + "': '" + masked(bad)
                        + "' is not a Redis URL like redis://host:port" + (redisCluster ? " (cluster nodes are separated by commas)" : ""));
            });
        });
        if (identity.sessionIdle().compareTo(sessionLifetime) > 0) {
            throw new InvalidSettingException("ORDERLY_SESSION_IDLE_MINUTES=" + identity.sessionIdle().toMinutes()
                    + " is longer than ORDERLY_SESSION_LIFETIME_MINUTES=" + sessionLifetime.toMinutes());
        }
    }

    @Override
    public String toString() {
        // Never print secrets: the database password and signing keys are shown as set or not.
        return "Settings[http=" + httpHost + ":" + httpPort + ", database=" + databaseUrl.orElse("embedded in " + dataDir)
                + ", demo=" + demo + " (" + demoPeople + " people, " + demoClinics + " clinics, seed " + demoSeed + ")"
                + ", identityGateRate=" + identityGateRate + "/s, bookingGateRate=" + bookingGateRate + "/s, gateOpening=" + gateOpening
                + ", passLifetime=" + passLifetime + ", leaveTheLine=" + leaveTheLine
                + ", sessionLifetime=" + sessionLifetime + ", codeLifetime=" + codeLifetime + ", codeMaxTries=" + codeMaxTries
                + ", bookingHorizonDays=" + bookingHorizonDays + ", secureCookies=" + secureCookies
                + ", maxBodyBytes=" + maxBodyBytes + ", signingKeys=" + (signingKeys.isPresent() ? "set" : "from data folder")
                + ", operatorToken=" + (operatorToken.isPresent() ? "set" : "from data folder")
                + ", passKeys=" + (passKeys.isPresent() ? "set" : "from data folder")
                + ", gateStore=" + redisUrl.map(u -> (redisCluster ? "redis cluster " : "redis ") + masked(u) + " prefix " + redisPrefix)
                        .orElse("in memory") + ", " + identity
                + ", bookingLanes=" + bookingLanes + ", bookingMaxBatch=" + bookingMaxBatch + ", searchCacheFor=" + searchCacheFor
                + ", maxUploadBytes=" + maxUploadBytes + ", standbyClaimWindow=" + standbyClaimWindow
                + ", leftoverAutoReleaseAfter=" + leftoverAutoReleaseAfter.map(Object::toString).orElse("off")
                + ", " + watch + ", drain=" + drain
                + ", claimGrace=" + claimGrace.map(Object::toString).orElse("off (unclaimed tickets keep their places)") + ", " + fhir + "]";
    }

    /** The Redis nodes to connect to: the one URL, or a cluster's seed nodes. */
    public List<String> redisNodes() {
        return redisUrl.map(u -> java.util.Arrays.stream(u.split(",")).map(String::strip).toList()).orElse(List.of());
    }

    /** A Redis URL with its password hidden. */
    private static String masked(String url) {
        return url.replaceAll("//[^@/,]*@", "//***@");
    }

    /** The settings from this process's environment and system properties. */
    public static Settings fromEnvironment() {
        Map<String, String> values = new LinkedHashMap<>(System.getenv());
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("orderly.")) {
                values.put(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), v.toString());
            }
        });
        return from(values);
    }

    /** The settings from {@code env}; names as in the README, e.g. {@code ORDERLY_HTTP_PORT}. */
    public static Settings from(Map<String, String> env) {
        Reader r = new Reader(env);
        return new Settings(
                r.text("ORDERLY_HTTP_HOST", "127.0.0.1"),
                r.integer("ORDERLY_HTTP_PORT", 8080, 0, 65535),
                r.optionalText("ORDERLY_DATABASE_URL"),
                r.text("ORDERLY_DATABASE_USER", "postgres"),
                r.text("ORDERLY_DATABASE_PASSWORD", ""),
                r.integer("ORDERLY_DATABASE_POOL_SIZE", 16, 1, 1000),
                // One event loop per core, not Vert.x's two: a request hops from its loop to a virtual
                // thread and back, and every idle loop it wakes costs a context switch (issue #17: 9 %
                // of Orderly's CPU per walk on 2 cores, docs/benchmarks.md).
                r.integer("ORDERLY_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 1024),
                // Netty's epoll transport where it loads (Linux on x86-64), NIO elsewhere or when off.
                r.bool("ORDERLY_NATIVE_TRANSPORT", true),
                Path.of(r.text("ORDERLY_DATA_DIR", "orderly-data")),
                r.bool("ORDERLY_DEMO", true),
                r.integer("ORDERLY_DEMO_PEOPLE", 200_000, 10, 50_000_000),
                r.integer("ORDERLY_DEMO_CLINICS", 2_000, 17, 1_000_000),
                r.integer("ORDERLY_DEMO_SEED", 20210726, Integer.MIN_VALUE, Integer.MAX_VALUE),
                r.decimal("ORDERLY_GATE_IDENTITY_RATE", 50, 0.001, 1_000_000),
                r.decimal("ORDERLY_GATE_BOOKING_RATE", 50, 0.001, 1_000_000),
                new GateOpening(r.instant("ORDERLY_GATES_OPEN_AT"),
                        Duration.ofMinutes(r.integer("ORDERLY_GATES_PRE_QUEUE_MINUTES", 0, 0, 10_080))),
                Duration.ofSeconds(r.integer("ORDERLY_PASS_LIFETIME_SECONDS", 600, 10, 86_400)),
                Duration.ofMinutes(r.integer("ORDERLY_SESSION_LIFETIME_MINUTES", 30, 1, 1_440)),
                Duration.ofSeconds(r.integer("ORDERLY_CODE_LIFETIME_SECONDS", 180, 30, 3_600)),
                r.integer("ORDERLY_CODE_MAX_TRIES", 5, 1, 20),
                r.integer("ORDERLY_BOOKING_HORIZON_DAYS", 14, 1, 90),
                r.bool("ORDERLY_SECURE_COOKIES", false),
                r.integer("ORDERLY_MAX_BODY_BYTES", 16_384, 256, 10_485_760),
                r.optionalText("ORDERLY_SIGNING_KEYS"),
                r.optionalText("ORDERLY_OPERATOR_TOKEN"),
                r.optionalText("ORDERLY_PASS_KEYS"),
                r.optionalText("ORDERLY_REDIS_URL"),
                r.text("ORDERLY_REDIS_PREFIX", "orderly"),
                r.bool("ORDERLY_REDIS_CLUSTER", false),
                IdentitySettings.from(r),
                r.integer("ORDERLY_BOOKING_LANES", 4, 0, 64),
                r.integer("ORDERLY_BOOKING_MAX_BATCH", 256, 1, 10_000),
                Duration.ofMillis(r.integer("ORDERLY_SEARCH_CACHE_MILLIS", 1_000, 0, 60_000)),
                r.integer("ORDERLY_MAX_UPLOAD_BYTES", 8_388_608, 1_024, 104_857_600),
                Duration.ofMinutes(r.integer("ORDERLY_STANDBY_CLAIM_MINUTES", 10, 1, 120)),
                LeaveTheLineSettings.from(r),
                timeOfDay("ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER", r.text("ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER", "")),
                WatchSettings.from(r),
                Duration.ofSeconds(r.integer("ORDERLY_DRAIN_SECONDS", 0, 0, 3_600)),
                claimGrace(r.integer("ORDERLY_GATE_CLAIM_GRACE_SECONDS", 10, -1, 3_600)),
                FhirSettings.from(r));

    }

    /** -1 turns passing over off; otherwise the grace in seconds. */
    private static Optional<Duration> claimGrace(int seconds) {
        return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }

    /** A time of day in Seoul as HH:MM, or nothing when empty (the feature is off). */
    private static Optional<java.time.LocalTime> timeOfDay(String name, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
            throw new InvalidSettingException(name + "=" + value + " must be a time of day in Seoul as HH:MM (e.g. 16:00), or empty for off");
        }
        return Optional.of(java.time.LocalTime.parse(value));
    }


    /**
     * When the gates created at start open ({@code opensAt} empty: at once), and for how long
     * before that they take joins into the pre-queue. Gates that already exist (in Redis) keep
     * their own times.
     */
    public record GateOpening(Optional<Instant> opensAt, Duration preQueue) {
    }

    /** A setting has a value that cannot be used. */
    public static final class InvalidSettingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidSettingException(String message) {
            super(message);
        }
    }

    record Reader(Map<String, String> env) {

        Optional<String> optionalText(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        String text(String name, String fallback) {
            return optionalText(name).orElse(fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> v = optionalText(name);
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(v.get().replace("_", ""));
                if (parsed < min || parsed > max) {
                    throw new InvalidSettingException(name + "=" + v.get() + " is out of range " + min + ".." + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name + "=" + v.get() + " is not a whole number");
            }
        }

        double decimal(String name, double fallback, double min, double max) {
            Optional<String> v = optionalText(name);
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                double parsed = Double.parseDouble(v.get());
                if (!(parsed >= min && parsed <= max)) {
                    throw new InvalidSettingException(name + "=" + v.get() + " is out of range " + min + ".." + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name + "=" + v.get() + " is not a number");
            }
        }

        /** An ISO-8601 date and time with its offset, e.g. {@code 2021-07-26T20:00:00+09:00}. */
        Optional<Instant> instant(String name) {
            return optionalText(name).map(v -> {
                try {
                    return OffsetDateTime.parse(v).toInstant();
                } catch (DateTimeParseException e) {
                    throw new InvalidSettingException(name + "=" + v + " is not a date and time with an offset, such as 2021-07-26T20:00:00+09:00");
                }
            });
        }

        boolean bool(String name, boolean fallback) {
            Optional<String> v = optionalText(name);
            if (v.isEmpty()) {
                return fallback;
            }
            return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "1", "on" -> true;
                case "false", "no", "0", "off" -> false;
                default -> throw new InvalidSettingException(name + "=" + v.get() + " is not true or false");
            };
        }
    }
}
