package dev.orderly.server.redis;

import dev.orderly.server.fault.OwnRedisCluster;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** One cluster-mode client on the tests' own three-master Redis Cluster, for the adapters' contract suites. */
final class RedisClusterClients {

    private static RedisAPI api;

    private RedisClusterClients() {
    }

    static synchronized RedisAPI api() {
        if (api == null) {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(16).setMaxPoolWaiting(100_000);
            OwnRedisCluster.get().urls().forEach(options::addConnectionString);
            api = RedisAPI.api(Redis.createClient(Vertx.vertx(), options));
        }
        return api;
    }
}
