package dev.orderly.staff;

import static dev.orderly.staff.StaffTesting.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaffAccountsTest {

    private final StaffTesting t = new StaffTesting();

    private void refused(Runnable change, StaffChangeRefused.Reason reason) {
        assertThatThrownBy(change::run).isInstanceOfSatisfying(StaffChangeRefused.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void aNewAccountComesWithItsAuthenticatorSecretAndHoldsNoPlainPassword() {
        StaffAccounts.WithSecret created = t.accounts.create("kim", "Kim Minji", Role.OPERATOR, Set.of(), PASSWORD);

        assertThat(created.otpauthUri()).isEqualTo("otpauth://totp/Orderly%3Akim?secret=" + created.totpSecret()
                + "&issuer=Orderly&algorithm=SHA1&digits=6&period=30");
        StaffAccount stored = t.store.find("kim").orElseThrow();
        assertThat(stored.passwordHash()).startsWith("$argon2id$").doesNotContain(PASSWORD);
        assertThat(stored.toString()).doesNotContain(stored.passwordHash()).doesNotContain(created.totpSecret());
    }

    @Test
    void passwordsAreAtLeastTwelveCharactersAndNotTheLogin() {
        refused(() -> t.accounts.create("kim", "Kim", Role.OPERATOR, Set.of(), "short pass"), StaffChangeRefused.Reason.WEAK_PASSWORD);
        refused(() -> t.accounts.create("kimminji1234", "Kim", Role.OPERATOR, Set.of(), "KimMinji1234"),
                StaffChangeRefused.Reason.WEAK_PASSWORD);
        refused(() -> t.accounts.create("kim", "Kim", Role.OPERATOR, Set.of(), " ".repeat(20)), StaffChangeRefused.Reason.WEAK_PASSWORD);
        refused(() -> t.accounts.create("kim", "Kim", Role.OPERATOR, Set.of(), "x".repeat(257)), StaffChangeRefused.Reason.WEAK_PASSWORD);
        assertThat(t.store.all()).isEmpty();
    }

    @Test
    void loginsNamesAndClinicsAreChecked() {
        refused(() -> t.accounts.create("Kim", "Kim", Role.OPERATOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("machine:ops", "Kim", Role.OPERATOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("k", "Kim", Role.OPERATOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("system", "Kim", Role.OPERATOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("kim", " ", Role.OPERATOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("kim", "Kim\u0000", Role.OPERATOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("kim", "Kim", Role.CLINIC, Set.of(), PASSWORD), StaffChangeRefused.Reason.INVALID);
        refused(() -> t.accounts.create("kim", "Kim", Role.AGENT, Set.of(1L), PASSWORD), StaffChangeRefused.Reason.INVALID);
        assertThat(t.store.all()).isEmpty();
    }

    @Test
    void aLoginIsTakenOnce() {
        t.accounts.create("kim", "Kim", Role.OPERATOR, Set.of(), PASSWORD);

        refused(() -> t.accounts.create("kim", "Kim again", Role.AUDITOR, Set.of(), PASSWORD), StaffChangeRefused.Reason.EXISTS);
    }

    @Test
    void leavingTheClinicRoleDropsTheClinics() {
        t.accounts.create("lee", "Lee", Role.CLINIC, Set.of(4L), PASSWORD);

        refused(() -> t.accounts.change("lee", Optional.empty(), Optional.of(Role.AGENT), Optional.of(Set.of(4L))),
                StaffChangeRefused.Reason.INVALID);
        StaffAccount agent = t.accounts.change("lee", Optional.empty(), Optional.of(Role.AGENT), Optional.empty());

        assertThat(agent.clinics()).isEmpty();
        assertThat(t.store.find("lee").orElseThrow()).isEqualTo(agent);
        refused(() -> t.accounts.change("lee", Optional.empty(), Optional.of(Role.CLINIC), Optional.empty()),
                StaffChangeRefused.Reason.INVALID);
    }

    @Test
    void changesToAnUnknownAccountAreRefused() {
        refused(() -> t.accounts.disable("ghost"), StaffChangeRefused.Reason.UNKNOWN);
        refused(() -> t.accounts.setPassword("ghost", PASSWORD), StaffChangeRefused.Reason.UNKNOWN);
        refused(() -> t.accounts.resetTotp("ghost"), StaffChangeRefused.Reason.UNKNOWN);
    }

    @Test
    void aNewAuthenticatorSecretRetiresTheOldCodes() {
        StaffAccounts.WithSecret first = t.accounts.create("kim", "Kim", Role.OPERATOR, Set.of(), PASSWORD);
        String oldCode = t.code(first);

        StaffAccounts.WithSecret second = t.accounts.resetTotp("kim");

        assertThat(second.totpSecret()).isNotEqualTo(first.totpSecret());
        assertThat(t.signIn.signIn("kim", PASSWORD, oldCode.equals(t.code(second)) ? "x" : oldCode)).isEqualTo(new StaffSignIn.Refused());
        assertThat(t.signIn.signIn("kim", PASSWORD, t.code(second))).isInstanceOf(StaffSignIn.SignedIn.class);
    }

    @Test
    void aRandomPasswordPassesThePolicy() {
        String p = t.accounts.randomPassword();

        assertThat(p).hasSize(20);
        assertThat(PasswordPolicy.problem("kim", p)).isEmpty();
    }
}
