package dev.orderly.server.fault;

import dev.orderly.server.TestRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * A Redis of a fault test's own, on a free port, writing every change to its append-only file
 * before answering ({@code appendfsync always}), so a SIGKILL loses nothing it acknowledged. The
 * test kills it by the PID it started and starts it again on the same port and folder. Binary:
 * {@code redis-server} from the PATH, else the Linux one bundled in the embedded-redis artifact.
 */
final class OwnRedis implements AutoCloseable {

    private final Path dir;
    private final String binary;
    private final int port;
    private Process process;

    private OwnRedis(Path dir, String binary, int port) {
        this.dir = dir;
        this.binary = binary;
        this.port = port;
    }

    static OwnRedis start() {
        try {
            Path dir = Files.createTempDirectory("orderly-fault-redis");
            OwnRedis redis = new OwnRedis(dir, binary(dir), OwnProcess.freePort());
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startAgain() {
        try {
            process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--appendonly", "yes",
                    "--appendfsync", "always", "--save", "", "--dir", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OwnProcess.await("redis-server answers PING on port " + port, OwnProcess.STARTS_WITHIN, () -> TestRedis.answersPing(port));
    }

    /** SIGKILL, by the PID this test started: no shutdown, no last write. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    private static String binary(Path dir) throws IOException {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(p.isEmpty() ? "." : p, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        Path copy = dir.resolve("redis-server");
        try (InputStream in = OwnRedis.class.getResourceAsStream("/redis-server-6.2.6-v5-linux-amd64")) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on the PATH and none in the embedded-redis artifact");
            }
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(copy, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        return copy.toString();
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
