package dev.orderly.server.redis;

import dev.orderly.gate.GateStore;
import dev.orderly.gate.GateStoreContract;
import dev.orderly.server.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.UUID;

/** The gate store contract against a real Redis (the local one, or an embedded one). */
class RedisGateStoreIT extends GateStoreContract {

    // Shared and never closed: the contract's jqwik properties run outside JUnit's class
    // lifecycle, after an @AfterAll would already have closed it.
    private static RedisAPI redis;

    private static synchronized RedisAPI redis() {
        if (redis == null) {
            redis = RedisAPI.api(Redis.createClient(Vertx.vertx(), new RedisOptions().setConnectionString(TestRedis.url())
                    .setMaxPoolSize(16).setMaxPoolWaiting(100_000)));
        }
        return redis;
    }

    @Override
    protected GateStore newStore() {
        // A fresh prefix per test: an empty store without flushing a Redis others may use.
        return new RedisGateStore(redis(), "test-" + UUID.randomUUID());
    }
}
