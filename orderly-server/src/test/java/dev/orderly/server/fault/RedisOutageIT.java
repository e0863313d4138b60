package dev.orderly.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.ApiClient;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.TestApp;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Redis SIGKILLed in the middle of a stream of joins and started again on the same port and
 * append-only file, with one Orderly running throughout: joins and polls answer 503 (never 500)
 * while Redis is gone, {@code /ready} is 503 naming Redis and then 200 again, no number is issued
 * twice, every join sent after another was answered gets a later number (FIFO), a ticket from
 * before the crash keeps its place, and joins go through again without restarting Orderly.
 */
class RedisOutageIT {

    private static final int JOINERS = 4;
    private static final int JOINS_EACH_SIDE = 60;
    private static final Duration GIVE_UP = Duration.ofMinutes(4);

    private OwnRedis redis;
    private OrderlyApp app;

    @BeforeEach
    void start() {
        redis = OwnRedis.start();
        // A slow line: everyone waits, so a join's answer is its number and nothing else.
        app = TestApp.start(Map.of("ORDERLY_REDIS_URL", redis.url(), "ORDERLY_REDIS_PREFIX", "fault" + System.nanoTime(),
                "ORDERLY_GATE_IDENTITY_RATE", "0.001"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** One answered join: its number, and which joiner sent it as its how-manieth join. */
    private record Join(int joiner, int nth, long rank) {
    }

    @Test
    void redisKilledDuringJoinsIsA503AndNoNumberIsIssuedTwice() throws Exception {
        ApiClient watcher = new ApiClient(app.port());
        assertThat(watcher.get("/ready").status()).isEqualTo(200);
        ApiClient early = ApiClient.from("127.0.3.1", app.port());
        ApiClient.Answer earlyJoin = early.post("/api/gates/identity/join", null);
        assertThat(earlyJoin.status()).as(earlyJoin.body()).isEqualTo(201);
        long earlyRank = earlyJoin.json().getLong("rank");

        ConcurrentLinkedQueue<Join> joins = new ConcurrentLinkedQueue<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger addresses = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(JOINERS);
        List<Future<?>> work = new ArrayList<>();
        for (int j = 0; j < JOINERS; j++) {
            int joiner = j;
            work.add(pool.submit(() -> {
                int nth = 0;
                while (!stop.get()) {
                    // A new browser each time (no cookie): the batched counter's path, from addresses spread past the join limit.
                    ApiClient browser = ApiClient.from("127.0.4." + (addresses.incrementAndGet() % 250 + 1), app.port());
                    ApiClient.Answer a;
                    try {
                        a = browser.post("/api/gates/identity/join", null);
                    } catch (UncheckedIOException lost) {
                        continue;
                    }
                    statuses.merge(a.status(), 1, Integer::sum);
                    if (a.status() == 201) {
                        joins.add(new Join(joiner, nth++, a.json().getLong("rank")));
                    } else if (a.status() != 503) {
                        unexpected.add(a.status() + " " + a.body());
                    } else {
                        pause(50);
                    }
                }
            }));
        }

        OwnProcess.await(JOINS_EACH_SIDE + " joins before the crash", GIVE_UP, () -> joins.size() >= JOINS_EACH_SIDE);
        redis.kill();
        OwnProcess.await("a join is answered 503", GIVE_UP, () -> statuses.getOrDefault(503, 0) > 0);
        ApiClient.Answer notReady = watcher.get("/ready");
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.json().getJsonObject("dependencies").getString("redis")).isEqualTo("DOWN");
        assertThat(notReady.json().getJsonObject("dependencies").getString("postgresql")).isEqualTo("UP");
        ApiClient.Answer refused = ApiClient.from("127.0.3.2", app.port()).post("/api/gates/identity/join", null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().getString("type")).isEqualTo("/problems/service-unavailable");
        assertThat(refused.body()).doesNotContain("Exception");
        // A waiting ticket's poll is a signature check and the node's cached mark: it may still answer, never 500.
        assertThat(early.get("/api/gates/identity/status").status()).isIn(200, 503);
        int joinedBeforeRestart = joins.size();
        long highestBefore = joins.stream().mapToLong(Join::rank).max().orElseThrow();

        redis.startAgain();
        OwnProcess.await("/ready is 200 again", GIVE_UP, () -> watcher.get("/ready").status() == 200);
        OwnProcess.await(JOINS_EACH_SIDE + " joins after the restart", GIVE_UP,
                () -> joins.size() >= joinedBeforeRestart + JOINS_EACH_SIDE);
        stop.set(true);
        for (Future<?> f : work) {
            f.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS);
        }
        pool.shutdown();

        LoggerFactory.getLogger(RedisOutageIT.class).info("join answers by status {}, numbers issued {}", statuses, joins.size());
        assertThat(unexpected).as("answers other than 201 and 503").isEmpty();
        assertThat(statuses).doesNotContainKey(500);
        Set<Long> ranks = new HashSet<>();
        for (Join join : joins) {
            assertThat(ranks.add(join.rank())).as("number %d issued once", join.rank()).isTrue();
        }
        assertThat(ranks).doesNotContain(earlyRank);
        // FIFO: each joiner sent its joins one after another, so each got a larger number than its last.
        for (int j = 0; j < JOINERS; j++) {
            int joiner = j;
            List<Long> own = joins.stream().filter(x -> x.joiner() == joiner).sorted((a, b) -> Integer.compare(a.nth(), b.nth()))
                    .map(Join::rank).toList();
            assertThat(own).as("joiner %d's numbers", joiner).isSorted();
        }
        assertThat(joins.stream().skip(joinedBeforeRestart).mapToLong(Join::rank).min().orElseThrow())
                .as("numbers after the restart come after every number before it").isGreaterThan(highestBefore);
        ApiClient.Answer stillThere = early.get("/api/gates/identity/status");
        assertThat(stillThere.status()).as(stillThere.body()).isEqualTo(200);
        assertThat(stillThere.json().getLong("rank")).isEqualTo(earlyRank);
    }

    private static void pause(long millis) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
