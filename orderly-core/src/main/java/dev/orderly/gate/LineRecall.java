package dev.orderly.gate;

import java.time.Instant;
import java.util.Objects;

/**
 * A place whose holder left the line and asked to be texted when their turn nears.
 *
 * @param id              random and unguessable; the restore link carries it, signed
 * @param ticket          the place, as the gate signed it (number, holder, the browser that left)
 * @param personId        the verified person the text goes to (their phone in the registry)
 * @param armedAt         when the holder left
 * @param textedAt        when the text was queued; null until then
 * @param restoredBrowser the browser the link was first opened in; empty until then
 */
public record LineRecall(String id, Ticket ticket, long personId, Instant armedAt, Instant textedAt, String restoredBrowser) {

    public LineRecall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(armedAt, "armedAt");
        restoredBrowser = restoredBrowser == null ? "" : restoredBrowser;
    }

    public boolean texted() {
        return textedAt != null;
    }

    public LineRecall textedAt(Instant at) {
        return new LineRecall(id, ticket, personId, armedAt, at, restoredBrowser);
    }

    public LineRecall restoredIn(String browserId) {
        return new LineRecall(id, ticket, personId, armedAt, textedAt, browserId);
    }
}
