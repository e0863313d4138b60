package dev.orderly.server.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    /** How long a request waits for a free connection before it is answered as an outage (503). */
    static final Duration CONNECTION_WAIT = Duration.ofSeconds(30);

    /** The embedded server this process started, if it did. Not named by its type: see {@link EmbeddedPostgresServer}. */
    private final Optional<AutoCloseable> embedded;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Pool pool;

    private Database(Optional<AutoCloseable> embedded, String jdbcUrl, String user, String password, Pool pool) {
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
     * Starts an embedded PostgreSQL keeping its data in {@code dataDir} ({@link EmbeddedPostgresServer}),
     * and connects to it.
     */
    public static Database embedded(Vertx vertx, Path dataDir, int poolSize) {
        return EmbeddedPostgresServer.start(vertx, dataDir, poolSize);
    }

    /** Connects to a server this process started, and stops {@code server} when closed. */
    static Database started(AutoCloseable server, Vertx vertx, String jdbcUrl, String user, String password, int poolSize) {
        Database db = new Database(Optional.of(server), jdbcUrl, user, password, pool(vertx, jdbcUrl, user, password, poolSize));
        db.migrate();
        return db;
    }

    /**
     * {@code poolSize} connections in all: a quarter (at least one) for transactions, which hold a
     * connection while they run (each booking lane holds one while it commits a batch), the rest for
     * one-off statements. Both wait at most {@code wait} for a connection. Two driver
     * pools behind one: see {@link SplitPool}.
     */
    private static Pool pool(Vertx vertx, String jdbcUrl, String user, String password, int poolSize) {
        return pool(vertx, connectOptions(jdbcUrl).setUser(user).setPassword(password), poolSize, CONNECTION_WAIT);
    }

    static Pool pool(Vertx vertx, PgConnectOptions options, int poolSize, Duration wait) {
        PgConnectOptions connect = new PgConnectOptions(options).setCachePreparedStatements(true).setPipeliningLimit(256);
        int forTransactions = Math.max(1, poolSize / 4);
        int forStatements = Math.max(1, poolSize - forTransactions);
        Pool statements = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(forStatements)
                        .setConnectionTimeout((int) wait.toMillis()).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectingTo(connect).using(vertx).build();
        Pool transactions = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(forTransactions).setConnectionTimeout(0))
                .connectingTo(connect).using(vertx).build();
        return new SplitPool(vertx, statements, transactions, wait);
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
            } catch (Exception e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        });
    }
}
