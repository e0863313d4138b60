package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void anIpv4AddressIsItsOwnKey() {
        assertThat(ClientAddress.key("203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void anIpv6AddressIsKeyedByItsSlash64() {
        assertThat(ClientAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.key("2001:db8:1:2::1")).isEqualTo(ClientAddress.key("2001:0db8:0001:0002:ffff::9"));
        assertThat(ClientAddress.key("2001:db8:1:3::1")).isNotEqualTo(ClientAddress.key("2001:db8:1:2::1"));
    }

    @Test
    void somethingThatIsNotAnAddressIsKeptAsGivenAndNeverLookedUp() {
        assertThat(ClientAddress.key("evil.example")).isEqualTo("evil.example");
        assertThat(ClientAddress.key("g:h")).isEqualTo("g:h");
    }
}
