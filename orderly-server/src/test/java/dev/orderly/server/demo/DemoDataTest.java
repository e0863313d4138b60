package dev.orderly.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The demo data's promise: the same seed and sizes give the same residents, byte for byte. */
class DemoDataTest {

    // Digests of the residents' CSV as the generator wrote it before it was made faster.
    @Test
    void theDefaultSeedGivesTheSameResidentsByteForByteAsEver() throws Exception {
        assertThat(digestOfResidents(20210726, 200_000))
                .isEqualTo("8800038 chars, SHA-256 90374b7b860dea54313cfa8f5b8532f713501104949de33e86dd59d47efc2777");
    }

    @Test
    void anotherSeedGivesItsOwnResidentsByteForByteAsEver() throws Exception {
        assertThat(digestOfResidents(7, 5_000))
                .isEqualTo("220038 chars, SHA-256 386fe352123a0c5e4cf3a6ddb7a0362bbbc2da07f28919106ab5eb0ec31c96b9");
    }

    private static String digestOfResidents(long seed, int people) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long[] chars = {0};
        new DemoData(seed, people, 17, Clock.systemUTC()).residentsCsv(text -> {
            chars[0] += text.length();
            sha.update(text.getBytes(StandardCharsets.UTF_8));
        });
        return chars[0] + " chars, SHA-256 " + HexFormat.of().formatHex(sha.digest());
    }
}
