package dev.orderly.gate;

import java.time.Instant;
import java.util.Objects;

/**
 * Proof that a browser's turn came at a gate: presented to the step the gate protects.
 *
 * @param gate      the gate that admitted it (the token's audience)
 * @param rank      the admitted place in line; a pass is spent by rank
 * @param browserId the browser it is bound to
 * @param holder    on keyed gates, who holds the place (e.g. {@code person:42}); else empty
 * @param issuedAt  when this token was made
 * @param expiresAt after this instant the pass is refused; fixed at admission, however often asked for
 */
public record Pass(String gate, long rank, String browserId, String holder, Instant issuedAt, Instant expiresAt) {
    public Pass {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(browserId, "browserId");
        holder = holder == null ? "" : holder;
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean validAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
