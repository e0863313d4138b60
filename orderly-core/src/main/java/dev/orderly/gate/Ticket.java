package dev.orderly.gate;

import java.time.Instant;

/**
 * A place in line, as the server signed it.
 *
 * @param gate      the gate it was issued by
 * @param sequence  the number drawn from the gate's counter: 1 is first (before opening, a
 *                  pre-queue number, turned into a rank at opening)
 * @param issuedAt  server time of issue
 * @param browserId the random id of the browser it was issued to (also in an HttpOnly cookie)
 * @param holder    on keyed gates, who holds the place (e.g. {@code person:42}); else empty
 */
public record Ticket(String gate, long sequence, Instant issuedAt, String browserId, String holder) {
    public Ticket {
        holder = holder == null ? "" : holder;
    }
}
