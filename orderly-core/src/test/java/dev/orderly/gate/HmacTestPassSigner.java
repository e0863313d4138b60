package dev.orderly.gate;

import dev.orderly.token.HmacTokenSigner;
import dev.orderly.token.SigningKeys;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A {@link PassSigner} for core tests, on {@link HmacTokenSigner} with its own purpose ("pass"),
 * so a ticket never verifies as a pass nor a pass as a ticket. The real adapter (ES256 JWTs with
 * a JWKS document) lives in the server module.
 *
 * <p>Instants travel in ISO-8601 form, so a pass comes back exactly as it was signed, nanoseconds
 * included; fields are joined by '|', which no gate name, browser id or holder may contain.
 */
public final class HmacTestPassSigner implements PassSigner {

    private final HmacTokenSigner signer;

    public HmacTestPassSigner(SigningKeys keys) {
        this.signer = new HmacTokenSigner(keys, "pass");
    }

    @Override
    public String sign(Pass pass) {
        return signer.sign(String.join("|", pass.gate(), Long.toString(pass.rank()), pass.browserId(), pass.holder(),
                pass.issuedAt().toString(), pass.expiresAt().toString()));
    }

    @Override
    public Optional<Pass> verify(String token) {
        return signer.verify(token).flatMap(payload -> {
            String[] f = payload.split("\\|", -1);
            if (f.length != 6) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Pass(f[0], Long.parseLong(f[1]), f[2], f[3], Instant.parse(f[4]), Instant.parse(f[5])));
            } catch (NumberFormatException | DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }
}
