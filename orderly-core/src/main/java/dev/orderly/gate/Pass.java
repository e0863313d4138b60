package dev.orderly.gate;

import java.time.Instant;

/**
 * Proof that a browser's turn came at a gate: presented to the step the gate protects.
 *
 * @param gate      the gate that admitted it
 * @param sequence  the admitted ticket's place in line
 * @param browserId the browser it is bound to
 * @param expiresAt after this instant the pass is refused
 */
public record Pass(String gate, long sequence, String browserId, Instant expiresAt) {

    public boolean validAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
