package dev.orderly.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The board of a single node: what it posts is all there is. */
public final class InMemoryNodeBoard implements NodeBoard {

    private final Map<String, Post> posts = new ConcurrentHashMap<>();

    @Override
    public void post(String node, Map<String, Double> ratesPerSecond, Instant at) {
        posts.put(node, new Post(at, ratesPerSecond));
    }

    @Override
    public Map<String, Post> fresh(Instant now, Duration within) {
        Map<String, Post> fresh = new TreeMap<>();
        posts.forEach((node, post) -> {
            if (!post.at().isBefore(now.minus(within)) && !post.at().isAfter(now.plus(within))) {
                fresh.put(node, post);
            }
        });
        return fresh;
    }
}
