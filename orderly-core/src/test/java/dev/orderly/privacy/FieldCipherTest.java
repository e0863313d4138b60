package dev.orderly.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.token.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldCipherTest {

    private static EncryptionKeys keys(String current, String... ids) {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (String id : ids) {
            map.put(id, TestKeys.secret(id.hashCode()));
        }
        return new EncryptionKeys(current, map);
    }

    private final FieldCipher cipher = new FieldCipher(keys("p1", "p1"), "phone", new SecureRandom());

    @Test
    void aSealedValueOpensWithItsKeyAndShowsNothingOfThePlaintext() {
        FieldCipher.Sealed sealed = cipher.seal("01012345678");

        assertThat(sealed.keyId()).isEqualTo("p1");
        assertThat(sealed.bytes()).hasSize(12 + 11 + 16);
        assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("01012345678").doesNotContain("5678");
        assertThat(cipher.open("p1", sealed.bytes())).isEqualTo("01012345678");
    }

    @Test
    void theSameValueSealsDifferentlyEachTime() {
        assertThat(cipher.seal("01012345678").bytes()).isNotEqualTo(cipher.seal("01012345678").bytes());
    }

    @Test
    void anAlteredValueOrAnotherPurposeDoesNotOpen() {
        byte[] sealed = cipher.seal("01012345678").bytes();
        byte[] altered = sealed.clone();
        altered[14] ^= 1;

        assertThatThrownBy(() -> cipher.open("p1", altered)).isInstanceOf(FieldCipher.CannotOpen.class)
                .hasMessageContaining("p1").hasMessageNotContaining("0101");
        assertThatThrownBy(() -> new FieldCipher(keys("p1", "p1"), "name", new SecureRandom()).open("p1", sealed))
                .isInstanceOf(FieldCipher.CannotOpen.class);
        assertThatThrownBy(() -> cipher.open("p1", new byte[5])).isInstanceOf(FieldCipher.CannotOpen.class);
    }

    @Test
    void afterRotationOldValuesStillOpenAndNewOnesUseTheNewKey() {
        byte[] old = cipher.seal("01012345678").bytes();
        FieldCipher rotated = new FieldCipher(keys("p2", "p2", "p1"), "phone", new SecureRandom());

        assertThat(rotated.open("p1", old)).isEqualTo("01012345678");
        assertThat(rotated.seal("01012345678").keyId()).isEqualTo("p2");
        assertThatThrownBy(() -> cipher.open("p2", rotated.seal("x").bytes())).isInstanceOf(FieldCipher.CannotOpen.class)
                .hasMessageContaining("no key 'p2'");
    }

    @Test
    void keysMustBeAes256AndAreNeverPrinted() {
        assertThatThrownBy(() -> new EncryptionKeys("a", Map.of("a", new byte[16]))).hasMessageContaining("16");
        assertThatThrownBy(() -> new EncryptionKeys("b", Map.of("a", new byte[32]))).hasMessageContaining("'b'");
        assertThatThrownBy(() -> new EncryptionKeys("a b", Map.of("a b", new byte[32]))).hasMessageContaining("a b");
        assertThat(keys("p1", "p1").toString()).isEqualTo("EncryptionKeys[current=p1, ids=[p1]]");
        assertThat(cipher.checkValue("p1")).isNotEqualTo(new FieldCipher(keys("p2", "p2"), "phone", new SecureRandom()).checkValue("p2"));
    }
}
