package dev.orderly.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Where every node posts its traffic of the last second, so a dashboard on any node shows the
 * whole deployment, not the node it happens to be connected to. A node that stopped posting drops
 * out after {@code within}: the count of fresh posts is the count of nodes up.
 */
public interface NodeBoard {

    /** This node's rates per second, measured at {@code at}; replaces its previous post. */
    void post(String node, Map<String, Double> ratesPerSecond, Instant at);

    /** The latest post of every node that posted within {@code within} before {@code now}. */
    Map<String, Post> fresh(Instant now, Duration within);

    record Post(Instant at, Map<String, Double> ratesPerSecond) {
        public Post {
            ratesPerSecond = Map.copyOf(ratesPerSecond);
        }
    }
}
