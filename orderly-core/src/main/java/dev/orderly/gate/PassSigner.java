package dev.orderly.gate;

import java.util.Optional;

/**
 * Port: turns passes into tokens any backend can verify, and back. The server's adapter issues
 * standard signed JWTs with public keys published as a JWKS document.
 */
public interface PassSigner {

    String sign(Pass pass);

    /**
     * The pass inside {@code token} if this server signed it with a key it still trusts, by the
     * expected algorithm; empty for anything else. Expiry, gate and browser are checked by the caller.
     */
    Optional<Pass> verify(String token);
}
