package dev.orderly.staff;

import static dev.orderly.staff.StaffTesting.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaffSignInTest {

    private final StaffTesting t = new StaffTesting();
    private final StaffAccounts.WithSecret kim = t.accounts.create("kim", "Kim Minji", Role.OPERATOR, Set.of(), PASSWORD);

    @Test
    void theRightPasswordAndCodeSignIn() {
        StaffSignIn.Outcome outcome = t.signIn.signIn("kim", PASSWORD, t.code(kim));

        assertThat(outcome).isInstanceOfSatisfying(StaffSignIn.SignedIn.class, s -> {
            assertThat(s.account().login()).isEqualTo("kim");
            assertThat(t.sessions.check(s.session().token())).isPresent();
        });
    }

    @Test
    void unknownLoginWrongPasswordWrongCodeAndDisabledAccountGetTheSameAnswer() {
        t.accounts.create("lee", "Lee", Role.AUDITOR, Set.of(), PASSWORD);
        t.accounts.disable("lee");
        String code = t.code(kim);

        assertThat(t.signIn.signIn("nobody", PASSWORD, code)).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("kim", "wrong password!", code)).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("kim", PASSWORD, code.equals("000000") ? "000001" : "000000")).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("kim", PASSWORD, "")).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("lee", PASSWORD, code)).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("Not A Login:", PASSWORD, code)).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn(null, null, null)).isEqualTo(new StaffSignIn.Refused());
    }

    @Test
    void aCodeSignsInOnce() {
        String code = t.code(kim);
        assertThat(t.signIn.signIn("kim", PASSWORD, code)).isInstanceOf(StaffSignIn.SignedIn.class);

        assertThat(t.signIn.signIn("kim", PASSWORD, code)).isEqualTo(new StaffSignIn.Refused());
        t.clock.advance(Duration.ofSeconds(30));
        assertThat(t.signIn.signIn("kim", PASSWORD, code)).as("still in the window, but used").isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("kim", PASSWORD, t.code(kim))).isInstanceOf(StaffSignIn.SignedIn.class);
    }

    @Test
    void fiveFailuresLockTheAccountForFifteenMinutesEvenAgainstTheRightPassword() {
        for (int i = 1; i < StaffSignIn.MAX_FAILURES; i++) {
            assertThat(t.signIn.signIn("kim", "wrong password " + i, t.code(kim))).isEqualTo(new StaffSignIn.Refused());
        }
        assertThat(t.signIn.signIn("kim", "wrong password 5", t.code(kim)))
                .isEqualTo(new StaffSignIn.Locked(t.clock.instant().plus(StaffSignIn.LOCK_FOR)));

        t.clock.advance(Duration.ofMinutes(14).plusSeconds(59));
        assertThat(t.signIn.signIn("kim", PASSWORD, t.code(kim))).isInstanceOf(StaffSignIn.Locked.class);
        t.clock.advance(Duration.ofSeconds(1));
        assertThat(t.signIn.signIn("kim", PASSWORD, t.code(kim))).isInstanceOf(StaffSignIn.SignedIn.class);
    }

    @Test
    void aSuccessClearsTheFailures() {
        for (int i = 1; i < StaffSignIn.MAX_FAILURES; i++) {
            t.signIn.signIn("kim", "wrong password " + i, t.code(kim));
        }
        assertThat(t.signIn.signIn("kim", PASSWORD, t.code(kim))).isInstanceOf(StaffSignIn.SignedIn.class);
        t.clock.advance(Duration.ofSeconds(30));

        assertThat(t.signIn.signIn("kim", "wrong password", t.code(kim))).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.store.find("kim").orElseThrow().failedAttempts()).isEqualTo(1);
    }

    @Test
    void anUnknownLoginLocksLikeAKnownOne() {
        for (int i = 1; i < StaffSignIn.MAX_FAILURES; i++) {
            assertThat(t.signIn.signIn("ghost", "wrong password", "123456")).isEqualTo(new StaffSignIn.Refused());
        }
        assertThat(t.signIn.signIn("ghost", "wrong password", "123456")).isInstanceOf(StaffSignIn.Locked.class);
        assertThat(t.signIn.signIn("ghost", "wrong password", "123456")).isInstanceOf(StaffSignIn.Locked.class);
        t.clock.advance(StaffSignIn.LOCK_FOR);
        assertThat(t.signIn.signIn("ghost", "wrong password", "123456")).isEqualTo(new StaffSignIn.Refused());
    }

    @Test
    void anUnknownLoginTriedOnSeveralNodesLocksAtTheSameCountAsAKnownOne() {
        StaffSignIn otherNode = new StaffSignIn(t.store, t.passwords, t.sessions, t.clock);
        for (int i = 1; i < StaffSignIn.MAX_FAILURES; i++) {
            StaffSignIn node = i % 2 == 0 ? t.signIn : otherNode;
            assertThat(node.signIn("ghost", "wrong password", "123456")).isEqualTo(new StaffSignIn.Refused());
            assertThat(node.signIn("kim", "wrong password", "123456")).isEqualTo(new StaffSignIn.Refused());
        }

        assertThat(otherNode.signIn("ghost", "wrong password", "123456")).isInstanceOf(StaffSignIn.Locked.class);
        assertThat(otherNode.signIn("kim", "wrong password", "123456")).isInstanceOf(StaffSignIn.Locked.class);
        assertThat(t.signIn.signIn("ghost", "wrong password", "123456")).isInstanceOf(StaffSignIn.Locked.class);
        assertThat(t.signIn.signIn("kim", "wrong password", "123456")).isInstanceOf(StaffSignIn.Locked.class);
    }

    @Test
    void aNewPasswordLiftsTheLock() {
        for (int i = 1; i <= StaffSignIn.MAX_FAILURES; i++) {
            t.signIn.signIn("kim", "wrong password", t.code(kim));
        }
        t.accounts.setPassword("kim", "another long password");

        assertThat(t.signIn.signIn("kim", "another long password", t.code(kim))).isInstanceOf(StaffSignIn.SignedIn.class);
    }

    @Test
    void aSignedInPersonReplacesTheirPasswordAndOnlyTheNewSessionLives() {
        StaffSignIn.SignedIn first = (StaffSignIn.SignedIn) t.signIn.signIn("kim", PASSWORD, t.code(kim));

        StaffSignIn.PasswordChange changed = t.signIn.changeOwnPassword("kim", PASSWORD, "my very own password");

        assertThat(changed).isInstanceOfSatisfying(StaffSignIn.PasswordChanged.class, c -> {
            assertThat(t.sessions.check(c.session().token())).isPresent();
            assertThat(t.sessions.check(first.session().token())).isEmpty();
        });
        t.clock.advance(Duration.ofSeconds(30));
        assertThat(t.signIn.signIn("kim", PASSWORD, t.code(kim))).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("kim", "my very own password", t.code(kim))).isInstanceOf(StaffSignIn.SignedIn.class);
    }

    @Test
    void guessingTheCurrentPasswordLocksTheAccountAndEndsItsSessions() {
        StaffSignIn.SignedIn in = (StaffSignIn.SignedIn) t.signIn.signIn("kim", PASSWORD, t.code(kim));
        for (int i = 1; i < StaffSignIn.MAX_FAILURES; i++) {
            assertThat(t.signIn.changeOwnPassword("kim", "guess number " + i, "my very own password"))
                    .isEqualTo(new StaffSignIn.WrongPassword());
        }

        assertThat(t.signIn.changeOwnPassword("kim", "guess number 5", "my very own password"))
                .isEqualTo(new StaffSignIn.PasswordLocked(t.clock.instant().plus(StaffSignIn.LOCK_FOR)));
        assertThat(t.sessions.check(in.session().token())).isEmpty();
        assertThat(t.signIn.changeOwnPassword("kim", PASSWORD, "my very own password")).isInstanceOf(StaffSignIn.PasswordLocked.class);
    }

    @Test
    void aWeakNewPasswordChangesNothing() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.signIn.changeOwnPassword("kim", PASSWORD, "kim"))
                .isInstanceOf(StaffChangeRefused.class);
        assertThat(t.store.find("kim").orElseThrow().version()).isEqualTo(1);
    }
}
