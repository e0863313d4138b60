package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.gate.GateTokens;
import dev.orderly.gate.Ticket;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private static final Instant START = Instant.parse("2021-07-26T15:00:00.250Z");
    private static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final Duration IDLE = Duration.ofMinutes(10);

    private final MutableClock clock = MutableClock.at(START);
    private final SessionTokens sessions = new SessionTokens(TestKeys.fixed("k1", 1), clock, LIFETIME, IDLE);

    @Test
    void aSessionCarriesThePersonItsGenerationAndItsDeadlines() {
        String token = sessions.issue(17, 3);

        assertThat(sessions.verify(token)).contains(new SessionTokens.Session(17, 3, START, START.plus(IDLE), START.plus(LIFETIME)));
        assertThat(sessions.lifetime()).isEqualTo(LIFETIME);
        assertThat(sessions.idleLifetime()).isEqualTo(IDLE);
    }

    @Test
    void anUnusedSessionEndsWhenItsIdleTimeRunsOut() {
        String token = sessions.issue(17, 1);

        clock.set(START.plus(IDLE).minusMillis(1));
        assertThat(sessions.verify(token)).isPresent();
        clock.set(START.plus(IDLE));
        assertThat(sessions.verify(token)).isEmpty();
        assertThat(sessions.read(token)).as("still genuine, just not active").isPresent();
    }

    @Test
    void aRefreshMovesTheIdleDeadlineButNeverPastTheAbsoluteEnd() {
        String token = sessions.issue(17, 1);
        clock.set(START.plus(Duration.ofMinutes(9)));
        SessionTokens.Session s = sessions.verify(token).orElseThrow();
        assertThat(sessions.refreshDue(s)).isTrue();

        String refreshed = sessions.refresh(s);
        assertThat(sessions.read(refreshed).orElseThrow().idleUntil()).isEqualTo(START.plus(Duration.ofMinutes(19)));

        clock.set(START.plus(Duration.ofMinutes(18)));
        SessionTokens.Session again = sessions.verify(refreshed).orElseThrow();
        clock.set(START.plus(Duration.ofMinutes(27)));
        SessionTokens.Session late = sessions.verify(sessions.refresh(again)).orElseThrow();
        assertThat(late.idleUntil()).isEqualTo(START.plus(LIFETIME));
        assertThat(late.issuedAt()).isEqualTo(START);
        assertThat(sessions.refreshDue(late)).as("nothing left to move").isFalse();

        clock.set(START.plus(LIFETIME));
        assertThat(sessions.verify(sessions.refresh(late))).isEmpty();
    }

    @Test
    void aRefreshIsDueOnlyAfterAMinuteOfIdleTimeWasUsed() {
        String token = sessions.issue(17, 1);
        SessionTokens.Session s = sessions.read(token).orElseThrow();

        clock.set(START.plus(Duration.ofSeconds(59)));
        assertThat(sessions.refreshDue(s)).isFalse();
        clock.set(START.plus(Duration.ofSeconds(61)));
        assertThat(sessions.refreshDue(s)).isTrue();
    }

    @Test
    void aTamperedSessionIsRejected() {
        String token = sessions.issue(17, 1);
        String[] parts = token.split("\\.");
        String payload = "18|1|" + START.toEpochMilli() + "|" + START.plus(IDLE).toEpochMilli() + "|"
                + START.plus(Duration.ofDays(365)).toEpochMilli();
        String otherPerson = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));

        assertThat(sessions.verify(parts[0] + "." + otherPerson + "." + parts[2])).isEmpty();
        assertThat(sessions.verify(token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"))).isEmpty();
        assertThat(sessions.verify(null)).isEmpty();
        assertThat(sessions.verify("")).isEmpty();
    }

    @Test
    void aTicketSignedWithTheSameKeysIsNotASession() {
        String ticket = new GateTokens(TestKeys.fixed("k1", 1)).encode(new Ticket("identity", 17, START, "browser-0123456789abcdef", ""));

        assertThat(sessions.verify(ticket)).isEmpty();
    }

    @Test
    void aSessionOfAnotherServerIsRejected() {
        SessionTokens other = new SessionTokens(TestKeys.fixed("k1", 2), clock, LIFETIME, IDLE);

        assertThat(sessions.verify(other.issue(17, 1))).isEmpty();
    }

    @Test
    void anIdleLifetimeLongerThanTheWholeLifetimeIsRefused() {
        assertThatThrownBy(() -> new SessionTokens(TestKeys.fixed("k1", 1), clock, IDLE, LIFETIME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT30M").hasMessageContaining("PT10M");
        assertThatThrownBy(() -> new SessionTokens(TestKeys.fixed("k1", 1), clock, LIFETIME, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
