package dev.orderly.gate;

/** The memory store against the gate contract. */
class InMemoryGateStoreTest extends GateStoreContract {

    @Override
    protected GateStore newStore() {
        return new InMemoryGateStore();
    }
}
