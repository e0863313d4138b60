package dev.orderly.server.redis;

import dev.orderly.ops.NodeBoard;
import dev.orderly.ops.NodeBoardContract;
import dev.orderly.server.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.UUID;

/** The node board contract against a real Redis (the local one, or an embedded one). */
class RedisNodeBoardIT extends NodeBoardContract {

    private static RedisAPI redis;

    private static synchronized RedisAPI redis() {
        if (redis == null) {
            redis = RedisAPI.api(Redis.createClient(Vertx.vertx(), new RedisOptions().setConnectionString(TestRedis.url())));
        }
        return redis;
    }

    @Override
    protected NodeBoard newBoard() {
        return new RedisNodeBoard(redis(), "test-" + UUID.randomUUID());
    }
}
