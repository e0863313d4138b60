package dev.orderly.assist;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link AssistedStore} in one process's memory: for tests and a single node. */
public final class InMemoryAssistedStore implements AssistedStore {

    private final ConcurrentMap<String, Assisted> entries = new ConcurrentHashMap<>();

    @Override
    public void put(Assisted assisted) {
        entries.put(assisted.binding(), assisted);
    }

    @Override
    public Optional<Assisted> get(String binding) {
        return Optional.ofNullable(entries.get(binding));
    }

    @Override
    public boolean replace(Assisted pending, Assisted confirmed) {
        if (!pending.binding().equals(confirmed.binding())) {
            throw new IllegalArgumentException("a replacement keeps its binding");
        }
        return entries.replace(pending.binding(), pending, confirmed);
    }

    @Override
    public void remove(String binding) {
        entries.remove(binding);
    }
}
