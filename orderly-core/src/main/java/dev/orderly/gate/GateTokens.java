package dev.orderly.gate;

import dev.orderly.token.HmacTokenSigner;
import dev.orderly.token.SigningKeys;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Encodes tickets as signed tokens. Fields are joined by '|'; gate names, browser ids and holders
 * cannot contain it, so a payload cannot be forged by crafting a field.
 */
public final class GateTokens {

    private static final Pattern BROWSER_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final Pattern HOLDER = Pattern.compile("[A-Za-z0-9:_-]{0,64}");

    private final HmacTokenSigner tickets;

    public GateTokens(SigningKeys keys) {
        this.tickets = new HmacTokenSigner(keys, "ticket");
    }

    /** Whether {@code id} has the form of a browser id this server hands out. */
    public static boolean isBrowserId(String id) {
        return id != null && BROWSER_ID.matcher(id).matches();
    }

    public String encode(Ticket t) {
        if (!isBrowserId(t.browserId()) || !HOLDER.matcher(t.holder()).matches()) {
            throw new IllegalArgumentException("ticket fields out of form: browser id or holder");
        }
        return tickets.sign(t.gate() + "|" + t.sequence() + "|" + t.issuedAt().toEpochMilli() + "|" + t.browserId() + "|" + t.holder());
    }

    public Optional<Ticket> decodeTicket(String token) {
        return tickets.verify(token).flatMap(payload -> {
            String[] f = payload.split("\\|", -1);
            if (f.length != 5) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Ticket(f[0], Long.parseLong(f[1]), Instant.ofEpochMilli(Long.parseLong(f[2])), f[3], f[4]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
