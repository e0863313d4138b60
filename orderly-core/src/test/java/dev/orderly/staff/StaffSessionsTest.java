package dev.orderly.staff;

import static dev.orderly.staff.StaffTesting.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaffSessionsTest {

    private final StaffTesting t = new StaffTesting();

    private String signedIn(String login, Role role, Set<Long> clinics) {
        StaffAccounts.WithSecret created = t.accounts.create(login, "Someone", role, clinics, PASSWORD);
        return ((StaffSignIn.SignedIn) t.signIn.signIn(login, PASSWORD, t.code(created))).session().token();
    }

    @Test
    void theStoreKeepsAHashOfTheTokenNotTheToken() {
        String token = signedIn("kim", Role.OPERATOR, Set.of());

        assertThat(t.store.session(token)).isEmpty();
        assertThat(t.store.session(StaffSessions.id(token))).isPresent();
    }

    @Test
    void aSessionUnusedForThirtyMinutesEnds() {
        String token = signedIn("kim", Role.OPERATOR, Set.of());
        t.clock.advance(Duration.ofMinutes(29));
        assertThat(t.sessions.check(token)).isPresent();
        t.clock.advance(Duration.ofMinutes(29));
        assertThat(t.sessions.check(token)).as("used 29 minutes ago").isPresent();

        t.clock.advance(Duration.ofMinutes(30));

        assertThat(t.sessions.check(token)).isEmpty();
        assertThat(t.store.session(StaffSessions.id(token))).isEmpty();
    }

    @Test
    void aSessionInUseEndsTwelveHoursAfterSignIn() {
        String token = signedIn("kim", Role.OPERATOR, Set.of());
        for (int i = 0; i < 12 * 4 - 1; i++) {
            t.clock.advance(Duration.ofMinutes(15));
            assertThat(t.sessions.check(token)).as("after %d quarter hours", i + 1).isPresent();
        }
        t.clock.advance(Duration.ofMinutes(15));

        assertThat(t.sessions.check(token)).isEmpty();
    }

    @Test
    void signingOutEndsTheSession() {
        String token = signedIn("kim", Role.OPERATOR, Set.of());

        t.sessions.end(token);

        assertThat(t.sessions.check(token)).isEmpty();
    }

    @Test
    void disablingOrChangingWhatAnAccountMayDoEndsItsSessionsButANewNameDoesNot() {
        String kim = signedIn("kim", Role.OPERATOR, Set.of());
        String lee = signedIn("lee", Role.CLINIC, Set.of(1L));
        String park = signedIn("park", Role.AGENT, Set.of());

        t.accounts.change("kim", Optional.of("Kim M."), Optional.empty(), Optional.empty());
        assertThat(t.sessions.check(kim).orElseThrow().account().name()).isEqualTo("Kim M.");
        t.accounts.change("kim", Optional.empty(), Optional.of(Role.AUDITOR), Optional.empty());
        t.accounts.change("lee", Optional.empty(), Optional.empty(), Optional.of(Set.of(1L, 2L)));
        t.accounts.disable("park");

        assertThat(t.sessions.check(kim)).isEmpty();
        assertThat(t.sessions.check(lee)).isEmpty();
        assertThat(t.sessions.check(park)).isEmpty();
    }

    @Test
    void garbageIsNoSession() {
        assertThat(t.sessions.check(null)).isEmpty();
        assertThat(t.sessions.check("")).isEmpty();
        assertThat(t.sessions.check("x".repeat(1000))).isEmpty();
    }
}
