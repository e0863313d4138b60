package dev.orderly.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A limit shared by every node, with this node's own bucket under it: the way N nodes give a key
 * the limit once, and an outage of the shared store never lets a flood through.
 *
 * <p>Each request is asked of the local bucket first (the full limit, in this node's memory), then
 * of the shared limiter. A request the local bucket refuses is refused without a round trip, so a
 * flood from one key reaching this node costs the shared store nothing past the burst. When the
 * shared limiter fails (down, too slow: its stage fails), the local decision stands: the key gets
 * at most the limit per node, as before limits were shared, never more; fail closed beyond that,
 * never open. The local bucket counts every request, shared decision or not, so it holds the key's
 * true recent history on this node the moment the shared store goes away.
 *
 * <p>Why the full limit locally rather than the limit divided by the number of nodes: a node does
 * not know how the load balancer spreads one key, and with a divided limit an address that reaches
 * one node only (sticky balancing, a single node left) would be refused at a fraction of its limit
 * whenever the shared store is slow. See docs/decisions.md.
 */
public final class FailClosedRateLimiter implements AsyncRateLimiter {

    private final RateLimiter local;
    private final AsyncRateLimiter shared;
    private final LongAdder sharedFailures = new LongAdder();
    private final Consumer<Throwable> onSharedFailure;

    public FailClosedRateLimiter(RateLimiter local, AsyncRateLimiter shared) {
        this(local, shared, failure -> { });
    }

    /** @param onSharedFailure told of each failure of the shared limiter (to log or count it), on the thread that saw it */
    public FailClosedRateLimiter(RateLimiter local, AsyncRateLimiter shared, Consumer<Throwable> onSharedFailure) {
        this.local = local;
        this.shared = shared;
        this.onSharedFailure = onSharedFailure;
    }

    @Override
    public CompletionStage<RateLimiter.Decision> acquire(String key) {
        RateLimiter.Decision here = local.acquire(key);
        if (here instanceof RateLimiter.Limited) {
            return CompletableFuture.completedFuture(here);
        }
        CompletionStage<RateLimiter.Decision> asked;
        try {
            asked = shared.acquire(key);
        } catch (RuntimeException e) {
            failed(e);
            return CompletableFuture.completedFuture(here);
        }
        return asked.handle((decision, failure) -> {
            if (failure != null || decision == null) {
                failed(failure == null ? new IllegalStateException("the shared limiter decided nothing") : failure);
                return here;
            }
            return decision;
        });
    }

    private void failed(Throwable failure) {
        sharedFailures.increment();
        onSharedFailure.accept(failure);
    }

    /** Decisions the shared limiter could not make, answered by the local bucket alone. */
    public long sharedFailures() {
        return sharedFailures.sum();
    }
}
