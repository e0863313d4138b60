package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.postgres.LeftoverPostgres;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default single node — embedded PostgreSQL, no Redis — as a real process, killed and started
 * again on its data folder: the line is as it was. Every ticket keeps its place and state, a new
 * joiner goes behind everyone, a pass given before still works, and the operator's settings stand.
 *
 * <p>SIGKILL leaves the embedded PostgreSQL running (it is a process of its own): the next start
 * must stop it and start its own. SIGTERM stops both cleanly.
 */
class DefaultNodeRestartIT {

    private static final int PEOPLE = 1_000;
    private static final Duration READY_WITHIN = Duration.ofMinutes(5);
    private static final String OPERATOR = "operator-token-restart-test";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final SecureRandom random = new SecureRandom();
    private final List<Process> started = new ArrayList<>();
    private Path dataDir;
    private int port;

    /** One person in line: the browser id they hold, the ticket they got. */
    private record Person(String browser, String ticket, long sequence) {
    }

    /** Where a ticket stands: admitted or waiting, at which rank. */
    private record Standing(String state, long rank) {
    }

    @BeforeEach
    void freshDataFolder() throws IOException {
        dataDir = Files.createTempDirectory("orderly-restart");
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
    }

    @AfterEach
    void killEverythingStarted() throws IOException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A killed node's PostgreSQL outlives it: stop the one on this test's folder, and only that one.
        LeftoverPostgres.stop(dataDir.resolve("postgres"), Duration.ofMinutes(2));
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void aNodeKilledWithSigkillStartsAgainWithEveryPlacePassAndSettingKept() {
        lineSurvives(true);
    }

    @Test
    void aNodeStoppedWithSigtermStartsAgainWithEveryPlacePassAndSettingKept() {
        lineSurvives(false);
    }

    private void lineSurvives(boolean kill) {
        Process node = start();
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            people.add(join());
        }
        assertThat(people).extracting(Person::sequence).as("numbers in the order of joining").isSorted().doesNotHaveDuplicates();

        operator("PUT", "/api/operator/gates/identity/admission", new JsonObject().put("policy", "FIXED_RATE").put("perSecond", 7.5));
        // Let some be admitted at the new rate, then pause with a message.
        awaitAdmitted(1);
        operator("POST", "/api/operator/gates/identity/pause", new JsonObject().put("message", "back at 20:30"));
        long admitted = awaitAdmittedSettles();
        assertThat(admitted).as("some admitted, most still waiting").isBetween(1L, PEOPLE - 1L);

        Map<Person, Standing> before = standings(people);
        Person firstAdmitted = people.stream().filter(p -> before.get(p).state().equals("admitted")).findFirst().orElseThrow();
        String pass = status(firstAdmitted).getString("pass");
        assertThat(passAccepted(firstAdmitted, pass)).as("the pass works before the restart").isTrue();

        if (kill) {
            node.destroyForcibly();
        } else {
            node.destroy();
        }
        awaitExit(node);
        start();

        Map<Person, Standing> after = standings(people);
        List<String> changed = people.stream().filter(p -> !before.get(p).equals(after.get(p)))
                .map(p -> "#" + p.sequence() + " " + before.get(p) + " -> " + after.get(p)).toList();
        assertThat(changed.size()).as("tickets of %d whose state or rank changed with the restart, e.g. %s", PEOPLE,
                changed.stream().limit(5).toList()).isZero();
        assertThat(passAccepted(firstAdmitted, pass)).as("a pass given before the restart").isTrue();
        JsonObject gate = operator("GET", "/api/operator/gates/identity", null);
        assertThat(gate.getString("mode")).isEqualTo("PAUSED");
        assertThat(gate.getString("message")).isEqualTo("back at 20:30");
        assertThat(gate.getJsonObject("admission").getDouble("perSecond")).isEqualTo(7.5);
        assertThat(gate.getJsonObject("figures").getLong("admitted")).isEqualTo(admitted);

        long highest = people.stream().mapToLong(Person::sequence).max().orElseThrow();
        Person newcomer = join();
        assertThat(newcomer.sequence()).as("the first number after the restart").isGreaterThan(highest);
        if (!kill) {
            assertThat(newcomer.sequence()).as("a clean stop gives unused numbers back: none skipped").isEqualTo(highest + 1);
        }
        JsonObject standing = status(newcomer);
        assertThat(standing.getString("state")).isEqualTo("waiting");
        assertThat(standing.getLong("rank")).as("behind everyone who joined before").isGreaterThan(
                before.values().stream().mapToLong(Standing::rank).max().orElseThrow());

        assertThat(postgresLog()).as("the embedded PostgreSQL's own log, kept in the data folder, shows both starts")
                .containsSubsequence("database system is ready to accept connections",
                        "database system is ready to accept connections");
    }

    /** Everything the embedded PostgreSQL wrote to its log folder, oldest file first. */
    private String postgresLog() {
        try (Stream<Path> files = Files.list(dataDir.resolve("postgres").resolve("log"))) {
            StringBuilder log = new StringBuilder();
            for (Path f : files.sorted().toList()) {
                log.append(Files.readString(f, StandardCharsets.UTF_8));
            }
            return log.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the node

    private Process start() {
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.orderly.server.Main");
            pb.environment().keySet().removeIf(k -> k.startsWith("ORDERLY_"));
            pb.environment().putAll(Map.of(
                    "ORDERLY_DATA_DIR", dataDir.toString(),
                    "ORDERLY_HTTP_PORT", Integer.toString(port),
                    "ORDERLY_OPERATOR_TOKEN", OPERATOR,
                    "ORDERLY_DEMO_PEOPLE", "2000",
                    "ORDERLY_DEMO_CLINICS", "60",
                    "ORDERLY_RATE_JOIN_PER_ADDRESS", "100000/10s",
                    "ORDERLY_GATE_IDENTITY_RATE", "5"));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            started.add(p);
            StringBuffer output = new StringBuffer();
            // Keep draining its output so the node never blocks on a full pipe.
            Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    out.lines().forEach(l -> output.append(l).append('\n'));
                } catch (IOException | UncheckedIOException closed) {
                    // the node has gone
                }
            });
            long deadline = System.nanoTime() + READY_WITHIN.toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new AssertionError("the node exited with " + p.exitValue() + " before it was ready:\n" + output);
                }
                if (ready()) {
                    return p;
                }
                LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            }
            throw new AssertionError("the node was not ready within " + READY_WITHIN + ":\n" + output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean ready() {
        try {
            return send(HttpRequest.newBuilder(uri("/ready")).GET()).statusCode() == 200;
        } catch (UncheckedIOException notListening) {
            return false;
        }
    }

    private static void awaitExit(Process node) {
        try {
            assertThat(node.waitFor(2, TimeUnit.MINUTES)).as("the node exits").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ people and the operator

    private Person join() {
        byte[] id = new byte[18];
        random.nextBytes(id);
        String browser = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/gates/identity/join")).header("Cookie", "orderly_bid=" + browser)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).as("join: %s", r.body()).isEqualTo(201);
        String ticket = new JsonObject(r.body()).getString("ticket");
        long sequence = Long.parseLong(new String(Base64.getUrlDecoder().decode(ticket.split("\\.")[1]), StandardCharsets.UTF_8)
                .split("\\|")[1]);
        return new Person(browser, ticket, sequence);
    }

    private JsonObject status(Person p) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/gates/identity/status"))
                .header("Cookie", "orderly_bid=" + p.browser()).header("Orderly-Ticket", p.ticket()).GET());
        assertThat(r.statusCode()).as("status of #%d: %s", p.sequence(), r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private Map<Person, Standing> standings(List<Person> people) {
        Map<Person, Standing> standings = new LinkedHashMap<>();
        for (Person p : people) {
            JsonObject s = status(p);
            standings.put(p, new Standing(s.getString("state"), s.getLong("rank")));
        }
        return standings;
    }

    /** Whether the step behind the gate takes the pass: a made-up person is then "no match", not a refused pass. */
    private boolean passAccepted(Person p, String pass) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/identity/challenges"))
                .header("Cookie", "orderly_bid=" + p.browser()).header("Orderly-Pass", pass).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "Nobody Atall").put("birthDate", "1950-01-01")
                        .put("phone", "010-0000-0001").encode())));
        assertThat(r.statusCode()).as("challenge: %s", r.body()).isIn(403, 422);
        return r.statusCode() == 422;
    }

    private void awaitAdmitted(long atLeast) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (admitted() < atLeast) {
            assertThat(System.nanoTime()).as("someone admitted within two minutes").isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /** The admitted count once the pause has taken hold: unchanged across a second of ticks. */
    private long awaitAdmittedSettles() {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long last = admitted();
        while (true) {
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            long now = admitted();
            if (now == last) {
                return now;
            }
            assertThat(System.nanoTime()).as("the pause stops admissions").isLessThan(deadline);
            last = now;
        }
    }

    private long admitted() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/gates/identity")).GET());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getLong("admitted");
    }

    private JsonObject operator(String method, String path, JsonObject body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + OPERATOR)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        HttpResponse<String> r = send(b);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
