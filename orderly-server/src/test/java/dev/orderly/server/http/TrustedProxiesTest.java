package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Whose X-Forwarded-For is believed: only a listed proxy's, read from the right past every trusted hop. */
class TrustedProxiesTest {

    private final TrustedProxies haproxy = TrustedProxies.from("127.0.0.1/32,10.0.0.0/8");

    @Test
    void behindTheTrustedProxyTheClientItAppendedIsTheAddress() {
        assertThat(haproxy.client("127.0.0.1", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(haproxy.client("10.4.0.2", "203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void aClientReachingTheNodeDirectlyCannotSpoofItsAddressWithTheHeader() {
        assertThat(haproxy.client("198.51.100.7", "203.0.113.9")).isEqualTo("198.51.100.7");
        assertThat(haproxy.client("198.51.100.7", "127.0.0.1")).isEqualTo("198.51.100.7");
    }

    @Test
    void whatTheClientWroteBeforeTheProxysEntryIsIgnored() {
        // The client sent "X-Forwarded-For: 1.2.3.4"; HAProxy appended the address it saw.
        assertThat(haproxy.client("127.0.0.1", "1.2.3.4, 198.51.100.7")).isEqualTo("198.51.100.7");
    }

    @Test
    void hopsThatAreTrustedProxiesThemselvesAreSkipped() {
        assertThat(haproxy.client("127.0.0.1", "198.51.100.7, 10.9.9.9")).isEqualTo("198.51.100.7");
        assertThat(haproxy.client("127.0.0.1", "10.1.1.1, 10.9.9.9")).isEqualTo("10.1.1.1");
    }

    @Test
    void aHopThatIsNoAddressStopsTheWalkAtTheNearestTrustedHop() {
        assertThat(haproxy.client("127.0.0.1", "evil.example, 10.9.9.9")).isEqualTo("10.9.9.9");
        assertThat(haproxy.client("127.0.0.1", "unknown")).isEqualTo("127.0.0.1");
    }

    @Test
    void withoutAHeaderOrWithoutTrustThePeerIsTheClient() {
        assertThat(haproxy.client("127.0.0.1", null)).isEqualTo("127.0.0.1");
        assertThat(TrustedProxies.none().client("127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
        assertThat(TrustedProxies.none().believesHeaders()).isFalse();
    }

    @Test
    void theOlderSwitchBelievesAnyPeersLastEntry() {
        assertThat(TrustedProxies.anyPeer().client("198.51.100.7", "1.2.3.4, 203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void ipv6NetworksMatchByPrefix() {
        TrustedProxies v6 = TrustedProxies.from("fd00::/8,::1");
        assertThat(v6.client("fd12:3456::1", "2001:db8::5")).isEqualTo("2001:db8::5");
        assertThat(v6.client("0:0:0:0:0:0:0:1", "2001:db8::5")).isEqualTo("2001:db8::5");
        assertThat(v6.client("fe80::1", "2001:db8::5")).isEqualTo("fe80::1");
        assertThat(v6.client("127.0.0.1", "2001:db8::5")).as("an IPv4 peer is in no IPv6 network").isEqualTo("127.0.0.1");
    }

    @Test
    void aMalformedListIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> TrustedProxies.from("10.0.0.0/8,10.0.0.0/40")).hasMessageContaining("10.0.0.0/40");
        assertThatThrownBy(() -> TrustedProxies.from("192.168.1.1/16")).hasMessageContaining("first address");
        assertThatThrownBy(() -> TrustedProxies.from("localhost")).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> TrustedProxies.from("1.2.3")).hasMessageContaining("'1.2.3'");
    }
}
