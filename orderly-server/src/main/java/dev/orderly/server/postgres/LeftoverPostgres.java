package dev.orderly.server.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of an Orderly that was killed ({@code kill -9}, the OOM killer): it is a
 * process of its own and outlives the JVM that started it, holding the data folder, so the next
 * start could not start another on it. Found by the data folder's {@code postmaster.pid} and
 * stopped cleanly (SIGINT: PostgreSQL's fast shutdown, which ends the killed node's sessions and
 * writes a checkpoint).
 *
 * <p>Only a server of this data folder is ever touched: the PID must be alive, be a
 * {@code postgres}, and be running in this folder (PostgreSQL changes into its data directory),
 * so a PID reused by another process — or a PostgreSQL of another folder — is left alone.
 */
public final class LeftoverPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverPostgres.class);

    private LeftoverPostgres() {
    }

    /** The PostgreSQL server running on {@code dataDir}, if any. */
    public static Optional<ProcessHandle> find(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile);
        } catch (IOException noFile) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> servesFolder(p, dataDir));
    }

    private static boolean servesFolder(ProcessHandle p, Path dataDir) {
        boolean isPostgres = p.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
        if (!isPostgres) {
            return false;
        }
        try {
            Path folder = dataDir.toRealPath();
            Path cwd = Path.of("/proc", Long.toString(p.pid()), "cwd");
            if (Files.exists(cwd)) {
                return cwd.toRealPath().equals(folder);
            }
            // No /proc (not Linux): the folder as pg_ctl passed it.
            return p.info().arguments().map(args -> {
                for (int i = 0; i + 1 < args.length; i++) {
                    if (args[i].equals("-D") && sameFile(Path.of(args[i + 1]), folder)) {
                        return true;
                    }
                }
                return false;
            }).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops the server left running on {@code dataDir}, if any, waiting up to {@code within}.
     *
     * @return whether there was one
     * @throws IllegalStateException if it did not stop in time
     */
    public static boolean stop(Path dataDir, Duration within) {
        Optional<ProcessHandle> found = find(dataDir);
        if (found.isEmpty()) {
            return false;
        }
        ProcessHandle server = found.get();
        LOG.warn("a PostgreSQL (PID {}) is still running on {}, left by an Orderly that did not stop cleanly: stopping it",
                server.pid(), dataDir.toAbsolutePath());
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("could not signal the PostgreSQL (PID " + server.pid() + ") left running on "
                        + dataDir.toAbsolutePath() + "; stop it and start again");
            }
            server.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException e) {
            throw new IllegalStateException("could not stop the PostgreSQL (PID " + server.pid() + ") left running on "
                    + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the PostgreSQL (PID " + server.pid() + ") left running on " + dataDir.toAbsolutePath()
                    + " did not stop within " + within.toSeconds() + " s; stop it and start again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the PostgreSQL left running on " + dataDir.toAbsolutePath(), e);
        }
        LOG.info("the PostgreSQL left running on {} has stopped", dataDir.toAbsolutePath());
        return true;
    }
}
