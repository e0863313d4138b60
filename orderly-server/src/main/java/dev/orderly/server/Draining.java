package dev.orderly.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether this node is leaving. From the moment it is, {@code /ready} answers 503 (so the load
 * balancer sends no new requests here) while everything else is still served: what the node holds
 * finishes, and people whose next poll lands here are answered, until the drain period is over.
 */
final class Draining {

    /** The name under which readiness reports a leaving node. */
    static final String NAME = "draining";

    private final AtomicBoolean leaving = new AtomicBoolean();

    /** Starts the drain; whether this call did (a second stop request changes nothing). */
    boolean begin() {
        return leaving.compareAndSet(false, true);
    }

    boolean isDraining() {
        return leaving.get();
    }

    /** The readiness of {@code dependencies}, and not ready at all once draining, without asking them. */
    Supplier<CompletionStage<Map<String, Boolean>>> readiness(Supplier<CompletionStage<Map<String, Boolean>>> dependencies) {
        return () -> leaving.get() ? CompletableFuture.completedFuture(Map.of(NAME, false)) : dependencies.get();
    }
}
