package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Joins against a node whose gates are on Redis, many at once, with the gate admitting fast enough
 * that the line moves past numbers while they are on their way: every join is answered 201 with
 * its status (a pass for those already admitted), never a 5xx, and nothing blocking runs on an
 * event loop.
 */
class JoinsOnRedisIT {

    private static final int JOINS = 400;
    private static final int AT_ONCE = 40;

    @Test
    void concurrentJoinsOnRedisAreAllAnsweredAndNoneWithAServerError() throws Exception {
        try (LogCapture log = new LogCapture()) {
            OrderlyApp app = TestApp.start(Map.of("ORDERLY_REDIS_URL", TestRedis.url(), "ORDERLY_REDIS_PREFIX", "joins-" + UUID.randomUUID(),
                    "ORDERLY_RATE_JOIN_PER_ADDRESS", "100000/10s", "ORDERLY_GATE_IDENTITY_RATE", "2000"), Clock.systemUTC());
            ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE);
            try {
                // The line must move past some numbers while they are on their way, which depends on
                // timing: rounds of joins until one is answered with a pass at once (or patience ends).
                Map<Integer, Integer> statuses = new TreeMap<>();
                List<String> states = new ArrayList<>();
                long deadline = System.nanoTime() + ApiClient.PATIENCE.toNanos();
                do {
                    List<Future<ApiClient.Answer>> joins = new ArrayList<>();
                    for (int i = 0; i < JOINS; i++) {
                        joins.add(clients.submit(() -> new ApiClient(app.port()).post("/api/gates/identity/join", null)));
                    }
                    for (Future<ApiClient.Answer> f : joins) {
                        ApiClient.Answer a = f.get(5, TimeUnit.MINUTES);
                        statuses.merge(a.status(), 1, Integer::sum);
                        if (a.status() == 201) {
                            states.add(a.json().getString("state"));
                        }
                    }
                } while (!states.contains("admitted") && System.nanoTime() < deadline);

                assertThat(statuses).as("answers by status").containsOnlyKeys(201);
                assertThat(states).as("the line moved past some numbers on their way: passes answered at once").contains("admitted");
                assertThat(log.text()).doesNotContain("event loop thread").doesNotContain("Promise already completed");
            } finally {
                clients.shutdownNow();
                app.close();
            }
        }
    }
}
