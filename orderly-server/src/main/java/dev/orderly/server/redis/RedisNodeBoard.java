package dev.orderly.server.redis;

import dev.orderly.ops.NodeBoard;
import dev.orderly.server.vertx.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node board in one Redis hash: a field per node, its post as JSON with the time it was
 * made. Readers skip stale posts; a post older than a minute is removed by whoever reads it, so a
 * node that died leaves nothing behind for long.
 */
public final class RedisNodeBoard implements NodeBoard {

    private static final Duration FORGET_AFTER = Duration.ofMinutes(1);

    private final RedisAPI redis;
    private final String key;

    public RedisNodeBoard(RedisAPI redis, String prefix) {
        this.redis = redis;
        this.key = prefix + ":nodes:figures";
    }

    private static <T> T await(Future<T> future) {
        return Await.await(future, RedisErrors::translate);
    }

    @Override
    public void post(String node, Map<String, Double> ratesPerSecond, Instant at) {
        JsonObject rates = new JsonObject();
        ratesPerSecond.forEach(rates::put);
        String json = new JsonObject().put("at", at.toString()).put("rates", rates).encode();
        await(redis.hset(List.of(key, node, json)));
    }

    @Override
    public Map<String, Post> fresh(Instant now, Duration within) {
        Response all = await(redis.hgetall(key));
        Map<String, Post> fresh = new TreeMap<>();
        if (all == null) {
            return fresh;
        }
        for (String node : all.getKeys()) {
            JsonObject post = new JsonObject(all.get(node).toString());
            Instant at = Instant.parse(post.getString("at"));
            if (at.isBefore(now.minus(FORGET_AFTER))) {
                await(redis.hdel(List.of(key, node)));
                continue;
            }
            if (at.isBefore(now.minus(within)) || at.isAfter(now.plus(within))) {
                continue;
            }
            Map<String, Double> rates = new HashMap<>();
            post.getJsonObject("rates").forEach(e -> rates.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
            fresh.put(node, new Post(at, rates));
        }
        return fresh;
    }
}
