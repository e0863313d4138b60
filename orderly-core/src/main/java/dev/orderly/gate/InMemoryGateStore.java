package dev.orderly.gate;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** One node's gate counters in memory: the embedded default. Lost on restart. */
public final class InMemoryGateStore implements GateStore {

    private record Counters(AtomicLong issued, AtomicLong admitted) {
    }

    private final ConcurrentMap<String, Counters> gates = new ConcurrentHashMap<>();

    private Counters of(String gate) {
        return gates.computeIfAbsent(gate, g -> new Counters(new AtomicLong(), new AtomicLong()));
    }

    @Override
    public long issue(String gate) {
        return of(gate).issued().incrementAndGet();
    }

    @Override
    public long issued(String gate) {
        return of(gate).issued().get();
    }

    @Override
    public long admittedUpTo(String gate) {
        return of(gate).admitted().get();
    }

    @Override
    public long admit(String gate, long count) {
        Counters counters = of(gate);
        if (count <= 0) {
            return counters.admitted().get();
        }
        // Read issued first: the mark may lag a concurrent issue, never overtake it.
        return counters.admitted().updateAndGet(mark -> Math.min(counters.issued().get(), mark + count));
    }
}
