package dev.orderly.staff;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class Argon2idPasswordsTest {

    /** Cheap parameters: the algorithm is the same, the tests stay fast. */
    static final Argon2idPasswords.Parameters CHEAP = new Argon2idPasswords.Parameters(256, 1, 1);

    private final Argon2idPasswords passwords = new Argon2idPasswords(CHEAP, new SecureRandom(), 2);

    @Test
    void theHashIsAPhcStringWithItsParametersAndVerifiesItsPasswordOnly() {
        String hash = passwords.hash("correct horse battery");

        assertThat(hash).matches("\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(passwords.verify("correct horse battery", hash)).isTrue();
        assertThat(passwords.verify("correct horse batterY", hash)).isFalse();
        assertThat(passwords.verify("", hash)).isFalse();
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertThat(passwords.hash("correct horse battery")).isNotEqualTo(passwords.hash("correct horse battery"));
    }

    @Test
    void aHashMadeWithOtherParametersStillVerifies() {
        Argon2idPasswords stronger = new Argon2idPasswords(new Argon2idPasswords.Parameters(1024, 2, 2), new SecureRandom(), 1);

        assertThat(passwords.verify("correct horse battery", stronger.hash("correct horse battery"))).isTrue();
    }

    @Test
    void theDefaultsAreOwaspsFirstChoice() {
        assertThat(Argon2idPasswords.Parameters.DEFAULT).isEqualTo(new Argon2idPasswords.Parameters(19456, 2, 1));
    }

    /** RFC 9106, section 5.3: the library computes Argon2id as the standard defines it. */
    @Test
    void theLibraryMeetsRfc9106sArgon2idTestVector() {
        org.bouncycastle.crypto.generators.Argon2BytesGenerator g = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        g.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(32).withIterations(3)
                .withParallelism(4).withSalt(filled(16, 0x02)).withSecret(filled(8, 0x03)).withAdditional(filled(12, 0x04)).build());
        byte[] tag = new byte[32];
        g.generateBytes(filled(32, 0x01), tag);

        assertThat(java.util.HexFormat.of().formatHex(tag)).isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void whatIsNotAnArgon2idPhcStringVerifiesNothing() {
        assertThat(passwords.verify("x", null)).isFalse();
        assertThat(passwords.verify("x", "")).isFalse();
        assertThat(passwords.verify("x", "$argon2i$v=19$m=256,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA")).isFalse();
        assertThat(passwords.verify("x", "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA")).isFalse();
        assertThat(passwords.verify("x", "plain text password")).isFalse();
    }
}
