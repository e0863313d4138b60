package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.token.TestKeys;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GateTokensTest {

    private static final String BROWSER = "browser-0123456789abcdef";
    private static final Instant AT = Instant.parse("2021-07-26T11:00:00.123Z");

    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));

    @Test
    void aTicketSurvivesTheRoundTrip() {
        Ticket ticket = new Ticket("identity", 1_234_567, AT, BROWSER);

        assertThat(tokens.decodeTicket(tokens.encode(ticket))).contains(ticket);
    }

    @Test
    void aPassSurvivesTheRoundTrip() {
        Pass pass = new Pass("booking", 42, BROWSER, AT.plusSeconds(600));

        assertThat(tokens.decodePass(tokens.encode(pass))).contains(pass);
    }

    @Test
    void aPassIsNotAcceptedAsATicketNorATicketAsAPass() {
        String pass = tokens.encode(new Pass("identity", 1, BROWSER, AT));
        String ticket = tokens.encode(new Ticket("identity", 1, AT, BROWSER));

        assertThat(tokens.decodeTicket(pass)).isEmpty();
        assertThat(tokens.decodePass(ticket)).isEmpty();
    }

    @Test
    void tokensOfAnotherServerAreNotAccepted() {
        GateTokens other = new GateTokens(TestKeys.fixed("k1", 2));
        Ticket ticket = new Ticket("identity", 1, AT, BROWSER);

        assertThat(tokens.decodeTicket(other.encode(ticket))).isEmpty();
    }

    @Test
    void aBrowserIdThatWouldSplitThePayloadNeverComesBackAsATicket() {
        String token = tokens.encode(new Ticket("identity", 1, AT, "a|2|3|" + BROWSER));

        assertThat(tokens.decodeTicket(token)).isEmpty();
    }

    @Test
    void browserIdsAre16To64UrlSafeCharacters() {
        assertThat(GateTokens.isBrowserId(BROWSER)).isTrue();
        assertThat(GateTokens.isBrowserId("a".repeat(16))).isTrue();
        assertThat(GateTokens.isBrowserId("a".repeat(64))).isTrue();
        assertThat(GateTokens.isBrowserId("a".repeat(15))).isFalse();
        assertThat(GateTokens.isBrowserId("a".repeat(65))).isFalse();
        assertThat(GateTokens.isBrowserId("browser|0123456789")).isFalse();
        assertThat(GateTokens.isBrowserId("browser.0123456789")).isFalse();
        assertThat(GateTokens.isBrowserId(null)).isFalse();
    }
}
