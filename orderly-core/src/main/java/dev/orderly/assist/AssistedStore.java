package dev.orderly.assist;

import java.util.Optional;

/**
 * Port: who is acting for whom just now, one entry per binding, shared by every node (an agent's
 * next request may reach another node). Adapters may forget entries a while after they expire.
 */
public interface AssistedStore {

    /** Keeps {@code assisted}, replacing whatever its binding had. */
    void put(Assisted assisted);

    Optional<Assisted> get(String binding);

    /**
     * Replaces the entry of {@code binding} with {@code confirmed} only if it is still exactly
     * {@code pending}; whether it did. Two right answers to one code confirm once.
     */
    boolean replace(Assisted pending, Assisted confirmed);

    /** Forgets the entry of {@code binding}, if any. */
    void remove(String binding);
}
