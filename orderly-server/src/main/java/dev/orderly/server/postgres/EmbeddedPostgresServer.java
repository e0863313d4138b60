package dev.orderly.server.postgres;

import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL a node starts when no database URL is given. The only class that names
 * the embedded library's types: {@link Database} holds the server as an {@code AutoCloseable}, so
 * code that only connects to an external PostgreSQL (the benchmarks) loads and verifies
 * {@code Database} without the library on its class path.
 */
final class EmbeddedPostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    /** The lock file the embedded library holds in the data folder while its server runs. */
    private static final String LOCK_FILE = "epg-lock";
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(2);

    private EmbeddedPostgresServer() {
    }

    /**
     * Starts an embedded PostgreSQL keeping its data in {@code dataDir}, and its binaries beside it
     * in {@code postgres-binaries} (not in the shared system temp folder, where another user or a
     * temp cleaner could change or remove them under a running node). A server an earlier,
     * killed run left on {@code dataDir} is stopped first.
     */
    static Database start(Vertx vertx, Path dataDir, int poolSize) {
        try {
            Files.createDirectories(dataDir);
            stopLeftover(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir.toAbsolutePath())
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(dataDir.toAbsolutePath().resolveSibling("postgres-binaries").toFile())
                    // Recovery after a crash, on a busy machine, can take longer than the library's 10 s.
                    .setPGStartupWait(STARTUP_WAIT)
                    // close() stops it, after the application's last writes; the library's own hook
                    // would race them at a SIGTERM.
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "200")
                    // The library starts its server with -F (fsync off) and synchronous_commit=off: a
                    // commit is answered before its WAL is on disk, so a crash of the machine could
                    // lose bookings people were told are made. The default node keeps PostgreSQL's
                    // durable defaults (these -c settings come after -F on the command line and win).
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // Its own log (checkpoints, errors, crash recovery) in <data>/postgres/log: the
                    // library otherwise drops what the server writes.
                    .setServerConfig("logging_collector", "on")
                    // Fewer checkpoints, each spread over more time: after a checkpoint every page's
                    // first change writes the whole page to the WAL. With the default 1 GB, loading a
                    // million residents (~780 MB of WAL) and the first minutes of a storm force a
                    // checkpoint in the middle of the storm (issue #17, docs/benchmarks.md). Crash
                    // recovery replays at most this much.
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .start();
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            LOG.info("embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dataDir.toAbsolutePath());
            return Database.started(pg, vertx, url, "postgres", "", poolSize);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDir.toAbsolutePath(), e);
        }
    }

    /**
     * Stops the server a killed run left on {@code dataDir} — unless a running Orderly still holds
     * the folder (the embedded library's lock file), whose database it is.
     */
    private static void stopLeftover(Path dataDir) throws IOException {
        Path lockFile = dataDir.resolve(LOCK_FILE);
        if (Files.exists(lockFile)) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    throw new IllegalStateException("the data folder " + dataDir.toAbsolutePath().getParent()
                            + " is in use by another running Orderly; give each node a folder of its own (ORDERLY_DATA_DIR)");
                }
                LeftoverPostgres.stop(dataDir, STARTUP_WAIT);
            } catch (OverlappingFileLockException sameJvm) {
                throw new IllegalStateException("the data folder " + dataDir.toAbsolutePath().getParent()
                        + " is already in use by this process", sameJvm);
            }
        } else {
            LeftoverPostgres.stop(dataDir, STARTUP_WAIT);
        }
    }
}
