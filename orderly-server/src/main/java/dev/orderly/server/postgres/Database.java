package dev.orderly.server.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Orderly's data lives: an external PostgreSQL when a URL is given, otherwise an embedded
 * PostgreSQL started here with its data kept in a folder, so a restart keeps every booking.
 * The schema is brought up to date by Flyway before anything else runs.
 *
 * <p>Two clients share the database: a JDBC connection for migrations and bulk loading (COPY),
 * and the Vert.x reactive pool for everything a request does.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The lock file the embedded library holds in the data folder while its server runs. */
    private static final String LOCK_FILE = "epg-lock";
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(2);

    private final Optional<EmbeddedPostgres> embedded;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Pool pool;

    private Database(Optional<EmbeddedPostgres> embedded, String jdbcUrl, String user, String password, Pool pool) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.pool = pool;
    }

    /** Connects to the PostgreSQL at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}). */
    public static Database external(Vertx vertx, String jdbcUrl, String user, String password, int poolSize) {
        Database db = new Database(Optional.empty(), jdbcUrl, user, password,
                pool(vertx, jdbcUrl, user, password, poolSize));
        db.migrate();
        return db;
    }

    /**
     * Starts an embedded PostgreSQL keeping its data in {@code dataDir}, and its binaries beside it
     * in {@code postgres-binaries} (not in the shared system temp folder, where another user or a
     * temp cleaner could change or remove them under a running node). A server an earlier,
     * killed run left on {@code dataDir} is stopped first.
     */
    public static Database embedded(Vertx vertx, Path dataDir, int poolSize) {
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
                    .start();
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            LOG.info("embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dataDir.toAbsolutePath());
            Database db = new Database(Optional.of(pg), url, "postgres", "", pool(vertx, url, "postgres", "", poolSize));
            db.migrate();
            return db;
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

    private static Pool pool(Vertx vertx, String jdbcUrl, String user, String password, int poolSize) {
        PgConnectOptions connect = connectOptions(jdbcUrl).setUser(user).setPassword(password)
                .setCachePreparedStatements(true).setPipeliningLimit(256);
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(vertx).build();
    }

    static PgConnectOptions connectOptions(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("database URL '" + jdbcUrl + "' must start with jdbc:postgresql://");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new PgConnectOptions().setHost(uri.getHost() == null ? "localhost" : uri.getHost())
                .setPort(uri.getPort() < 0 ? 5432 : uri.getPort()).setDatabase(db);
    }

    private void migrate() {
        Flyway.configure().dataSource(jdbcUrl, user, password).locations("classpath:db/migration").load().migrate();
    }

    /** The reactive pool every request uses. */
    public Pool pool() {
        return pool;
    }

    /**
     * Succeeds when PostgreSQL answers a trivial query, for readiness checks. It goes through the
     * request pool on purpose: a dead connection it meets is dropped from the pool, and a pool
     * too busy to answer within the check's timeout is a node a load balancer should spare.
     */
    public Future<?> ping() {
        return pool.query("SELECT 1").execute();
    }

    /** A new JDBC connection, for bulk work at start-up; the caller closes it. */
    public Connection jdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
        pool.close().toCompletionStage().toCompletableFuture().join();
        embedded.ifPresent(pg -> {
            try {
                pg.close();
            } catch (IOException e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        });
    }
}
