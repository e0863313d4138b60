package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.ratelimit.RateLimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The identity settings: defaults, parsing, secrets from a file, and keys that must be given outside demo runs. */
class IdentitySettingsTest {

    private static Settings from(Map<String, String> env) {
        return Settings.from(new HashMap<>(env));
    }

    private static String key(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        IdentitySettings s = from(Map.of()).identity();

        assertThat(s.sessionIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.codesPerPersonPerDay()).isEqualTo(5);
        assertThat(s.codesPerPhonePerDay()).isEqualTo(10);
        assertThat(s.joinPerAddress()).isEqualTo(RateLimit.parse("400/10s"));
        assertThat(s.challengePerAddress()).isEqualTo(RateLimit.parse("100/10s"));
        assertThat(s.challengePerPhone()).isEqualTo(RateLimit.parse("3/1m"));
        assertThat(s.verifyPerAddress()).isEqualTo(RateLimit.parse("200/10s"));
        assertThat(s.verifyPerChallenge()).isEqualTo(RateLimit.parse("10/1m"));
        assertThat(s.trustedProxies().believesHeaders()).isFalse();
        assertThat(s.piiHashKey()).isEmpty();
        assertThat(s.phoneKeys()).isEmpty();
    }

    @Test
    void aBadValueStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> from(Map.of("ORDERLY_RATE_JOIN_PER_ADDRESS", "lots"))).isInstanceOf(Settings.InvalidSettingException.class)
                .hasMessageContaining("ORDERLY_RATE_JOIN_PER_ADDRESS=lots");
        assertThatThrownBy(() -> from(Map.of("ORDERLY_CODE_DAILY_PER_PERSON", "0"))).hasMessageContaining("ORDERLY_CODE_DAILY_PER_PERSON=0");
        assertThatThrownBy(() -> from(Map.of("ORDERLY_SESSION_IDLE_MINUTES", "45")))
                .hasMessageContaining("ORDERLY_SESSION_IDLE_MINUTES=45").hasMessageContaining("ORDERLY_SESSION_LIFETIME_MINUTES=30");
    }

    @Test
    void trustedProxiesAreAValidatedListAndTheOlderSwitchStillStartsButNotBesideIt() {
        assertThat(from(Map.of("ORDERLY_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8")).identity().trustedProxies().client("10.1.2.3",
                "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(from(Map.of("ORDERLY_TRUST_FORWARDED_FOR", "true")).identity().trustedProxies().client("198.51.100.1",
                "203.0.113.9")).isEqualTo("203.0.113.9");
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0.1/8", "proxy.example", "127.0.0.1,", "::1/129"}) {
            assertThatThrownBy(() -> from(Map.of("ORDERLY_TRUSTED_PROXIES", bad))).as(bad)
                    .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_TRUSTED_PROXIES=" + bad);
        }
        assertThatThrownBy(() -> from(Map.of("ORDERLY_TRUSTED_PROXIES", "127.0.0.1", "ORDERLY_TRUST_FORWARDED_FOR", "true")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("not both");
    }

    @Test
    void aSecretComesFromTheSettingOrFromTheFileItsFileSettingNames() throws Exception {
        Path file = Files.createTempFile("pii", ".key");
        Files.writeString(file, key(32) + "\n");

        assertThat(from(Map.of("ORDERLY_PII_HASH_KEY_FILE", file.toString())).identity().piiHashKey()).contains(key(32));
        assertThat(from(Map.of("ORDERLY_PHONE_KEYS", "p1:" + key(32))).identity().phoneKeys()).contains("p1:" + key(32));
        assertThatThrownBy(() -> from(Map.of("ORDERLY_PII_HASH_KEY", key(32), "ORDERLY_PII_HASH_KEY_FILE", file.toString())))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> from(Map.of("ORDERLY_PHONE_KEYS_FILE", "/nonexistent/phone.keys")))
                .hasMessageContaining("ORDERLY_PHONE_KEYS_FILE=/nonexistent/phone.keys cannot be read");
    }

    @Test
    void theSettingsPrintNoSecret() {
        String printed = from(Map.of("ORDERLY_PII_HASH_KEY", key(32), "ORDERLY_PHONE_KEYS", "p1:" + key(32))).toString();

        assertThat(printed).contains("piiHashKey=set").contains("phoneKeys=set").doesNotContain(key(32));
    }

    @Test
    void outsideDemoRunsTheKeysMustBeGiven() throws Exception {
        Path dir = Files.createTempDirectory("orderly-keys");
        IdentitySettings none = from(Map.of()).identity();

        assertThatThrownBy(() -> PrivacyKeys.load(none, dir, false, new SecureRandom()))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_PII_HASH_KEY (or ORDERLY_PII_HASH_KEY_FILE)");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aDemoRunGeneratesItsKeysIntoTheDataFolderAndKeepsThem() throws Exception {
        Path dir = Files.createTempDirectory("orderly-keys");
        IdentitySettings none = from(Map.of()).identity();

        PrivacyKeys first = PrivacyKeys.load(none, dir, true, new SecureRandom());
        PrivacyKeys again = PrivacyKeys.load(none, dir, true, new SecureRandom());

        assertThat(dir.resolve("pii-hash.key")).exists();
        assertThat(Files.readString(dir.resolve("phone.keys"))).startsWith("p1:");
        assertThat(again.residentNumbers().of("6405051234567")).isEqualTo(first.residentNumbers().of("6405051234567"));
        assertThat(again.phoneCipher().open("p1", first.phoneCipher().seal("01012345678").bytes())).isEqualTo("01012345678");
    }

    @Test
    void malformedKeysAreRefusedNamingTheSettingAndNotTheKey() {
        IdentitySettings shortKey = from(Map.of("ORDERLY_PII_HASH_KEY", key(16), "ORDERLY_PHONE_KEYS", "p1:" + key(32))).identity();
        IdentitySettings badPhone = from(Map.of("ORDERLY_PII_HASH_KEY", key(32), "ORDERLY_PHONE_KEYS", "p1:" + key(24))).identity();
        IdentitySettings twice = from(Map.of("ORDERLY_PII_HASH_KEY", key(32),
                "ORDERLY_PHONE_KEYS", "p1:" + key(32) + ",p1:" + key(32))).identity();

        assertThatThrownBy(() -> PrivacyKeys.load(shortKey, Path.of("."), false, new SecureRandom()))
                .hasMessageContaining("ORDERLY_PII_HASH_KEY has 16 bytes");
        assertThatThrownBy(() -> PrivacyKeys.load(badPhone, Path.of("."), false, new SecureRandom()))
                .hasMessageContaining("ORDERLY_PHONE_KEYS").hasMessageContaining("24 bytes").hasMessageNotContaining(key(24));
        assertThatThrownBy(() -> PrivacyKeys.load(twice, Path.of("."), false, new SecureRandom())).hasMessageContaining("twice");
        assertThat(PrivacyKeys.load(from(Map.of("ORDERLY_PII_HASH_KEY", key(32), "ORDERLY_PHONE_KEYS", "p2:" + key(32) + ",p1:" + key(32)))
                .identity(), Path.of("."), false, new SecureRandom()).phoneCipher().currentKeyId()).isEqualTo("p2");
    }

    @Test
    void leftoverReleasesFromNoShowsAreOffUnlessATimeOfDayIsSet() {
        assertThat(from(Map.of()).leftoverAutoReleaseAfter()).isEmpty();
        assertThat(from(Map.of("ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER", "16:00")).leftoverAutoReleaseAfter())
                .contains(java.time.LocalTime.of(16, 0));
        for (String bad : new String[] {"16", "4pm", "24:00", "16:60", "16:00:00"}) {
            assertThatThrownBy(() -> from(Map.of("ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER", bad))).as(bad)
                    .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_LEFTOVER_AUTO_RELEASE_AFTER");
        }
    }
}
