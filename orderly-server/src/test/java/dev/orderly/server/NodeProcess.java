package dev.orderly.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One Orderly node in a JVM of its own, from this test run's class path, with its output in a file:
 * so that a SIGTERM or a SIGKILL reaches a real process. Started nodes are ready ({@code /ready} 200);
 * how long that takes is never asserted.
 */
public final class NodeProcess implements AutoCloseable {

    /** Generous: nodes share two busy cores, and the first one may write the demo data. */
    public static final Duration READY_WITHIN = Duration.ofMinutes(5);

    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node with {@code settings} (a free port and an own data folder are added) and waits until it is ready. */
    public static NodeProcess start(Map<String, String> settings) {
        int port = freePort();
        try {
            Path dataDir = Files.createTempDirectory("orderly-node");
            Path log = dataDir.resolve("node.log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.orderly.server.Main");
            pb.environment().putAll(settings);
            pb.environment().put("ORDERLY_HTTP_PORT", Integer.toString(port));
            pb.environment().put("ORDERLY_DATA_DIR", dataDir.toString());
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            NodeProcess node = new NodeProcess(pb.start(), port, log);
            node.awaitReady();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("node on port " + port + " exited " + process.exitValue() + ":\n" + log());
            }
            if (readyStatus() == 200) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        throw new AssertionError("node on port " + port + " not ready within " + READY_WITHIN + ":\n" + log());
    }

    /** The status {@code /ready} answers now, or -1 when nothing answers on the port. */
    public int readyStatus() {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException notListening) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** What the node has written so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM: the node drains and stops. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the node is gone at once, as when its machine dies. */
    public void kill() {
        process.destroyForcibly();
    }

    /** The exit status once the process has ended; fails when it does not within {@code within}. */
    public int awaitExit(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("node on port " + port + " still running after " + within + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
