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
 * @param phone           for someone not verified (personId 0): the number they proved with a code,
 *                        digits only; empty for a verified person, and forgotten once the text is
 *                        queued (the outbox keeps its own sealed copy until it is sent)
 */
public record LineRecall(String id, Ticket ticket, long personId, Instant armedAt, Instant textedAt, String restoredBrowser,
                         String phone) {

    public LineRecall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(armedAt, "armedAt");
        restoredBrowser = restoredBrowser == null ? "" : restoredBrowser;
        phone = phone == null ? "" : phone;
    }

    /** A verified person's recall: the text goes to the phone the registry holds for them. */
    public LineRecall(String id, Ticket ticket, long personId, Instant armedAt, Instant textedAt, String restoredBrowser) {
        this(id, ticket, personId, armedAt, textedAt, restoredBrowser, "");
    }

    /** Whether the text goes to a number given with a code rather than to a verified person's. */
    public boolean byPhone() {
        return personId == 0;
    }

    @Override
    public String toString() {
        return "LineRecall[id=" + id + ", ticket=" + ticket + ", personId=" + personId + ", armedAt=" + armedAt + ", textedAt=" + textedAt
                + ", restoredBrowser=" + restoredBrowser + ", phone=" + (phone.isEmpty() ? "" : "***") + "]";
    }

    public boolean texted() {
        return textedAt != null;
    }

    public LineRecall textedAt(Instant at) {
        // The number is not needed once the text is queued: forgetting it here keeps it no longer than it serves.
        return new LineRecall(id, ticket, personId, armedAt, at, restoredBrowser, "");
    }

    public LineRecall restoredIn(String browserId) {
        return new LineRecall(id, ticket, personId, armedAt, textedAt, browserId, phone);
    }
}
