package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.Person;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private static final Instant START = Instant.parse("2021-08-09T11:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final Duration IDLE = Duration.ofMinutes(10);

    private final MutableClock clock = MutableClock.at(START);
    private final InMemorySessionStore store = new InMemorySessionStore();
    /** A registry holding nobody: the checks here are about the session, not the person. */
    private final InMemoryResidentRegistry nobody = new InMemoryResidentRegistry();
    private final Sessions sessions = new Sessions(new SessionTokens(TestKeys.fixed("k1", 1), clock, LIFETIME, IDLE), store, clock);

    @Test
    void aNewSessionIsActiveForItsPerson() {
        Sessions.Started started = sessions.begin(17);

        assertThat(started.endedAnother()).isFalse();
        assertThat(sessions.check(started.token(), nobody)).isEqualTo(new SessionCheck.Active(17, Optional.empty(), Optional.empty()));
    }

    @Test
    void aLiveSessionCheckedWithTheRegistryCarriesItsPersonAndAnEndedOneNone() {
        Person hong = new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
        InMemoryResidentRegistry registry = new InMemoryResidentRegistry().add(hong);
        Sessions.Started phone = sessions.begin(17);
        Sessions.Started laptop = sessions.begin(17);

        assertThat(sessions.check(laptop.token(), registry)).isEqualTo(new SessionCheck.Active(17, Optional.of(hong), Optional.empty()));
        assertThat(sessions.check(phone.token(), registry)).isEqualTo(new SessionCheck.Replaced(START));
        assertThat(sessions.check(sessions.begin(18).token(), registry))
                .as("a person the registry no longer holds")
                .isEqualTo(new SessionCheck.Active(18, Optional.empty(), Optional.empty()));
    }

    @Test
    void verifyingOnASecondDeviceEndsTheFirstDevicesSessionAndTheFirstIsToldWhen() {
        Sessions.Started phone = sessions.begin(17);
        clock.advance(Duration.ofMinutes(2));

        Sessions.Started laptop = sessions.begin(17);

        assertThat(laptop.endedAnother()).isTrue();
        assertThat(sessions.check(laptop.token(), nobody)).isInstanceOf(SessionCheck.Active.class);
        assertThat(sessions.check(phone.token(), nobody)).isEqualTo(new SessionCheck.Replaced(START.plus(Duration.ofMinutes(2))));
    }

    @Test
    void verifyingAgainAfterTheOldSessionRanOutEndsNothingLive() {
        sessions.begin(17);
        clock.advance(LIFETIME);

        assertThat(sessions.begin(17).endedAnother()).isFalse();
    }

    @Test
    void verifyingAgainAfterLoggingOutEndsNothingLive() {
        Sessions.Started first = sessions.begin(17);
        sessions.end(first.token());

        assertThat(sessions.check(first.token(), nobody)).isEqualTo(new SessionCheck.Ended());
        assertThat(sessions.begin(17).endedAnother()).isFalse();
    }

    @Test
    void anotherPersonVerifyingEndsNoSessionOfThisOne() {
        Sessions.Started hong = sessions.begin(17);
        sessions.begin(18);

        assertThat(sessions.check(hong.token(), nobody)).isInstanceOf(SessionCheck.Active.class);
    }

    @Test
    void loggingOutOfAReplacedSessionDoesNotEndTheNewOne() {
        Sessions.Started phone = sessions.begin(17);
        Sessions.Started laptop = sessions.begin(17);

        sessions.end(phone.token());

        assertThat(sessions.check(laptop.token(), nobody)).isInstanceOf(SessionCheck.Active.class);
    }

    @Test
    void anIdleSessionExpiresAndAUsedOneIsKeptAliveUpToItsAbsoluteEnd() {
        String token = sessions.begin(17).token();
        for (int minute = 5; minute < 30; minute += 5) {
            clock.set(START.plus(Duration.ofMinutes(minute)));
            SessionCheck check = sessions.check(token, nobody);
            assertThat(check).as("minute %d", minute).isInstanceOf(SessionCheck.Active.class);
            token = ((SessionCheck.Active) check).refreshedToken().orElse(token);
        }
        clock.set(START.plus(LIFETIME));
        assertThat(sessions.check(token, nobody)).isEqualTo(new SessionCheck.Expired(false));

        String idle = sessions.begin(18).token();
        clock.advance(IDLE);
        assertThat(sessions.check(idle, nobody)).isEqualTo(new SessionCheck.Expired(true));
    }

    @Test
    void aMissingOrForgedTokenIsNoSession() {
        assertThat(sessions.check(null, nobody)).isEqualTo(new SessionCheck.None());
        assertThat(sessions.check("", nobody)).isEqualTo(new SessionCheck.None());
        assertThat(sessions.check("k1.Zm9yZ2Vk.AAAA", nobody)).isEqualTo(new SessionCheck.None());
    }

    @Test
    void aSessionTheStoreNeverHeardOfIsEnded() {
        String token = new SessionTokens(TestKeys.fixed("k1", 1), clock, LIFETIME, IDLE).issue(17, 4);

        assertThat(sessions.check(token, nobody)).isEqualTo(new SessionCheck.Ended());
    }

    @Test
    void aStartedSessionPrintsNoToken() {
        Sessions.Started started = sessions.begin(17);

        assertThat(started.toString()).doesNotContain(started.token());
    }
}
