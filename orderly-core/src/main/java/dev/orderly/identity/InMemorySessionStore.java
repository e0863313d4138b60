package dev.orderly.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/** Session generations in one node's memory: the reference model, for tests and single-node trials. */
public final class InMemorySessionStore implements SessionStore {

    private final ConcurrentMap<Long, Generation> generations = new ConcurrentHashMap<>();

    @Override
    public Begun begin(long personId, Instant now) {
        AtomicReference<Generation> previous = new AtomicReference<>();
        Generation current = generations.compute(personId, (id, prev) -> {
            previous.set(prev);
            return new Generation(prev == null ? 1 : prev.number() + 1, now, true);
        });
        return new Begun(current, Optional.ofNullable(previous.get()));
    }

    @Override
    public Optional<Generation> current(long personId) {
        return Optional.ofNullable(generations.get(personId));
    }

    @Override
    public boolean end(long personId, long generation) {
        boolean[] ended = {false};
        generations.computeIfPresent(personId, (id, g) -> {
            if (g.number() == generation && g.active()) {
                ended[0] = true;
                return new Generation(g.number(), g.since(), false);
            }
            return g;
        });
        return ended[0];
    }
}
