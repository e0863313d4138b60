package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The join limit per address over a real socket, with X-Forwarded-For set by the caller: believed
 * when the caller (127.0.0.1 here) is a listed proxy, ignored when it is not (a client cannot buy
 * itself fresh addresses with a header).
 */
class TrustedProxiesHttpIT {

    private static final int LIMIT = 3;

    private static int createdJoins(String trustedProxies) {
        OrderlyApp app = TestApp.start(Map.of("ORDERLY_TRUSTED_PROXIES", trustedProxies,
                "ORDERLY_RATE_JOIN_PER_ADDRESS", LIMIT + "/1h"), Clock.systemUTC());
        try {
            int created = 0;
            for (int i = 0; i < 2 * LIMIT; i++) {
                ApiClient.Answer a = new ApiClient(app.port()).post("/api/gates/identity/join", null,
                        "X-Forwarded-For", "203.0.113." + (10 + i));
                assertThat(a.status()).as(a.body()).isIn(201, 429);
                created += a.status() == 201 ? 1 : 0;
            }
            return created;
        } finally {
            app.close();
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimit() {
        assertThat(createdJoins("127.0.0.1/32")).isEqualTo(2 * LIMIT);
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnoredAndThePeerIsLimited() {
        assertThat(createdJoins("10.0.0.0/8")).isEqualTo(LIMIT);
    }
}
