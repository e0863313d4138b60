package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.store.StoreUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request that failed because a dependency is unavailable: 503 with {@code Retry-After}
 * and a problem body, never a stack trace. During an outage every request fails the same way, so
 * the log gets one line when a dependency starts failing requests and then at most one line per
 * {@link #LOG_EVERY} with how many were answered 503 meanwhile, instead of a trace per request.
 */
final class Outages {

    private static final Logger LOG = LoggerFactory.getLogger(Outages.class);

    /** How long a client is told to wait before trying again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    static final Duration LOG_EVERY = Duration.ofSeconds(10);

    // Log pacing is not domain time: the monotonic clock, so a test's fixed clock still gets its lines.
    private final Map<String, Long> lastLine = new HashMap<>();
    private final Map<String, Long> since = new HashMap<>();

    /** The unavailability behind {@code error}, when that is what it is. */
    static StoreUnavailableException unavailability(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException u) {
                return u;
            }
        }
        return null;
    }

    Reply answer(String method, StoreUnavailableException outage) {
        log(outage);
        // A write whose connection broke may have been carried out: say so, and how to find out.
        String detail = "GET".equals(method) || "HEAD".equals(method)
                ? "a service Orderly depends on is not answering; try again in a few seconds"
                : "a service Orderly depends on is not answering, so this request may or may not have been carried out; "
                        + "send it again in a few seconds with the same Idempotency-Key to get its answer";
        return Reply.problem(ProblemType.SERVICE_UNAVAILABLE, detail)
                .with("dependency", outage.dependency())
                .header("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
    }

    private synchronized void log(StoreUnavailableException outage) {
        long now = System.nanoTime();
        String dependency = outage.dependency();
        Long last = lastLine.get(dependency);
        if (last != null && now - last < LOG_EVERY.toNanos()) {
            since.merge(dependency, 1L, Long::sum);
            return;
        }
        long suppressed = since.getOrDefault(dependency, 0L);
        lastLine.put(dependency, now);
        since.put(dependency, 0L);
        LOG.warn("{} unavailable: answering 503 ({} more such answers since the last line): {}", dependency, suppressed,
                outage.getMessage());
    }
}
