package dev.orderly.identity;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.token.TestKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * A test double of a certificate-style identity provider, to show how a real one plugs into the
 * {@link IdentityProvider} port: the person claims nothing; the browser is sent to the provider
 * ({@link Verification.Redirect}), where the person's certificate signs the challenge; the
 * provider's signed answer names the resident registration number, which is matched against the
 * registry by its keyed hash.
 *
 * <p>The "certificate authority" is an HMAC key; {@link #signedResponse} plays the person's
 * certificate. Tests only: Orderly ships no second provider.
 */
public final class FakeCertificateProvider implements IdentityProvider {

    /** Wrong signatures a challenge survives. */
    public static final int MAX_TRIES = 3;
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final KeyedHash AUTHORITY = new KeyedHash(TestKeys.secret(99), "fake-certificate-authority");

    private record Open(Instant expiresAt, int failedTries, boolean used) {
    }

    private final ResidentRegistry registry;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, Open> challenges = new ConcurrentHashMap<>();

    public FakeCertificateProvider(ResidentRegistry registry, Clock clock, RandomGenerator random) {
        this.registry = registry;
        this.clock = clock;
        this.random = random;
    }

    /** What the person's certificate sends back for {@code challengeId}, naming {@code residentNumber}. */
    public static String signedResponse(String challengeId, String residentNumber) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(residentNumber.getBytes(StandardCharsets.US_ASCII)) + "."
                + AUTHORITY.text(challengeId + "|" + residentNumber);
    }

    @Override
    public String name() {
        return "certificate";
    }

    @Override
    public Set<Claim.Field> claimFields() {
        return Set.of();
    }

    @Override
    public Verification.Started start(Claim claim) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        Instant expiresAt = clock.instant().plus(LIFETIME);
        challenges.put(id, new Open(expiresAt, 0, false));
        return new Verification.Redirect(id, URI.create("https://certificate.invalid/sign?nonce=" + id), expiresAt);
    }

    @Override
    public Verification.Checked check(String challengeId, String response) {
        Instant now = clock.instant();
        String residentNumber = residentNumberIn(challengeId, response);
        Verification.Checked[] answer = {null};
        Open after = challenges.computeIfPresent(challengeId, (id, open) -> {
            if (open.used()) {
                answer[0] = new Verification.UnknownChallenge();
                return open;
            }
            if (!now.isBefore(open.expiresAt())) {
                answer[0] = new Verification.Expired();
                return open;
            }
            if (open.failedTries() >= MAX_TRIES) {
                answer[0] = new Verification.TooManyTries();
                return open;
            }
            if (residentNumber == null) {
                int tries = open.failedTries() + 1;
                answer[0] = tries >= MAX_TRIES ? new Verification.TooManyTries() : new Verification.WrongCode(MAX_TRIES - tries);
                return new Open(open.expiresAt(), tries, false);
            }
            return new Open(open.expiresAt(), open.failedTries(), true);
        });
        if (after == null) {
            return new Verification.UnknownChallenge();
        }
        if (answer[0] != null) {
            return answer[0];
        }
        return registry.byResidentNumber(residentNumber).<Verification.Checked>map(Verification.Verified::new)
                .orElseGet(Verification.NoMatch::new);
    }

    /** The resident number a genuine response names, or null for anything else. */
    private static String residentNumberIn(String challengeId, String response) {
        if (response == null) {
            return null;
        }
        int dot = response.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            String number = new String(Base64.getUrlDecoder().decode(response.substring(0, dot)), StandardCharsets.US_ASCII);
            boolean genuine = MessageDigest.isEqual(AUTHORITY.text(challengeId + "|" + number).getBytes(StandardCharsets.US_ASCII),
                    response.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
            return genuine ? number : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
