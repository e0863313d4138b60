package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
 * is checked without anyone listing it; constants built by joining pieces are read by reflection,
 * and a piece that appears within a longer statement is checked as part of it.
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
        Set<String> found = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                for (Pattern p : List.of(TEXT_BLOCK, ONE_LINE)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        found.add(m.group(1).replace("\\\"", "\""));
                    }
                }
                found.addAll(stringConstants(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> sql = found.stream().filter(s -> SQL.matcher(s).matches()).toList();
        return sql.stream().filter(s -> sql.stream().noneMatch(longer -> isWithin(s, longer))).toList();
    }

    /** Whether a piece of SQL appears within a longer statement, spaces and line breaks aside. */
    private static boolean isWithin(String piece, String statement) {
        String p = piece.strip().replaceAll("\\s+", " ");
        String s = statement.strip().replaceAll("\\s+", " ");
        return s.length() > p.length() && s.contains(p);
    }

    /** The values of a source file's static final String fields, as the compiler joined them. */
    private static List<String> stringConstants(Path file) {
        String name = SOURCES.relativize(file).toString().replace(".java", "").replace('/', '.');
        Class<?> type;
        try {
            type = Class.forName("dev.orderly.server." + name, false, AdapterStatementsParseIT.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no class for " + file, e);
        }
        List<String> values = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (f.getType() == String.class && Modifier.isStatic(mod) && Modifier.isFinal(mod)) {
                f.setAccessible(true);
                try {
                    values.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }
}
