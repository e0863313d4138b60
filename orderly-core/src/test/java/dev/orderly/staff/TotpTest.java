package dev.orderly.staff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

    /** RFC 6238's SHA-1 seed, "12345678901234567890". */
    private static final String RFC_SECRET = Base32.encode("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    private static final Instant T = Instant.parse("2021-08-09T11:00:10Z");

    @ParameterizedTest(name = "at {0} s the code is {1}")
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924", "2000000000, 69279037",
        "20000000000, 65353130"})
    void rfc6238TestVectors(long seconds, String eightDigits) {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

        assertThat(Totp.code(key, Totp.step(Instant.ofEpochSecond(seconds)), 8)).isEqualTo(eightDigits);
        assertThat(Totp.code(RFC_SECRET, Instant.ofEpochSecond(seconds))).isEqualTo(eightDigits.substring(2));
    }

    @Test
    void aCodeIsAcceptedInItsStepAndOneEitherSide() {
        String code = Totp.code(RFC_SECRET, T);
        long step = Totp.step(T);

        assertThat(Totp.match(RFC_SECRET, code, T, -1)).hasValue(step);
        assertThat(Totp.match(RFC_SECRET, code, T.plusSeconds(30), -1)).hasValue(step);
        assertThat(Totp.match(RFC_SECRET, code, T.minusSeconds(30), -1)).hasValue(step);
        assertThat(Totp.match(RFC_SECRET, code, T.plusSeconds(60), -1)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, code, T.minusSeconds(60), -1)).isEmpty();
    }

    @Test
    void aCodeIsUsedOnceAndNoEarlierCodeAfterIt() {
        String now = Totp.code(RFC_SECRET, T);
        String before = Totp.code(RFC_SECRET, T.minusSeconds(30));
        long step = Totp.step(T);

        assertThat(Totp.match(RFC_SECRET, now, T, step)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, before, T, step)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, Totp.code(RFC_SECRET, T.plusSeconds(30)), T, step)).hasValue(step + 1);
    }

    @Test
    void garbageIsNoCode() {
        assertThat(Totp.match(RFC_SECRET, null, T, -1)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, "", T, -1)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, "12345", T, -1)).isEmpty();
        assertThat(Totp.match(RFC_SECRET, "abcdef", T, -1)).isEmpty();
        assertThat(Totp.match("not base32!", "123456", T, -1)).isEmpty();
    }

    @Test
    void aNewSecretIs160BitsOfBase32AndTheUriCarriesIt() {
        String secret = Totp.newSecret(new SecureRandom());

        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(Base32.decode(secret)).hasSize(20);
        assertThat(Totp.uri("Orderly", "kim min", secret)).isEqualTo("otpauth://totp/Orderly%3Akim%20min?secret=" + secret
                + "&issuer=Orderly&algorithm=SHA1&digits=6&period=30");
    }
}
