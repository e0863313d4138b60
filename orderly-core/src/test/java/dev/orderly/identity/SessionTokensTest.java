package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

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

    private final MutableClock clock = MutableClock.at(START);
    private final SessionTokens sessions = new SessionTokens(TestKeys.fixed("k1", 1), clock, LIFETIME);

    @Test
    void aSessionCarriesThePersonAndWhenItWasIssuedAndEnds() {
        String token = sessions.issue(17);

        assertThat(sessions.verify(token)).contains(new SessionTokens.Session(17, START, START.plus(LIFETIME)));
        assertThat(sessions.lifetime()).isEqualTo(LIFETIME);
    }

    @Test
    void aSessionHoldsUntilJustBeforeItEndsAndNotFromThen() {
        String token = sessions.issue(17);

        clock.set(START.plus(LIFETIME).minusMillis(1));
        assertThat(sessions.verify(token)).isPresent();

        clock.set(START.plus(LIFETIME));
        assertThat(sessions.verify(token)).isEmpty();
    }

    @Test
    void aTamperedSessionIsRejected() {
        String token = sessions.issue(17);
        String[] parts = token.split("\\.");
        String payload = "18|" + START.toEpochMilli() + "|" + START.plus(Duration.ofDays(365)).toEpochMilli();
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
        SessionTokens other = new SessionTokens(TestKeys.fixed("k1", 2), clock, LIFETIME);

        assertThat(sessions.verify(other.issue(17))).isEmpty();
    }
}
