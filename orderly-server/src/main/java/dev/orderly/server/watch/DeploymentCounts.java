package dev.orderly.server.watch;

import dev.orderly.ops.NodeBoard;
import dev.orderly.watch.Figures;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The deployment's running totals for the watchdog, made from what the dashboard already has
 * each second on every node: the rates every node posted to the {@link NodeBoard}, summed. Each
 * second's sum is added in, times the seconds since the last one; no store is read. The totals
 * start at zero when the node starts, which the rules never see: they only read differences.
 *
 * <p>Each node also posts two levels of its own beside its rates ({@link #SKEW_MS}, {@link
 * #CANARY_FAILURES}): the watchdog on another node reads them from the same board.
 */
public final class DeploymentCounts {

    /** A node's clock minus the database's, in milliseconds (a level, not a rate). */
    public static final String SKEW_MS = "level|clockSkewMs";
    /** How many of a node's last canary walks failed in a row (a level). */
    public static final String CANARY_FAILURES = "level|canaryFailures";

    private final Map<String, Double> counts = new HashMap<>();
    private final Map<String, Double> providerMs = new HashMap<>();
    private final Map<String, Duration> skew = new HashMap<>();
    private final Map<String, Integer> canary = new HashMap<>();

    /** One second of the deployment: the sum of every node's rates, and each node's post. */
    public synchronized void add(Map<String, Double> perSecond, Map<String, NodeBoard.Post> nodes, double seconds) {
        perSecond.forEach((k, rate) -> {
            double n = rate * seconds;
            if (n <= 0) {
                return;
            }
            String[] parts = k.split("\\|");
            switch (parts[0]) {
                case "book" -> {
                    add(Figures.ATTEMPTS, n);
                    add(parts[1].equals("Booked") ? Figures.BOOKED : Figures.REFUSED + parts[1], n);
                }
                case "http" -> {
                    add(Figures.HTTP, n);
                    if (parts[1].startsWith("5")) {
                        add(Figures.HTTP_5XX, n);
                    }
                    if (parts[1].equals("503")) {
                        add(Figures.HTTP_503, n);
                    }
                }
                case "checks" -> {
                    add(Figures.CHECKS, n);
                    if (parts.length > 2 && parts[2].equals("Verified")) {
                        add(Figures.VERIFIED, n);
                    }
                }
                case "provider.calls" -> add(Figures.PROVIDER_CALLS + parts[1], n);
                case "provider.ms" -> providerMs.merge(parts[1], n, Double::sum);
                default -> {
                    // joins, changes, cancels, limits: no rule reads them.
                }
            }
        });
        skew.clear();
        canary.clear();
        nodes.forEach((node, post) -> {
            Double s = post.ratesPerSecond().get(SKEW_MS);
            if (s != null) {
                skew.put(node, Duration.ofMillis(Math.round(s)));
            }
            Double c = post.ratesPerSecond().get(CANARY_FAILURES);
            if (c != null) {
                canary.put(node, (int) Math.round(c));
            }
        });
    }

    private void add(String key, double n) {
        counts.merge(key, n, Double::sum);
    }

    synchronized Map<String, Double> counts() {
        return Map.copyOf(counts);
    }

    synchronized Map<String, Double> providerMs() {
        return Map.copyOf(providerMs);
    }

    synchronized Map<String, Duration> skew() {
        return Map.copyOf(skew);
    }

    synchronized Map<String, Integer> canary() {
        return Map.copyOf(canary);
    }
}
