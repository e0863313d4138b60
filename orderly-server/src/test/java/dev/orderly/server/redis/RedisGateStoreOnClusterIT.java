package dev.orderly.server.redis;

import dev.orderly.gate.GateStore;
import dev.orderly.gate.GateStoreContract;
import java.util.UUID;

/**
 * The gate store contract on a real three-master Redis Cluster: every script's keys share a hash
 * slot (the gate's name in braces), and the client routes each call to the shard that owns it.
 */
class RedisGateStoreOnClusterIT extends GateStoreContract {

    @Override
    protected GateStore newStore() {
        return new RedisGateStore(RedisClusterClients.api(), "cluster-" + UUID.randomUUID());
    }
}
