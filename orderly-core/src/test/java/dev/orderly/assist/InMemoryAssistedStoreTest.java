package dev.orderly.assist;

class InMemoryAssistedStoreTest extends AssistedStoreContract {

    @Override
    protected AssistedStore newStore() {
        return new InMemoryAssistedStore();
    }
}
