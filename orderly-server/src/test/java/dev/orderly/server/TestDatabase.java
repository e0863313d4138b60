package dev.orderly.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, empty PostgreSQL database per call: on the local server at 127.0.0.1:5432 when one
 * answers (CI and developer machines have it), otherwise on one embedded PostgreSQL started for
 * the whole test run. {@code ORDERLY_TEST_DATABASE=embedded} forces the embedded one.
 */
public final class TestDatabase {

    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static String server;
    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    /** The JDBC URL of a new empty database; user {@code postgres}, no password. */
    public static synchronized String fresh() {
        String base = server();
        String name = "orderly_test_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000 + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " on " + base, e);
        }
        return base.substring(0, base.lastIndexOf('/') + 1) + name;
    }

    /** A fresh database with the schema migrated up to {@code version} and no further: to test a later migration on data. */
    public static String freshAt(String version) {
        String url = fresh();
        org.flywaydb.core.Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").target(version).load()
                .migrate();
        return url;
    }

    @SuppressWarnings("try") // the connection is opened only to see that the local server answers
    private static String server() {
        if (server != null) {
            return server;
        }
        if (!"embedded".equals(System.getenv("ORDERLY_TEST_DATABASE"))) {
            DriverManager.setLoginTimeout(2);
            try (Connection c = DriverManager.getConnection(LOCAL, "postgres", "")) {
                server = LOCAL;
                return server;
            } catch (SQLException noLocalServer) {
                // fall through to the embedded one
            }
        }
        try {
            embedded = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
            server = "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres";
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded PostgreSQL for the tests", e);
        }
    }
}
