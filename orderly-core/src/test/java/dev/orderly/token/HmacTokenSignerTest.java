package dev.orderly.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class HmacTokenSignerTest {

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static final byte[] SECRET_1 = TestKeys.secret(1);
    private static final byte[] SECRET_2 = TestKeys.secret(2);
    private static final SigningKeys KEY_1 = new SigningKeys("k1", Map.of("k1", SECRET_1));

    private final HmacTokenSigner tickets = new HmacTokenSigner(KEY_1, "ticket");

    @Example
    void aSignedPayloadVerifiesToItself() {
        for (String payload : new String[] {"identity|42|1627311600000|browser", "", "홍길동 | . = 😀", "a.b.c"}) {
            assertThat(tickets.verify(tickets.sign(payload))).as(payload).contains(payload);
        }
    }

    @Example
    void aTokenHasTheFormKeyIdPayloadMac() {
        String token = tickets.sign("hello");

        assertThat(token).matches("k1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(token.split("\\.")[1]).isEqualTo(base64("hello"));
    }

    @Example
    void aTokenWithAnotherPayloadIsRejected() {
        String[] parts = tickets.sign("identity|42|0|browser").split("\\.");

        String forged = parts[0] + "." + base64("identity|1|0|browser") + "." + parts[2];

        assertThat(tickets.verify(forged)).isEmpty();
    }

    @Property(tries = 300)
    void changingAnyCharacterOfATokenBreaksIt(@ForAll("payloads") String payload, @ForAll @IntRange(min = 0, max = 10_000) int where,
                                              @ForAll @IntRange(min = 1, max = 63) int shift) {
        String token = tickets.sign(payload);
        int at = where % token.length();
        char original = token.charAt(at);
        char replacement = original == '.' ? 'A' : BASE64URL.charAt((BASE64URL.indexOf(original) + shift) % 64);

        String changed = token.substring(0, at) + replacement + token.substring(at + 1);

        assertThat(tickets.verify(changed)).isEmpty();
    }

    @Example
    void aMacSpelledDifferentlyButDecodingToTheSameBytesIsRejected() {
        // 32 MAC bytes take 43 base64 characters; the last carries 2 unused bits, and padding is
        // optional to the decoder. Neither may yield a second valid spelling of one token.
        String token = tickets.sign("identity|42|0|browser");
        char last = token.charAt(token.length() - 1);
        int index = BASE64URL.indexOf(last);
        for (int lowBits = 1; lowBits < 4; lowBits++) {
            char sameTopBits = BASE64URL.charAt((index & ~3) | ((index + lowBits) & 3));
            assertThat(tickets.verify(token.substring(0, token.length() - 1) + sameTopBits)).isEmpty();
        }
        assertThat(tickets.verify(token + "=")).isEmpty();
    }

    @Example
    void aTokenSignedForAnotherPurposeIsRejected() {
        HmacTokenSigner sessions = new HmacTokenSigner(KEY_1, "session");

        assertThat(sessions.verify(tickets.sign("42"))).isEmpty();
        assertThat(tickets.verify(sessions.sign("42"))).isEmpty();
    }

    @Example
    void aTokenNamingAKeyTheServerDoesNotHoldIsRejected() {
        HmacTokenSigner otherServer = new HmacTokenSigner(new SigningKeys("k9", Map.of("k9", SECRET_1)), "ticket");

        assertThat(tickets.verify(otherServer.sign("42"))).isEmpty();
    }

    @Example
    void aTokenSignedWithAnotherSecretUnderTheSameKeyIdIsRejected() {
        HmacTokenSigner impostor = new HmacTokenSigner(new SigningKeys("k1", Map.of("k1", SECRET_2)), "ticket");

        assertThat(tickets.verify(impostor.sign("42"))).isEmpty();
    }

    @Example
    void aTokenSignedWithARetiredKeyStillVerifiesWhileTheKeyIsListed() {
        String old = tickets.sign("before rotation");
        HmacTokenSigner rotated = new HmacTokenSigner(new SigningKeys("k2", Map.of("k1", SECRET_1, "k2", SECRET_2)), "ticket");

        assertThat(rotated.verify(old)).contains("before rotation");
        String fresh = rotated.sign("after rotation");
        assertThat(fresh).startsWith("k2.");
        assertThat(rotated.verify(fresh)).contains("after rotation");
        assertThat(tickets.verify(fresh)).as("a server that does not know k2 yet").isEmpty();

        HmacTokenSigner k1Dropped = new HmacTokenSigner(new SigningKeys("k2", Map.of("k2", SECRET_2)), "ticket");
        assertThat(k1Dropped.verify(old)).isEmpty();
        assertThat(k1Dropped.verify(fresh)).contains("after rotation");
    }

    @Example
    void nothingThatIsNotATokenVerifies() {
        String genuine = tickets.sign("42");
        String[] parts = genuine.split("\\.");
        for (String junk : new String[] {
                null, "", ".", "..", "k1", "k1.", "k1..", ".x.y", "k1.x", genuine + ".", "." + genuine,
                parts[0] + "." + parts[2], parts[0] + ".." + parts[2], parts[0] + ".!!!." + parts[2],
                parts[0] + "." + parts[1] + ".", parts[0] + "." + parts[1] + "." + parts[2].substring(1),
                parts[0] + "." + parts[1] + "." + parts[1] + "." + parts[2], "k1.é." + parts[2],
                genuine.toUpperCase(), " " + genuine, genuine + " "}) {
            assertThat(tickets.verify(junk)).as("%s", junk).isEmpty();
        }
    }

    @Example
    void anOverlongTokenIsNeitherSignedNorVerified() {
        assertThatThrownBy(() -> tickets.sign("x".repeat(2_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");

        assertThat(tickets.verify("k1." + "A".repeat(1_000_000) + ".AAAA")).isEmpty();
    }

    @Example
    void aTokenJustUnderTheLengthLimitVerifies() {
        String payload = "x".repeat(1_400);
        String signed = tickets.sign(payload);
        assertThat(signed.length()).isLessThanOrEqualTo(2_048);

        assertThat(tickets.verify(signed)).contains(payload);
    }

    @Property(tries = 1_000)
    void noRandomStringVerifies(@ForAll String anything) {
        assertThat(tickets.verify(anything)).isEmpty();
    }

    @Property(tries = 1_000)
    void noRandomTokenShapedStringVerifies(@ForAll("tokenShaped") String anything) {
        assertThat(tickets.verify(anything)).isEmpty();
    }

    @Property(tries = 200)
    void everyPayloadSurvivesTheRoundTrip(@ForAll("payloads") String payload) {
        assertThat(tickets.verify(tickets.sign(payload))).contains(payload);
    }

    @Provide
    Arbitrary<String> payloads() {
        return Arbitraries.strings().ofMaxLength(200)
                .filter(s -> s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> tokenShaped() {
        Arbitrary<String> keyId = Arbitraries.of("k1", "k2", "", "K1");
        Arbitrary<String> section = Arbitraries.strings().withChars(BASE64URL.toCharArray()).ofMaxLength(60);
        return Combinators.combine(keyId, section, section).as((k, p, m) -> k + "." + p + "." + m);
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
