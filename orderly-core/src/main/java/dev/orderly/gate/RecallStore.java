package dev.orderly.gate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Port: the places whose holders left the line to be texted. Shared by every node; the texts are
 * queued by whichever node's watcher finds them due, once each.
 */
public interface RecallStore {

    /**
     * Keeps {@code recall} unless its place (gate and number) already has one; returns the one kept,
     * so leaving twice (two tabs, a retry) arms one text. A recall by phone is also not kept while
     * another recall on the same gate waits to text the same number (one armed recall per phone per
     * gate); that other one is returned.
     */
    LineRecall arm(LineRecall recall);

    Optional<LineRecall> find(String id);

    /**
     * Offers up to {@code limit} recalls not texted yet to {@code textIfDue}, each to one caller at a
     * time across every node (others skip what is being looked at); for each it answers with a text,
     * queues that text to the person (the outbox) and records {@code now} as its text time, together,
     * so a text is queued exactly when the recall is marked texted: never twice, never lost. A recall
     * by phone gives up its number in the same step (the queued text carries it).
     *
     * @return the recalls texted by this call
     */
    List<LineRecall> textDue(Instant now, int limit, Function<LineRecall, Optional<String>> textIfDue);

    /**
     * Binds the recall to the browser that first opens its link; true if it is (now or already)
     * bound to {@code browserId}, false if another browser holds it or there is no such recall.
     */
    boolean bindBrowser(String id, String browserId);

    /**
     * Forgets the recalls by phone (no verified person) armed before {@code armedBefore} and never
     * texted: their line ended without reaching them (closed, or its gate removed), and the number
     * they keep sealed must not outlive the night. Returns how many were forgotten.
     */
    int forgetAbandoned(Instant armedBefore);
}
