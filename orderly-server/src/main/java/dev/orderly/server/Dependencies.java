package dev.orderly.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services a node needs (PostgreSQL, Redis when configured), each checked by a cheap call
 * with a short timeout: on demand for {@code /ready}, and every {@link #PROBE_EVERY} in the
 * background so the {@code orderly.dependency.up} gauge and the log follow an outage even when
 * nobody asks. The log gets one line when a dependency goes down and one when it is back.
 *
 * <p>Nothing here reconnects anything: the clients' pools open new connections by themselves once
 * the service answers again; this only watches.
 */
final class Dependencies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);
    static final Duration CHECK_WITHIN = Duration.ofSeconds(1);
    static final Duration PROBE_EVERY = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final Map<String, Supplier<Future<?>>> checks;
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private final long timer;

    /** @param checks by dependency name, a call that succeeds when the dependency answers */
    Dependencies(Vertx vertx, Map<String, Supplier<Future<?>>> checks, MeterRegistry meters) {
        this.vertx = vertx;
        this.checks = new LinkedHashMap<>(checks);
        checks.keySet().forEach(name -> {
            up.put(name, true);
            Gauge.builder("orderly.dependency.up", () -> up.getOrDefault(name, false) ? 1.0 : 0.0).tag("dependency", name)
                    .description("1 while the dependency answers its health check, 0 while it does not").register(meters);
        });
        this.timer = vertx.setPeriodic(PROBE_EVERY.toMillis(), id -> check());
    }

    /** Checks every dependency now; answers each one's state, in the order given. */
    CompletionStage<Map<String, Boolean>> check() {
        List<String> names = new ArrayList<>(checks.keySet());
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        for (String name : names) {
            answers.add(checkOne(name));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, Boolean> result = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                result.put(names.get(i), answers.get(i).join());
            }
            return result;
        });
    }

    private CompletableFuture<Boolean> checkOne(String name) {
        Future<?> call;
        try {
            call = checks.get(name).get().timeout(CHECK_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            call = Future.failedFuture(e);
        }
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        call.onComplete(r -> {
            boolean ok = r.succeeded();
            Boolean was = up.put(name, ok);
            if (was != null && was != ok) {
                if (ok) {
                    LOG.info("{} answers again", name);
                } else {
                    LOG.warn("{} is not answering: {}", name, r.cause() == null ? "" : r.cause().toString());
                }
            }
            answer.complete(ok);
        });
        return answer;
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
