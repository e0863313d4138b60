package dev.orderly.watch;

import java.time.Instant;
import java.util.List;

/**
 * The alerts every node shows: the active ones and the history. The evaluator (one node at a
 * time) writes; any node reads. At most one active alert per {@link Alert#key()}.
 */
public interface AlertBook {

    /** Records {@code alert} as active; false when one with its key is active already. */
    boolean raise(Alert alert);

    /** Resolves the active alert with {@code key} at {@code at}; false when none is active. */
    boolean resolve(String key, Instant at);

    /** Active alerts, oldest first. */
    List<Alert> active();

    /** The latest {@code limit} alerts, active or resolved, newest first. */
    List<Alert> recent(int limit);
}
