package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.gate.JwtPassSigner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Three Orderly processes behind no load balancer but sharing one Redis (and one PostgreSQL) act
 * as one: no sequence number is handed out twice, the admission order is one FIFO order whichever
 * node is asked, and the gate admits at its rate, not three times it.
 */
class ThreeNodesShareOneRedisIT {

    private static final int PEOPLE = 60;
    private static final double RATE = 20;

    @Test
    void threeNodesHandOutOneSequenceAndAdmitInOneFifoOrderAtTheGatesRate() throws Exception {
        String database = TestDatabase.fresh();
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        byte[] hashKey = new byte[32];
        byte[] phoneKey = new byte[32];
        new java.security.SecureRandom().nextBytes(hashKey);
        new java.security.SecureRandom().nextBytes(phoneKey);
        Map<String, String> shared = Map.ofEntries(
                Map.entry("ORDERLY_PII_HASH_KEY", Base64.getEncoder().encodeToString(hashKey)),
                Map.entry("ORDERLY_PHONE_KEYS", "p1:" + Base64.getEncoder().encodeToString(phoneKey)),
                Map.entry("ORDERLY_RATE_JOIN_PER_ADDRESS", "1000/10s"),
                Map.entry("ORDERLY_DATABASE_URL", database),
                Map.entry("ORDERLY_REDIS_URL", TestRedis.url()),
                Map.entry("ORDERLY_REDIS_PREFIX", "three-nodes-" + UUID.randomUUID()),
                Map.entry("ORDERLY_SIGNING_KEYS", "k1:" + Base64.getEncoder().encodeToString(secret)),
                Map.entry("ORDERLY_PASS_KEYS", JwtPassSigner.generateKeys().toString(false)),
                Map.entry("ORDERLY_OPERATOR_TOKEN", "operator-token-" + UUID.randomUUID()),
                Map.entry("ORDERLY_DEMO_PEOPLE", "2000"),
                Map.entry("ORDERLY_DEMO_CLINICS", "60"),
                Map.entry("ORDERLY_GATE_IDENTITY_RATE", Double.toString(RATE)));
        List<Process> nodes = new ArrayList<>();
        try {
            int first = start(nodes, shared);
            // The first node writes the demo data; the others start once it has.
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> start(nodes, shared));
            CompletableFuture<Integer> third = CompletableFuture.supplyAsync(() -> start(nodes, shared));
            int[] ports = {first, second.get(3, TimeUnit.MINUTES), third.get(3, TimeUnit.MINUTES)};
            // One lottery secret for the gate, whichever node drew or serves it (issue #16).
            Set<String> lotteries = new HashSet<>();
            for (int port : ports) {
                io.vertx.core.json.JsonObject lottery = new ApiClient(port).get("/api/gates/identity/lottery").json();
                lotteries.add(lottery.getString("commitment") + "|" + lottery.getString("secret", "") + "|" + lottery.getBoolean("revealed"));
            }
            assertThat(lotteries).hasSize(1);

            List<ApiClient> people = new ArrayList<>();
            Set<Long> sequences = new HashSet<>();
            for (int i = 0; i < PEOPLE; i++) {
                ApiClient person = new ApiClient(ports[i % 3]);
                String ticket = person.post("/api/gates/identity/join", null).json().getString("ticket");
                sequences.add(Long.parseLong(new String(Base64.getUrlDecoder().decode(ticket.split("\\.")[1]),
                        StandardCharsets.UTF_8).split("\\|")[1]));
                people.add(person);
            }
            long joinedAt = System.nanoTime();
            assertThat(sequences).hasSize(PEOPLE);
            assertThat(sequences.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(PEOPLE);

            // Each node, swept from the back of the line forward, never shows someone admitted
            // ahead of someone earlier still waiting.
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            boolean everyoneIn = false;
            long sampledMark = -1;
            while (!everyoneIn && System.nanoTime() < deadline) {
                everyoneIn = true;
                for (int node = 0; node < 3; node++) {
                    boolean seenAdmitted = false;
                    for (int i = PEOPLE - 1; i >= 0; i--) {
                        ApiClient viaNode = people.get(i).withPort(ports[node]);
                        String state = viaNode.get("/api/gates/identity/status").json().getString("state");
                        boolean admitted = "admitted".equals(state);
                        if (seenAdmitted) {
                            assertThat(admitted).as("person %d on node %d behind an admitted later joiner", i + 1, node).isTrue();
                        }
                        seenAdmitted |= admitted;
                        everyoneIn &= admitted;
                    }
                }
                double seconds = (System.nanoTime() - joinedAt) / 1e9;
                if (sampledMark < 0 && seconds > 1.0) {
                    sampledMark = new ApiClient(ports[0]).get("/api/gates/identity").json().getLong("admitted");
                    // One node's rate, with slack for a tick and the sweep; three nodes would be 3x.
                    assertThat(sampledMark).isLessThanOrEqualTo((long) (RATE * (seconds + 1.0)));
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            assertThat(everyoneIn).as("everyone admitted within three minutes").isTrue();
            double took = (System.nanoTime() - joinedAt) / 1e9;
            assertThat(took).as("60 people at 20/s take about 3 s, not 1 s").isGreaterThan(PEOPLE / RATE * 0.6);
        } finally {
            List<Process> started;
            synchronized (nodes) {
                started = List.copyOf(nodes);
            }
            started.forEach(Process::destroy);
            for (Process p : started) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Starts one node in its own JVM and returns its port once it serves. */
    private static int start(List<Process> nodes, Map<String, String> shared) {
        try {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path dataDir = Files.createTempDirectory("orderly-node");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.orderly.server.Main");
            pb.environment().putAll(shared);
            pb.environment().put("ORDERLY_HTTP_PORT", Integer.toString(port));
            pb.environment().put("ORDERLY_DATA_DIR", dataDir.toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            synchronized (nodes) {
                nodes.add(p);
            }
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("Orderly is running")) {
                    // Keep draining its output so the node never blocks on a full pipe.
                    Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                    return port;
                }
            }
            throw new AssertionError("node did not start:\n" + seen);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
