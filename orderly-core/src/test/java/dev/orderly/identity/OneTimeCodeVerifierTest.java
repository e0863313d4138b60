package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.Person;
import dev.orderly.testing.Race;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class OneTimeCodeVerifierTest {

    private static final Instant START = Instant.parse("2021-07-26T15:00:05Z");
    private static final Person HONG = new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
    private static final Person KIM = new Person(18, "김철수", LocalDate.of(1964, 5, 5), "01098765432");
    private static final KeyedHash SECRET = new KeyedHash(TestKeys.secret(7), "test");

    private final MutableClock clock = MutableClock.at(START);
    private final InMemoryResidentRegistry registry = new InMemoryResidentRegistry().add(HONG).add(KIM);
    private final InMemoryChallengeStore challenges = new InMemoryChallengeStore(clock);
    private final InMemoryDailyQuota quota = new InMemoryDailyQuota();
    private final RecordingSmsGateway sms = new RecordingSmsGateway();
    private final OneTimeCodeVerifier verifier = verifier(challenges, new SplittableRandom(5));

    @Test
    void aCodeIsSentToThePhoneOfTheMatchingResident() {
        Verification.Started started = verifier.start(Claim.of("홍길동", HONG.birthDate(), "01012345678"));

        assertThat(started).isInstanceOfSatisfying(Verification.CodeSent.class, sent -> {
            assertThat(sent.maskedPhone()).isEqualTo("010-****-5678");
            assertThat(sent.expiresAt()).isEqualTo(START.plus(OneTimeCodeVerifier.DEFAULT_CODE_LIFETIME));
            assertThat(sent.challengeId()).matches("[0-9a-f]{36}");
        });
        assertThat(sms.sent()).hasSize(1);
        assertThat(sms.sent().get(0).phone()).isEqualTo("01012345678");
        assertThat(sms.lastCode()).matches("\\d{6}");
    }

    @Test
    void noCodeIsSentUnlessNameBirthDateAndPhoneAllMatch() {
        assertThat(verifier.start(Claim.of("홍길순", HONG.birthDate(), HONG.phone()))).isEqualTo(new Verification.NoMatch());
        assertThat(verifier.start(Claim.of(HONG.name(), HONG.birthDate().plusDays(1), HONG.phone()))).isEqualTo(new Verification.NoMatch());
        assertThat(verifier.start(Claim.of(HONG.name(), HONG.birthDate(), KIM.phone()))).isEqualTo(new Verification.NoMatch());

        assertThat(sms.sent()).isEmpty();
    }

    @Test
    void theRightCodeVerifiesOnce() {
        String challenge = start(HONG);
        String code = sms.lastCode();

        assertThat(verifier.check(challenge, code)).isEqualTo(new Verification.Verified(HONG));
        assertThat(verifier.check(challenge, code)).isEqualTo(new Verification.UnknownChallenge());
    }

    @Test
    void aChallengeNobodyStartedIsUnknown() {
        start(HONG);

        assertThat(verifier.check("00ff", sms.lastCode())).isEqualTo(new Verification.UnknownChallenge());
    }

    @Test
    void aCodeSentForOneResidentDoesNotOpenAnotherResidentsChallenge() {
        String hongs = start(HONG);
        String hongsCode = sms.lastCode();
        String kims = start(KIM);
        String kimsCode = sms.lastCode();
        assertThat(kimsCode).as("the seeded codes differ").isNotEqualTo(hongsCode);

        assertThat(verifier.check(kims, hongsCode)).isInstanceOf(Verification.WrongCode.class);
        assertThat(verifier.check(hongs, hongsCode)).isEqualTo(new Verification.Verified(HONG));
    }

    @Test
    void eachWrongCodeUsesUpATryAndTheFifthEndsTheChallenge() {
        String challenge = start(HONG);
        String wrong = wrongCode(sms.lastCode());

        assertThat(verifier.check(challenge, wrong)).isEqualTo(new Verification.WrongCode(4));
        assertThat(verifier.check(challenge, wrong)).isEqualTo(new Verification.WrongCode(3));
        assertThat(verifier.check(challenge, null)).isEqualTo(new Verification.WrongCode(2));
        assertThat(verifier.check(challenge, "")).isEqualTo(new Verification.WrongCode(1));
        assertThat(verifier.check(challenge, wrong)).isEqualTo(new Verification.TooManyTries());

        assertThat(verifier.check(challenge, sms.lastCode())).isEqualTo(new Verification.TooManyTries());
    }

    @Test
    void theRightCodeAfterFourWrongOnesStillVerifies() {
        String challenge = start(HONG);
        for (int i = 0; i < 4; i++) {
            verifier.check(challenge, wrongCode(sms.lastCode()));
        }

        assertThat(verifier.check(challenge, sms.lastCode())).isEqualTo(new Verification.Verified(HONG));
    }

    @Test
    void aCodeIsAcceptedUntilJustBeforeItExpires() {
        String challenge = start(HONG);
        clock.set(START.plus(OneTimeCodeVerifier.DEFAULT_CODE_LIFETIME).minusNanos(1));

        assertThat(verifier.check(challenge, sms.lastCode())).isEqualTo(new Verification.Verified(HONG));
    }

    @Test
    void aCodeIsRefusedFromTheInstantItExpires() {
        String challenge = start(HONG);
        clock.set(START.plus(OneTimeCodeVerifier.DEFAULT_CODE_LIFETIME));

        assertThat(verifier.check(challenge, sms.lastCode())).isEqualTo(new Verification.Expired());
        assertThat(verifier.check(challenge, wrongCode(sms.lastCode()))).isEqualTo(new Verification.Expired());
    }

    @Test
    void codesKeepTheirLeadingZeros() {
        RandomGenerator smallNumbers = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 7;
            }

            @Override
            public int nextInt(int bound) {
                return 42;
            }
        };
        OneTimeCodeVerifier verifier = verifier(challenges, smallNumbers);

        verifier.start(Claim.of(HONG.name(), HONG.birthDate(), HONG.phone()));

        assertThat(sms.lastCode()).isEqualTo("000042");
    }

    @Test
    void manyTabsSendingTheRightCodeAtOnceVerifyOnce() {
        String challenge = start(HONG);
        String code = sms.lastCode();

        List<Verification.Checked> answers = Race.run(20, Duration.ofSeconds(30), i -> verifier.check(challenge, code));

        assertThat(answers).filteredOn(a -> a instanceof Verification.Verified).hasSize(1);
        assertThat(answers).filteredOn(a -> !(a instanceof Verification.Verified))
                .hasSize(19).containsOnly(new Verification.UnknownChallenge());
    }

    @Test
    void aRightGuessStillInFlightWhenTheTriesRunOutIsRefused() throws Exception {
        InterleavingStore store = new InterleavingStore(challenges, 5);
        OneTimeCodeVerifier verifier = verifier(store, new SplittableRandom(9));
        Verification.CodeSent sent = (Verification.CodeSent) verifier.start(Claim.of(HONG.name(), HONG.birthDate(), HONG.phone()));
        String code = sms.lastCode();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Verification.Checked> inFlight = CompletableFuture.supplyAsync(() -> {
                store.markSlow();
                return verifier.check(sent.challengeId(), code);
            }, pool);
            store.awaitSlowEntered();

            for (int i = 0; i < 5; i++) {
                verifier.check(sent.challengeId(), wrongCode(code));
            }

            assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo(new Verification.TooManyTries());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLifetimeOrTryLimitThatCannotWorkIsRefusedAtStart() {
        assertThatThrownBy(() -> new OneTimeCodeVerifier.Limits(Duration.ZERO, 5, 5, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new OneTimeCodeVerifier.Limits(Duration.ofMinutes(-1), 5, 5, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OneTimeCodeVerifier.Limits(Duration.ofMinutes(3), 0, 5, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new OneTimeCodeVerifier.Limits(Duration.ofMinutes(3), 5, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per person");
    }

    @Test
    void theDefaultsAreThreeMinutesFiveTriesFivePerPersonAndTenPerPhoneADay() {
        assertThat(OneTimeCodeVerifier.Limits.DEFAULTS)
                .isEqualTo(new OneTimeCodeVerifier.Limits(Duration.ofMinutes(3), 5, 5, 10));
        assertThat(verifier.name()).isEqualTo("sms");
        assertThat(verifier.claimFields()).containsExactlyInAnyOrder(Claim.Field.values());
    }

    @Test
    void aPersonGetsFiveChallengesADayAndMoreFromMidnightInSeoul() {
        for (int i = 0; i < 5; i++) {
            assertThat(verifier.start(claimOf(HONG))).isInstanceOf(Verification.CodeSent.class);
        }
        Instant midnightInSeoul = Instant.parse("2021-07-27T15:00:00Z");

        assertThat(verifier.start(claimOf(HONG))).isEqualTo(new Verification.TooManyChallenges(midnightInSeoul));
        assertThat(sms.sent()).hasSize(5);
        assertThat(verifier.start(claimOf(KIM))).as("another person is not held back").isInstanceOf(Verification.CodeSent.class);

        clock.set(midnightInSeoul.minusNanos(1));
        assertThat(verifier.start(claimOf(HONG))).isInstanceOf(Verification.TooManyChallenges.class);
        clock.set(midnightInSeoul);
        assertThat(verifier.start(claimOf(HONG))).isInstanceOf(Verification.CodeSent.class);
    }

    @Test
    void aPhoneSharedByAFamilyGetsItsOwnDailyCapAcrossThePeopleUsingIt() {
        Person mother = new Person(30, "이순자", LocalDate.of(1962, 1, 2), "01055554444");
        Person father = new Person(31, "박영수", LocalDate.of(1961, 3, 4), "01055554444");
        Person grandmother = new Person(32, "최말순", LocalDate.of(1940, 5, 6), "01055554444");
        registry.add(mother).add(father).add(grandmother);
        OneTimeCodeVerifier strict = new OneTimeCodeVerifier(registry, challenges, quota, sms, SECRET, clock, new SplittableRandom(3),
                new OneTimeCodeVerifier.Limits(Duration.ofMinutes(3), 5, 5, 7));

        for (int i = 0; i < 5; i++) {
            assertThat(strict.start(claimOf(mother))).isInstanceOf(Verification.CodeSent.class);
        }
        assertThat(strict.start(claimOf(father))).isInstanceOf(Verification.CodeSent.class);
        assertThat(strict.start(claimOf(father))).isInstanceOf(Verification.CodeSent.class);

        assertThat(strict.start(claimOf(grandmother))).isInstanceOf(Verification.TooManyChallenges.class);
        assertThat(strict.start(claimOf(HONG))).as("other phones are not held back").isInstanceOf(Verification.CodeSent.class);
    }

    @Test
    void aClaimThatMatchesNobodyUsesNoDailyChallenge() {
        for (int i = 0; i < 20; i++) {
            verifier.start(Claim.of("홍길순", HONG.birthDate(), HONG.phone()));
        }

        assertThat(verifier.start(claimOf(HONG))).isInstanceOf(Verification.CodeSent.class);
    }

    @Test
    void theCodeIsNotKeptOnlyAKeyedHashOfIt() {
        Verification.CodeSent sent = (Verification.CodeSent) verifier.start(claimOf(HONG));
        Challenge stored = challenges.find(sent.challengeId()).orElseThrow();

        assertThat(stored.codeMac()).doesNotContain(sms.lastCode()).hasSize(43);
        assertThat(stored.toString()).doesNotContain(sms.lastCode()).doesNotContain(stored.codeMac());
    }

    @Test
    void anSmsThatCannotBeHandedOverIsSaidSoAndItsChallengeIsDead() {
        List<String> saved = new java.util.concurrent.CopyOnWriteArrayList<>();
        ChallengeStore recording = new ChallengeStore() {
            @Override
            public void save(Challenge challenge) {
                saved.add(challenge.id());
                challenges.save(challenge);
            }

            @Override
            public Optional<Challenge> find(String id) {
                return challenges.find(id);
            }

            @Override
            public Optional<Challenge> update(String id, UnaryOperator<Challenge> change) {
                return challenges.update(id, change);
            }
        };
        OneTimeCodeVerifier verifier = new OneTimeCodeVerifier(registry, recording, quota, (phone, text) -> {
            throw new SmsGateway.SmsDeliveryException("gateway down", null);
        }, SECRET, clock, new SplittableRandom(1), OneTimeCodeVerifier.Limits.DEFAULTS);

        assertThat(verifier.start(claimOf(HONG))).isEqualTo(new Verification.NotSent());
        assertThat(saved).hasSize(1);
        assertThat(challenges.find(saved.getFirst()).orElseThrow().used()).isTrue();
    }

    private OneTimeCodeVerifier verifier(ChallengeStore store, RandomGenerator random) {
        return new OneTimeCodeVerifier(registry, store, quota, sms, SECRET, clock, random, OneTimeCodeVerifier.Limits.DEFAULTS);
    }

    private static Claim claimOf(Person p) {
        return Claim.of(p.name(), p.birthDate(), p.phone());
    }

    private String start(Person person) {
        Verification.Started started = verifier.start(claimOf(person));
        assertThat(started).isInstanceOf(Verification.CodeSent.class);
        return ((Verification.CodeSent) started).challengeId();
    }

    private static String wrongCode(String right) {
        return "%06d".formatted((Integer.parseInt(right) + 1) % 1_000_000);
    }

    /**
     * Lets one request (the "slow" one) enter the store and then holds its update until a number
     * of other updates have gone through: the interleaving of a guess that was read before a
     * crowd of other guesses was counted.
     */
    private static final class InterleavingStore implements ChallengeStore {
        private final ChallengeStore inner;
        private final CountDownLatch slowEntered = new CountDownLatch(1);
        private final CountDownLatch othersUpdated;
        private volatile Thread slow;

        InterleavingStore(ChallengeStore inner, int others) {
            this.inner = inner;
            this.othersUpdated = new CountDownLatch(others);
        }

        void markSlow() {
            slow = Thread.currentThread();
        }

        void awaitSlowEntered() throws InterruptedException {
            if (!slowEntered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the slow request never reached the store");
            }
        }

        @Override
        public void save(Challenge challenge) {
            inner.save(challenge);
        }

        @Override
        public Optional<Challenge> find(String id) {
            if (Thread.currentThread() == slow) {
                slowEntered.countDown();
            }
            return inner.find(id);
        }

        @Override
        public Optional<Challenge> update(String id, UnaryOperator<Challenge> change) {
            boolean isSlow = Thread.currentThread() == slow;
            if (isSlow) {
                slowEntered.countDown();
                try {
                    if (!othersUpdated.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the other guesses never came");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            Optional<Challenge> result = inner.update(id, change);
            if (!isSlow) {
                othersUpdated.countDown();
            }
            return result;
        }
    }
}
