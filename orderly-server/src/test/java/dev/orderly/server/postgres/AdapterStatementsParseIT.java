package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement with parameters in the server's main sources parses on PostgreSQL with no
 * parameter types from the client.
 *
 * <p>Why: the Vert.x client first sends a statement without types and lets PostgreSQL infer them.
 * An untyped parameter in a CASE, COALESCE or the like is inferred as text; when that fails
 * ("column sent_at is of type timestamp with time zone but expression is of type text") the client
 * quietly prepares again with types taken from the values, uncached, so the statement works while
 * the server logs an ERROR on every call (the outbox relay's, once a second under load) and an
 * explicit transaction would fail outright. Statements are read from the sources, so a new one
 * is checked without anyone listing it.
 */
class AdapterStatementsParseIT {

    private static final Path SOURCES = Path.of("src/main/java/dev/orderly/server");
    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"\\s*\\n(.*?)\"\"\"", Pattern.DOTALL);
    private static final Pattern ONE_LINE = Pattern.compile("(?:preparedQuery|query)\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SQL = Pattern.compile("(?is)\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\b.*\\$1\\b.*");

    private static PostgresTestDatabase db;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void everyStatementWithParametersParsesWithoutTypesFromTheClient() {
        List<String> statements = statements();
        assertThat(statements).as("statements found in %s", SOURCES.toAbsolutePath()).hasSizeGreaterThan(30)
                .anyMatch(s -> s.contains("UPDATE outbox SET sent_at"));
        List<String> failed = new ArrayList<>();
        SqlConnection conn = await(db.pool().getConnection());
        try {
            for (String sql : statements) {
                try {
                    await(conn.prepare(sql)).close();
                } catch (RuntimeException e) {
                    failed.add(e.getMessage() + "\n    in: " + sql.strip().replaceAll("\\s+", " "));
                }
            }
        } finally {
            conn.close();
        }
        assertThat(failed).as("statements PostgreSQL cannot type by itself (cast the parameter)").isEmpty();
    }

    @Test
    void theOutboxMarkParsesWithoutTypesFromTheClient() {
        SqlConnection conn = await(db.pool().getConnection());
        try {
            await(conn.prepare(OutboxRelay.MARK)).close();
        } finally {
            conn.close();
        }
    }

    private static List<String> statements() {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                for (Pattern p : List.of(TEXT_BLOCK, ONE_LINE)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        String candidate = m.group(1).replace("\\\"", "\"");
                        if (SQL.matcher(candidate).matches()) {
                            found.add(candidate);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
