package dev.orderly.registry;

import java.util.List;

class InMemoryResidentRegistryTest extends ResidentRegistryContract {

    @Override
    protected ResidentRegistry registryOf(List<ResidentRecord> records) {
        InMemoryResidentRegistry registry = new InMemoryResidentRegistry();
        records.forEach(registry::put);
        return registry;
    }
}
