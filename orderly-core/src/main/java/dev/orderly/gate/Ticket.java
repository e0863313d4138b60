package dev.orderly.gate;

import java.time.Instant;

/**
 * A place in line, as the server signed it.
 *
 * @param gate      the gate it was issued by
 * @param sequence  the place: 1 is first
 * @param issuedAt  server time of issue
 * @param browserId the random id of the browser it was issued to (also in an HttpOnly cookie)
 */
public record Ticket(String gate, long sequence, Instant issuedAt, String browserId) {
}
