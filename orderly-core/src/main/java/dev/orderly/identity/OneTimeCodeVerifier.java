package dev.orderly.identity;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.time.SeoulCalendar;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The built-in identity provider ({@value #NAME}): a six-digit code sent by SMS to the phone the
 * registry holds for the resident who matches name, birth date and phone.
 *
 * <p>Rules: a challenge is bound to one resident; a code is accepted once, before expiry; a
 * challenge dies after {@code maxTries} wrong codes; at most {@code challengesPerPersonPerDay}
 * challenges per resident and {@code challengesPerPhonePerDay} per phone number are opened per
 * day of the Seoul calendar (a phone can be shared by a family). So the most guesses anyone gets at
 * one resident's codes in a day is {@code challengesPerPersonPerDay x maxTries}: 25 of a million
 * by default.
 *
 * <p>The code is never kept: the challenge holds an HMAC of {@code id:code} under the server's
 * secret, and a presented code is checked by recomputing it and comparing in constant time.
 *
 * <p>Concurrency: the decision on a presented code is taken inside the store's atomic update, on
 * the challenge as it is then, so parallel guesses cannot get past {@code maxTries}. The daily
 * caps are counted in a shared {@link DailyQuota}, so they hold across nodes.
 */
public final class OneTimeCodeVerifier implements IdentityProvider {

    /** The provider's name. */
    public static final String NAME = "sms";
    /** Code lifetime by default: three minutes. */
    public static final Duration DEFAULT_CODE_LIFETIME = Duration.ofMinutes(3);
    /** Wrong codes a challenge survives by default. */
    public static final int DEFAULT_MAX_TRIES = 5;
    /** Challenges per resident and Seoul day by default. */
    public static final int DEFAULT_PER_PERSON_PER_DAY = 5;
    /** Challenges per phone number and Seoul day by default (a family may share one phone). */
    public static final int DEFAULT_PER_PHONE_PER_DAY = 10;

    /**
     * The provider's limits.
     *
     * @param codeLifetime              how long a code is accepted
     * @param maxTries                  wrong codes a challenge survives
     * @param challengesPerPersonPerDay challenges per resident per Seoul day
     * @param challengesPerPhonePerDay  challenges per phone number per Seoul day
     */
    public record Limits(Duration codeLifetime, int maxTries, int challengesPerPersonPerDay, int challengesPerPhonePerDay) {

        public static final Limits DEFAULTS = new Limits(DEFAULT_CODE_LIFETIME, DEFAULT_MAX_TRIES,
                DEFAULT_PER_PERSON_PER_DAY, DEFAULT_PER_PHONE_PER_DAY);

        public Limits {
            if (codeLifetime.isNegative() || codeLifetime.isZero()) {
                throw new IllegalArgumentException("codeLifetime must be positive, was " + codeLifetime);
            }
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1, was " + maxTries);
            }
            if (challengesPerPersonPerDay < 1 || challengesPerPhonePerDay < 1) {
                throw new IllegalArgumentException("daily challenge limits must be at least 1, were " + challengesPerPersonPerDay
                        + " per person and " + challengesPerPhonePerDay + " per phone");
            }
        }
    }

    private final ResidentRegistry registry;
    private final ChallengeStore challenges;
    private final DailyQuota quota;
    private final SmsGateway sms;
    private final KeyedHash codeMac;
    private final KeyedHash phoneKey;
    private final Clock clock;
    private final RandomGenerator random;
    private final Limits limits;

    /**
     * @param secret a keyed hash under a server secret; codes and phone numbers are hashed with it
     *               (for purposes of their own), so neither is kept
     */
    public OneTimeCodeVerifier(ResidentRegistry registry, ChallengeStore challenges, DailyQuota quota, SmsGateway sms,
                               KeyedHash secret, Clock clock, RandomGenerator random, Limits limits) {
        this.registry = registry;
        this.challenges = challenges;
        this.quota = quota;
        this.sms = sms;
        this.codeMac = secret.forPurpose("one-time-code");
        this.phoneKey = secret.forPurpose("daily-quota-phone");
        this.clock = clock;
        this.random = random;
        this.limits = limits;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Claim.Field> claimFields() {
        return EnumSet.allOf(Claim.Field.class);
    }

    /** Sends a code to the resident matching all three, if there is one and the day's caps allow. */
    @Override
    public Verification.Started start(Claim claim) {
        return start(claim, code -> "[Orderly] 인증번호 " + code + " (" + Math.max(1, limits.codeLifetime().toMinutes())
                + "분 안에 입력) / verification code " + code);
    }

    /**
     * As {@link #start(Claim)}, for consent: the code goes to the resident matching the claim, with
     * a message saying who asks to act for them ({@code whoKo}, {@code whoEn}), so that reading the
     * code out is agreeing to that. The same caps and tries apply: it is the same kind of challenge.
     */
    public Verification.Started startConsent(Claim claim, String whoKo, String whoEn) {
        return start(claim, code -> "[Orderly] 대리 예약 동의 인증번호 " + code + ": " + whoKo
                + "이(가) 대신 백신 예약을 하려 합니다. 동의할 때만 알려 주세요 / consent code " + code + ": " + whoEn
                + " asks to book for you; share it only if you agree");
    }

    private Verification.Started start(Claim claim, java.util.function.Function<String, String> text) {
        String name = claim.name().orElseThrow(() -> new IllegalArgumentException("the sms provider needs a name"));
        LocalDate birthDate = claim.birthDate().orElseThrow(() -> new IllegalArgumentException("the sms provider needs a birth date"));
        String phone = claim.phone().orElseThrow(() -> new IllegalArgumentException("the sms provider needs a phone"));
        Optional<Person> found = registry.find(name, birthDate, phone);
        if (found.isEmpty()) {
            return new Verification.NoMatch();
        }
        Person person = found.get();
        Instant now = clock.instant();
        LocalDate today = SeoulCalendar.dateAt(now);
        String code = "%06d".formatted(random.nextInt(1_000_000));
        String id = randomId();
        Instant expiresAt = now.plus(limits.codeLifetime());
        if (!challenges.saveWithin(new Challenge(id, person.id(), macOf(id, code), expiresAt, 0, false), quota, today,
                new DailyQuota.Cap("person:" + person.id(), limits.challengesPerPersonPerDay()),
                new DailyQuota.Cap("phone:" + phoneKey.text(person.phone()), limits.challengesPerPhonePerDay()))) {
            return new Verification.TooManyChallenges(SeoulCalendar.startOf(today.plusDays(1)));
        }
        try {
            sms.send(person.phone(), text.apply(code));
        } catch (SmsGateway.SmsDeliveryException e) {
            challenges.update(id, Challenge::usedUp);
            return new Verification.NotSent();
        }
        return new Verification.CodeSent(id, person.maskedPhone(), expiresAt);
    }

    /** Checks {@code code} against the challenge. */
    @Override
    public Verification.Checked check(String challengeId, String code) {
        Instant now = clock.instant();
        byte[] presented = code == null ? null : codeMac.of(challengeId + ":" + code);
        // Decided inside the store's atomic update (CodeAttempt). The change may be applied more
        // than once by a store that retries; the last answer stands.
        Verification.Checked[] answer = {null};
        Optional<Challenge> after = challenges.update(challengeId, cur -> {
            CodeAttempt attempt = CodeAttempt.decide(cur, now, presented, limits.maxTries());
            answer[0] = switch (attempt.outcome()) {
                case USED -> new Verification.UnknownChallenge();
                case EXPIRED -> new Verification.Expired();
                case TOO_MANY_TRIES -> new Verification.TooManyTries();
                case RIGHT -> null;
                case WRONG -> attempt.triesLeft() <= 0 ? new Verification.TooManyTries() : new Verification.WrongCode(attempt.triesLeft());
            };
            return attempt.next();
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

    public Limits limits() {
        return limits;
    }

    private String macOf(String challengeId, String code) {
        return codeMac.text(challengeId + ":" + code);
    }

    private String randomId() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
