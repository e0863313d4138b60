package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.token.TestKeys;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GateTokensTest {

    private static final String BROWSER = "browser-0123456789abcdef";
    /** Tickets carry milliseconds: instants here have no finer part. */
    private static final Instant AT = Instant.parse("2021-07-26T11:00:00.123Z");

    private final GateTokens tokens = new GateTokens(TestKeys.fixed("k1", 1));

    @Test
    void aTicketSurvivesTheRoundTrip() {
        Ticket ticket = new Ticket("identity", 1_234_567, AT, BROWSER, "");

        assertThat(tokens.decodeTicket(tokens.encode(ticket))).contains(ticket);
    }

    @Test
    void aKeyedTicketKeepsItsHolder() {
        Ticket ticket = new Ticket("booking", 42, AT, BROWSER, "person:42");

        assertThat(tokens.decodeTicket(tokens.encode(ticket))).contains(ticket);
    }

    @Test
    void tokensOfAnotherServerAreNotAccepted() {
        GateTokens other = new GateTokens(TestKeys.fixed("k1", 2));
        Ticket ticket = new Ticket("identity", 1, AT, BROWSER, "");

        assertThat(tokens.decodeTicket(other.encode(ticket))).isEmpty();
    }

    @Test
    void aTamperedOrTruncatedTicketIsNotAccepted() {
        String token = tokens.encode(new Ticket("identity", 1, AT, BROWSER, ""));

        assertThat(tokens.decodeTicket(token + "x")).isEmpty();
        assertThat(tokens.decodeTicket(token.substring(0, token.length() - 1))).isEmpty();
        assertThat(tokens.decodeTicket("")).isEmpty();
        assertThat(tokens.decodeTicket(null)).isEmpty();
    }

    @Test
    void aTicketIsNeverAcceptedAsAPassNorAPassAsATicket() {
        HmacTestPassSigner passes = new HmacTestPassSigner(TestKeys.fixed("k1", 1));
        Pass pass = new Pass("identity", 1, BROWSER, "", AT, AT.plusSeconds(600));
        String passToken = passes.sign(pass);
        String ticketToken = tokens.encode(new Ticket("identity", 1, AT, BROWSER, ""));

        assertThat(passes.verify(passToken)).as("the double itself round-trips").contains(pass);
        assertThat(tokens.decodeTicket(passToken)).isEmpty();
        assertThat(passes.verify(ticketToken)).isEmpty();
    }

    @Test
    void aBrowserIdOrHolderThatCouldSplitThePayloadIsRefusedAtEncoding() {
        assertThatThrownBy(() -> tokens.encode(new Ticket("identity", 1, AT, "a|2|3|" + BROWSER, "")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.encode(new Ticket("identity", 1, AT, BROWSER, "person:1|" + BROWSER)))
                .isInstanceOf(IllegalArgumentException.class);
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
