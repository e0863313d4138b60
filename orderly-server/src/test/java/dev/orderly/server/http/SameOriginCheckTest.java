package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;

/** The cross-site policy, decision by decision. */
class SameOriginCheckTest {

    private static final HostAndPort HOST = HostAndPort.create("vaccine.example.kr", -1);
    private static final HostAndPort HOST_WITH_PORT = HostAndPort.create("127.0.0.1", 8080);

    @Test
    void secFetchSiteDecidesWhenPresent() {
        assertThat(SameOriginCheck.allowed("same-origin", null, HOST)).isTrue();
        assertThat(SameOriginCheck.allowed("none", null, HOST)).isTrue();
        assertThat(SameOriginCheck.allowed("same-site", null, HOST)).isFalse();
        assertThat(SameOriginCheck.allowed("cross-site", null, HOST)).isFalse();
        assertThat(SameOriginCheck.allowed("Cross-Site", null, HOST)).isFalse();
        assertThat(SameOriginCheck.allowed("cross-site", "https://vaccine.example.kr", HOST)).as("the stronger signal wins").isFalse();
    }

    @Test
    void withoutItTheOriginMustBeOurHostAndPort() {
        assertThat(SameOriginCheck.allowed(null, "https://vaccine.example.kr", HOST)).isTrue();
        assertThat(SameOriginCheck.allowed(null, "https://VACCINE.example.kr", HOST)).isTrue();
        assertThat(SameOriginCheck.allowed(null, "https://evil.example", HOST)).isFalse();
        assertThat(SameOriginCheck.allowed(null, "https://vaccine.example.kr.evil.example", HOST)).isFalse();
        assertThat(SameOriginCheck.allowed(null, "null", HOST)).isFalse();
        assertThat(SameOriginCheck.allowed(null, "not a url", HOST)).isFalse();
        assertThat(SameOriginCheck.allowed(null, "http://127.0.0.1:8080", HOST_WITH_PORT)).isTrue();
        assertThat(SameOriginCheck.allowed(null, "http://127.0.0.1:8081", HOST_WITH_PORT)).isFalse();
        assertThat(SameOriginCheck.allowed(null, "http://127.0.0.1", HOST_WITH_PORT)).isFalse();
        assertThat(SameOriginCheck.allowed(null, "http://[::1]:8080", HostAndPort.create("[::1]", 8080))).isTrue();
        assertThat(SameOriginCheck.allowed(null, "https://vaccine.example.kr", null)).isFalse();
    }

    @Test
    void withNeitherTheRequestIsNotFromABrowserPage() {
        assertThat(SameOriginCheck.allowed(null, null, HOST)).isTrue();
    }
}
