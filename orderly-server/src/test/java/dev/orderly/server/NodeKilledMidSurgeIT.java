package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.gate.JwtPassSigner;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Three Orderly processes on one Redis and one PostgreSQL; people join through all three; in the
 * middle of the surge one node is killed with SIGKILL. Its people carry on through the other two
 * with the places they had: the same ranks, one FIFO order, passes it gave still accepted (the pass
 * keys are shared), and no number handed out twice, before or after the kill.
 */
class NodeKilledMidSurgeIT {

    private static final int BEFORE_KILL = 45;
    private static final int AFTER_KILL = 45;
    private static final double RATE = 10;
    private static final Duration READY_WITHIN = Duration.ofMinutes(5);

    private record Person(ApiClient client, int joinedVia, long sequence, long rank) {
    }

    @Test
    void peopleOfANodeKilledMidSurgeKeepTheirPlacesThroughTheOthers() throws Exception {
        Map<String, String> shared = sharedSettings();
        List<Process> nodes = new ArrayList<>();
        try {
            int[] ports = new int[3];
            ports[0] = start(nodes, shared);
            // The first node writes the demo data; the others start once it has.
            ports[1] = start(nodes, shared);
            ports[2] = start(nodes, shared);

            List<Person> people = new ArrayList<>();
            for (int i = 0; i < BEFORE_KILL; i++) {
                people.add(join(ports, i % 3));
            }
            awaitMarkAtLeast(ports[1], 5);
            // Someone node 0 admitted, and the pass it handed out, before it dies.
            Person admittedByTheDead = people.stream().filter(p -> p.joinedVia() == 0)
                    .filter(p -> "admitted".equals(p.client().withPort(ports[0]).get("/api/gates/identity/status").json().getString("state")))
                    .findFirst().orElseThrow(() -> new AssertionError("node 0 admitted nobody before the kill"));

            Process killed = nodes.getFirst();
            killed.destroyForcibly();
            assertThat(killed.waitFor(1, TimeUnit.MINUTES)).as("node 0 died").isTrue();

            long highestBefore = people.stream().mapToLong(Person::sequence).max().orElseThrow();
            for (int i = 0; i < AFTER_KILL; i++) {
                people.add(join(ports, 1 + i % 2));
            }

            Set<Long> sequences = new HashSet<>();
            people.forEach(p -> sequences.add(p.sequence()));
            assertThat(sequences).as("no number handed out twice").hasSize(people.size());
            assertThat(people.subList(BEFORE_KILL, people.size())).allSatisfy(p ->
                    assertThat(p.sequence()).as("a number after the kill").isGreaterThan(highestBefore));

            // The pass node 0 gave is accepted by the others: a step behind the gate gets past the pass check.
            ApiClient holder = admittedByTheDead.client().withPort(ports[2]);
            ApiClient.Answer step = holder.post("/api/identity/challenges", new JsonObject().put("name", "아무개")
                    .put("birthDate", "1990-01-01").put("phone", "010-0000-" + (1000 + admittedByTheDead.sequence() % 9000)));
            assertThat(step.status()).as("past the pass check: " + step.body()).isNotEqualTo(403);

            // Everyone, node 0's people included, asks the living nodes: same rank, one FIFO order, all admitted in time.
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            boolean everyoneIn = false;
            while (!everyoneIn && System.nanoTime() < deadline) {
                everyoneIn = true;
                for (int node = 1; node <= 2; node++) {
                    boolean seenAdmitted = false;
                    for (int i = people.size() - 1; i >= 0; i--) {
                        Person p = people.get(i);
                        JsonObject status = p.client().withPort(ports[node]).get("/api/gates/identity/status").json();
                        boolean admitted = "admitted".equals(status.getString("state"));
                        assertThat(status.getLong("rank")).as("rank of person %d (joined via node %d) on node %d", i, p.joinedVia(), node)
                                .isEqualTo(p.rank());
                        if (seenAdmitted) {
                            assertThat(admitted).as("person %d on node %d behind an admitted later joiner", i, node).isTrue();
                        }
                        seenAdmitted |= admitted;
                        everyoneIn &= admitted;
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            }
            assertThat(everyoneIn).as("everyone admitted through the living nodes").isTrue();
        } finally {
            for (Process p : nodes) {
                p.destroyForcibly();
            }
            for (Process p : nodes) {
                p.waitFor(1, TimeUnit.MINUTES);
            }
        }
    }

    private static Person join(int[] ports, int node) {
        ApiClient client = new ApiClient(ports[node]);
        ApiClient.Answer a = client.post("/api/gates/identity/join", null);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        String ticket = a.json().getString("ticket");
        long sequence = Long.parseLong(new String(Base64.getUrlDecoder().decode(ticket.split("\\.")[1]), StandardCharsets.UTF_8)
                .split("\\|")[1]);
        return new Person(client, node, sequence, a.json().getLong("rank"));
    }

    private static void awaitMarkAtLeast(int port, long mark) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (new ApiClient(port).get("/api/gates/identity").json().getLong("admitted") < mark) {
            assertThat(System.nanoTime()).as("%d admitted within a minute", mark).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private static Map<String, String> sharedSettings() {
        SecureRandom random = new SecureRandom();
        Map<String, String> shared = new HashMap<>();
        shared.put("ORDERLY_PII_HASH_KEY", randomKey(random));
        shared.put("ORDERLY_PHONE_KEYS", "p1:" + randomKey(random));
        shared.put("ORDERLY_RATE_JOIN_PER_ADDRESS", "1000/10s");
        shared.put("ORDERLY_DATABASE_URL", TestDatabase.fresh());
        shared.put("ORDERLY_REDIS_URL", TestRedis.url());
        shared.put("ORDERLY_REDIS_PREFIX", "node-killed-" + UUID.randomUUID());
        shared.put("ORDERLY_SIGNING_KEYS", "k1:" + randomKey(random));
        shared.put("ORDERLY_PASS_KEYS", JwtPassSigner.generateKeys().toString(false));
        shared.put("ORDERLY_OPERATOR_TOKEN", "operator-token-" + UUID.randomUUID());
        shared.put("ORDERLY_DEMO_PEOPLE", "2000");
        shared.put("ORDERLY_DEMO_CLINICS", "60");
        shared.put("ORDERLY_GATE_IDENTITY_RATE", Double.toString(RATE));
        return shared;
    }

    private static String randomKey(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Starts one node in its own JVM (its output to a file) and returns its port once {@code /ready} answers 200. */
    private static int start(List<Process> nodes, Map<String, String> shared) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path dataDir = Files.createTempDirectory("orderly-node");
        Path log = dataDir.resolve("node.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.orderly.server.Main");
        pb.environment().putAll(shared);
        pb.environment().put("ORDERLY_HTTP_PORT", Integer.toString(port));
        pb.environment().put("ORDERLY_DATA_DIR", dataDir.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        nodes.add(p);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("node on port " + port + " exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return port;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        throw new AssertionError("node on port " + port + " not ready within " + READY_WITHIN + ":\n" + Files.readString(log));
    }
}
