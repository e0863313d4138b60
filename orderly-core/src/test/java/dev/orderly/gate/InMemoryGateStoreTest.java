package dev.orderly.gate;

/** The memory store against the gate contract. */
class InMemoryGateStoreTest extends GateStoreContract {

    @Override
    protected GateStore newStore() {
        return new InMemoryGateStore();
    }

    // Cheap here, and a non-atomic update shows only in a long race when there are few cores:
    // a thread may otherwise finish in one time slice and meet nobody.

    @Override
    protected int issuesPerThread() {
        return 200_000;
    }

    @Override
    protected int ranksPerSpendRace() {
        return 100_000;
    }
}
