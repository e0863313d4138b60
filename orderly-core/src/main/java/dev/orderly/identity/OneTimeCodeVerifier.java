package dev.orderly.identity;

import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Verifies a resident by a six-digit code sent to the phone the registry holds for them.
 *
 * <p>A challenge is bound to one resident; a code is accepted once, before expiry, and a
 * challenge dies after {@code maxTries} wrong codes. Codes are compared in constant time.
 */
public final class OneTimeCodeVerifier {

    /** Code lifetime by default: three minutes. */
    public static final Duration DEFAULT_CODE_LIFETIME = Duration.ofMinutes(3);
    /** Wrong codes a challenge survives by default. */
    public static final int DEFAULT_MAX_TRIES = 5;

    private final ResidentRegistry registry;
    private final ChallengeStore challenges;
    private final SmsGateway sms;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration codeLifetime;
    private final int maxTries;

    public OneTimeCodeVerifier(ResidentRegistry registry, ChallengeStore challenges, SmsGateway sms, Clock clock,
                               RandomGenerator random, Duration codeLifetime, int maxTries) {
        if (codeLifetime.isNegative() || codeLifetime.isZero()) {
            throw new IllegalArgumentException("codeLifetime must be positive, was " + codeLifetime);
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries must be at least 1, was " + maxTries);
        }
        this.registry = registry;
        this.challenges = challenges;
        this.sms = sms;
        this.clock = clock;
        this.random = random;
        this.codeLifetime = codeLifetime;
        this.maxTries = maxTries;
    }

    /** Sends a code to the resident matching all three, if there is one. */
    public Verification.Started start(String name, LocalDate birthDate, String phone) {
        Optional<Person> person = registry.find(name, birthDate, phone);
        if (person.isEmpty()) {
            return new Verification.NoMatch();
        }
        String code = "%06d".formatted(random.nextInt(1_000_000));
        Instant expiresAt = clock.instant().plus(codeLifetime);
        Challenge challenge = new Challenge(randomId(), person.get().id(), code, expiresAt, 0, false);
        challenges.save(challenge);
        sms.send(phone, "[Orderly] 인증번호 " + code + " (" + codeLifetime.toMinutes() + "분 안에 입력) / verification code " + code);
        return new Verification.CodeSent(challenge.id(), person.get().maskedPhone(), expiresAt);
    }

    /** Checks {@code code} against the challenge. */
    public Verification.Checked check(String challengeId, String code) {
        Instant now = clock.instant();
        // The whole decision is made inside the store's atomic update, on the challenge as it is
        // then: a guess read beside concurrent guesses would otherwise be compared before their
        // failures were counted, and a crowd of parallel guesses would get past maxTries. The
        // change may be applied more than once by a store that retries; the last answer stands.
        Verification.Checked[] answer = {null};
        Optional<Challenge> after = challenges.update(challengeId, cur -> {
            if (cur.used()) {
                answer[0] = new Verification.UnknownChallenge();
                return cur;
            }
            if (!now.isBefore(cur.expiresAt())) {
                answer[0] = new Verification.Expired();
                return cur;
            }
            if (cur.failedTries() >= maxTries) {
                answer[0] = new Verification.TooManyTries();
                return cur;
            }
            boolean right = code != null && MessageDigest.isEqual(
                    cur.code().getBytes(StandardCharsets.US_ASCII), code.getBytes(StandardCharsets.US_ASCII));
            if (right) {
                answer[0] = null;
                return cur.usedUp();
            }
            Challenge failed = cur.withFailedTry();
            int left = maxTries - failed.failedTries();
            answer[0] = left <= 0 ? new Verification.TooManyTries() : new Verification.WrongCode(left);
            return failed;
        });
        if (after.isEmpty()) {
            return new Verification.UnknownChallenge();
        }
        if (answer[0] != null) {
            return answer[0];
        }
        return registry.byId(after.get().personId())
                .<Verification.Checked>map(Verification.Verified::new)
                .orElseGet(Verification.UnknownChallenge::new);
    }

    private String randomId() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
