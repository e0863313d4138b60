package dev.orderly.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigningKeysTest {

    private static final byte[] GOOD = new byte[32];

    @Test
    void theCurrentKeyMustBeAmongTheKeys() {
        assertThatThrownBy(() -> new SigningKeys("k2", Map.of("k1", GOOD)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k2'");
    }

    @Test
    void aSecretShorterThan32BytesIsRefusedWithItsLength() {
        assertThatThrownBy(() -> new SigningKeys("k1", Map.of("k1", new byte[31])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("31 bytes");
    }

    @Test
    void aKeyIdThatCouldNotSitInATokenIsRefused() {
        for (String id : new String[] {"k.1", "", "k 1", "x".repeat(33), "키"}) {
            assertThatThrownBy(() -> new SigningKeys(id, Map.of(id, GOOD)))
                    .as(id)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void randomKeysSignTokensThatVerify() {
        SigningKeys keys = SigningKeys.random("demo", new SecureRandom());
        HmacTokenSigner signer = new HmacTokenSigner(keys, "test");

        assertThat(keys.currentKeyId()).isEqualTo("demo");
        assertThat(signer.verify(signer.sign("payload"))).contains("payload");
    }
}
