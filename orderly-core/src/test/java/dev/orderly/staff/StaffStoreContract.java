package dev.orderly.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link StaffStore} promises. Bind it with a subclass per adapter. */
public abstract class StaffStoreContract {

    private static final Instant T0 = Instant.parse("2021-08-09T11:00:00Z");
    private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /** A store with no account and no session; called once per test. */
    protected abstract StaffStore newStore();

    protected static StaffAccount kim() {
        return StaffAccount.create("kim", "Kim Minji", Role.OPERATOR, Set.of(), HASH, SECRET, T0);
    }

    protected static StaffAccount clinic() {
        return StaffAccount.create("busan-1", "Busan clinic desk", Role.CLINIC, Set.of(3L, 7L), HASH, SECRET, T0);
    }

    @Test
    void aCreatedAccountIsFoundAsItWasStored() {
        StaffStore store = newStore();

        assertThat(store.create(clinic())).isTrue();

        assertThat(store.find("busan-1")).contains(clinic());
        assertThat(store.find("nobody")).isEmpty();
    }

    @Test
    void aLoginIsTakenOnce() {
        StaffStore store = newStore();
        store.create(kim());

        assertThat(store.create(StaffAccount.create("kim", "Another Kim", Role.AUDITOR, Set.of(), HASH, SECRET, T0))).isFalse();
        assertThat(store.find("kim").orElseThrow().name()).isEqualTo("Kim Minji");
    }

    @Test
    void allListsEveryAccountByLogin() {
        StaffStore store = newStore();
        store.create(kim());
        store.create(clinic());

        assertThat(store.all()).extracting(StaffAccount::login).containsExactly("busan-1", "kim");
    }

    @Test
    void replaceIsACompareAndSetOnTheVersion() {
        StaffStore store = newStore();
        store.create(kim());
        StaffAccount v1 = store.find("kim").orElseThrow();
        StaffAccount locked = v1.withFailures(0, Optional.of(T0.plusSeconds(900)));

        assertThat(store.replace(v1, locked)).isTrue();
        assertThat(store.find("kim")).contains(locked.atVersion(2));
        assertThat(store.replace(v1, v1.withFailures(3, Optional.empty()))).as("stale version").isFalse();
        assertThat(store.find("kim").orElseThrow().failedAttempts()).isZero();
        assertThat(store.replace(StaffAccount.create("ghost", "G", Role.AGENT, Set.of(), HASH, SECRET, T0),
                StaffAccount.create("ghost", "G", Role.AGENT, Set.of(), HASH, SECRET, T0))).isFalse();
    }

    @Test
    void everyFieldSurvivesAReplace() {
        StaffStore store = newStore();
        store.create(clinic());
        StaffAccount v1 = store.find("busan-1").orElseThrow();
        StaffAccount next = v1.with("Busan desk", Role.CLINIC, Set.of(9L)).withSignIn(54_000_123L).withDisabled(true)
                .withTotp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

        store.replace(v1, next);

        assertThat(store.find("busan-1")).contains(next.atVersion(2));
    }

    @Test
    void ofTwoChangesMadeOnTheSameVersionOnlyOneLands() {
        StaffStore store = newStore();
        store.create(kim());
        StaffAccount v1 = store.find("kim").orElseThrow();

        List<Boolean> landed = Race.run(8, Duration.ofSeconds(30), i -> store.replace(v1, v1.withFailures(i + 1, Optional.empty())));

        assertThat(landed).containsOnlyOnce(true);
        assertThat(store.find("kim").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aSessionIsFoundTouchedAndEnded() {
        StaffStore store = newStore();
        store.create(kim());
        StaffSession s = new StaffSession("id-1", "kim", T0, T0, T0.plus(Duration.ofHours(12)));
        store.startSession(s);

        assertThat(store.session("id-1")).contains(s);
        store.touchSession("id-1", T0.plusSeconds(90));
        assertThat(store.session("id-1").orElseThrow().lastSeenAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(store.endSession("id-1")).isTrue();
        assertThat(store.session("id-1")).isEmpty();
        assertThat(store.endSession("id-1")).isFalse();
        store.touchSession("id-1", T0.plusSeconds(120));
        assertThat(store.session("id-1")).isEmpty();
    }

    @Test
    void aSessionIdIsUsedOnce() {
        StaffStore store = newStore();
        store.create(kim());
        store.startSession(new StaffSession("id-1", "kim", T0, T0, T0.plusSeconds(60)));

        assertThatThrownBy(() -> store.startSession(new StaffSession("id-1", "kim", T0, T0, T0.plusSeconds(60))))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void endingAnAccountsSessionsLeavesOthersAlone() {
        StaffStore store = newStore();
        store.create(kim());
        store.create(clinic());
        store.startSession(new StaffSession("a", "kim", T0, T0, T0.plusSeconds(600)));
        store.startSession(new StaffSession("b", "kim", T0, T0, T0.plusSeconds(600)));
        store.startSession(new StaffSession("c", "busan-1", T0, T0, T0.plusSeconds(600)));

        assertThat(store.endSessionsOf("kim")).isEqualTo(2);

        assertThat(store.session("a")).isEmpty();
        assertThat(store.session("b")).isEmpty();
        assertThat(store.session("c")).isPresent();
        assertThat(store.endSessionsOf("kim")).isZero();
    }

    @Test
    void sessionsOverTheirTimeAreForgotten() {
        StaffStore store = newStore();
        store.create(kim());
        store.startSession(new StaffSession("expired", "kim", T0, T0.plusSeconds(500), T0.plusSeconds(600)));
        store.startSession(new StaffSession("idle", "kim", T0, T0, T0.plusSeconds(6000)));
        store.startSession(new StaffSession("live", "kim", T0, T0.plusSeconds(500), T0.plusSeconds(6000)));

        assertThat(store.forgetSessionsOver(T0.plusSeconds(600), T0.plusSeconds(100))).isEqualTo(2);

        assertThat(store.session("live")).isPresent();
        assertThat(store.session("idle")).isEmpty();
        assertThat(store.session("expired")).isEmpty();
    }

    @Test
    void aMadeUpLoginLocksAtTheLastFailureInARowAndTheLockRunsOut() {
        StaffStore store = newStore();
        Instant lockUntil = T0.plus(Duration.ofMinutes(15));

        for (int i = 1; i < 5; i++) {
            assertThat(store.countUnknownLoginFailure("ghost", T0.plusSeconds(i), 5, lockUntil, T0.minus(Duration.ofDays(1)))).isEmpty();
        }
        assertThat(store.unknownLoginLock("ghost", T0.plusSeconds(5))).isEmpty();
        assertThat(store.countUnknownLoginFailure("ghost", T0.plusSeconds(5), 5, lockUntil, T0.minus(Duration.ofDays(1)))).contains(lockUntil);

        assertThat(store.unknownLoginLock("ghost", T0.plusSeconds(6))).contains(lockUntil);
        assertThat(store.unknownLoginLock("another", T0.plusSeconds(6))).isEmpty();
        assertThat(store.unknownLoginLock("ghost", lockUntil)).isEmpty();
        Instant later = lockUntil.plusSeconds(1);
        assertThat(store.countUnknownLoginFailure("ghost", later, 5, later.plus(Duration.ofMinutes(15)), T0)).isEmpty();
    }

    @Test
    void aFailureCountedWhileALockIsOnChangesNothing() {
        StaffStore store = newStore();
        Instant lockUntil = T0.plus(Duration.ofMinutes(15));
        store.countUnknownLoginFailure("ghost", T0, 1, lockUntil, T0.minus(Duration.ofDays(1)));

        assertThat(store.countUnknownLoginFailure("ghost", T0.plusSeconds(60), 1, T0.plus(Duration.ofHours(5)), T0.minus(Duration.ofDays(1))))
                .contains(lockUntil);
        assertThat(store.unknownLoginLock("ghost", T0.plusSeconds(61))).contains(lockUntil);
    }

    @Test
    void failuresOlderThanTheForgettingTimeCountNoMore() {
        StaffStore store = newStore();
        Instant lockUntil = T0.plus(Duration.ofDays(3));
        for (int i = 0; i < 4; i++) {
            store.countUnknownLoginFailure("ghost", T0.plusSeconds(i), 5, lockUntil, T0.minus(Duration.ofDays(1)));
        }
        Instant twoDaysOn = T0.plus(Duration.ofDays(2));

        assertThat(store.countUnknownLoginFailure("ghost", twoDaysOn, 5, lockUntil, twoDaysOn.minus(Duration.ofDays(1)))).isEmpty();
        for (int i = 1; i < 4; i++) {
            assertThat(store.countUnknownLoginFailure("ghost", twoDaysOn.plusSeconds(i), 5, lockUntil, twoDaysOn.minus(Duration.ofDays(1))))
                    .isEmpty();
        }
        assertThat(store.countUnknownLoginFailure("ghost", twoDaysOn.plusSeconds(4), 5, lockUntil, twoDaysOn.minus(Duration.ofDays(1))))
                .contains(lockUntil);
    }

    @Test
    void failuresCountedAtOnceAreEachCountedOnce() throws Exception {
        StaffStore store = newStore();
        Instant lockUntil = T0.plus(Duration.ofMinutes(15));

        List<Optional<Instant>> answers = Race.run(8, Duration.ofSeconds(30),
                i -> store.countUnknownLoginFailure("ghost", T0, 5, lockUntil, T0.minus(Duration.ofDays(1))));

        assertThat(answers).filteredOn(Optional::isEmpty).hasSize(4);
        assertThat(answers).filteredOn(Optional::isPresent).hasSize(4).allMatch(a -> a.get().equals(lockUntil));
    }
}
