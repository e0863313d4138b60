package dev.orderly.gate;

import dev.orderly.token.HmacTokenSigner;
import dev.orderly.token.SigningKeys;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Encodes tickets and passes as signed tokens. Fields are joined by '|'; gate names and browser
 * ids cannot contain it, so a payload cannot be forged by crafting a field.
 */
public final class GateTokens {

    private static final Pattern BROWSER_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    private final HmacTokenSigner tickets;
    private final HmacTokenSigner passes;

    public GateTokens(SigningKeys keys) {
        this.tickets = new HmacTokenSigner(keys, "ticket");
        this.passes = new HmacTokenSigner(keys, "pass");
    }

    /** Whether {@code id} has the form of a browser id this server hands out. */
    public static boolean isBrowserId(String id) {
        return id != null && BROWSER_ID.matcher(id).matches();
    }

    public String encode(Ticket t) {
        return tickets.sign(t.gate() + "|" + t.sequence() + "|" + t.issuedAt().toEpochMilli() + "|" + t.browserId());
    }

    public Optional<Ticket> decodeTicket(String token) {
        return tickets.verify(token).flatMap(payload -> {
            String[] f = payload.split("\\|", -1);
            if (f.length != 4) {
                return Optional.empty();
            }
            return parseLong(f[1]).flatMap(seq -> parseLong(f[2])
                    .map(ms -> new Ticket(f[0], seq, Instant.ofEpochMilli(ms), f[3])));
        });
    }

    public String encode(Pass p) {
        return passes.sign(p.gate() + "|" + p.sequence() + "|" + p.browserId() + "|" + p.expiresAt().toEpochMilli());
    }

    public Optional<Pass> decodePass(String token) {
        return passes.verify(token).flatMap(payload -> {
            String[] f = payload.split("\\|", -1);
            if (f.length != 4) {
                return Optional.empty();
            }
            return parseLong(f[1]).flatMap(seq -> parseLong(f[3])
                    .map(ms -> new Pass(f[0], seq, f[2], Instant.ofEpochMilli(ms))));
        });
    }

    private static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
