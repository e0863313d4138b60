package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.audit.AuditEvent;
import dev.orderly.audit.AuditLog;
import dev.orderly.audit.AuditLogContract;
import dev.orderly.audit.ChainCheck;
import dev.orderly.server.AuditTool;
import dev.orderly.server.TestApp;
import dev.orderly.testing.Race;
import dev.orderly.time.MutableClock;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log in PostgreSQL: the shared contract, the schema refusing every change and removal
 * of an entry, appends from several nodes at once forming one chain, and the chain check (API
 * and command line) naming a row a superuser changed behind the triggers' back.
 */
class PostgresAuditLogIT extends AuditLogContract {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** What only a superuser can do: with the triggers off (replica mode), empty the log and put its head back. */
    private static void behindTheTriggersBack(String sql) {
        db.sql("SET session_replication_role = replica; " + sql + "; RESET session_replication_role");
    }

    @Override
    protected AuditLog newLog(MutableClock clock) {
        behindTheTriggersBack("TRUNCATE audit_log; UPDATE audit_head SET seq = 0, hash = repeat('0', 64)");
        return new PostgresAuditLog(db.pool(), clock);
    }

    private static AuditLog threeEntries() {
        AuditLog log = new PostgresAuditLogIT().newLog(MutableClock.at("2021-07-19T11:00:00Z"));
        log.append(event("kim", "gate.pause", "gate:identity"));
        log.append(event("kim", "capacity.set", "clinic:1/capacity/PFZ/2021-07-26..2021-07-26"));
        log.append(event("lee", "gate.resume", "gate:identity"));
        return log;
    }

    private static String refusal(String sql) {
        try (Connection c = db.database().jdbc(); Statement s = c.createStatement()) {
            s.execute(sql);
            return "carried out";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    @Test
    void theSchemaRefusesToChangeOrRemoveAnEntryEvenToASuperuser() {
        AuditLog log = threeEntries();

        assertThat(refusal("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2")).contains("append-only: UPDATE on audit_log");
        assertThat(refusal("DELETE FROM audit_log WHERE seq = 3")).contains("append-only: DELETE on audit_log");
        assertThat(refusal("TRUNCATE audit_log")).contains("append-only: TRUNCATE on audit_log");
        assertThat(refusal("UPDATE audit_head SET seq = 0, hash = repeat('0', 64)")).contains("only moves one entry forward");
        assertThat(refusal("DELETE FROM audit_head")).contains("append-only: DELETE on audit_head");
        assertThat(refusal("TRUNCATE audit_head")).contains("append-only: TRUNCATE on audit_head");
        assertThat(refusal("INSERT INTO audit_log (seq, at, actor, role, action, target, address, previous_hash, hash) "
                + "VALUES (9, now(), 'x', 'operator', 'gate.pause', 'gate:x', '', repeat('0', 64), 'h')")).contains("does not extend the log's head");

        assertThat(db.count("SELECT count(*) FROM audit_log")).isEqualTo(3);
        assertThat(log.verify().ok()).isTrue();
    }

    @Test
    void theApplicationsRoleHoldsNoRightToChangeOrRemoveEntries() {
        assertThat(db.count("SELECT count(*) FROM information_schema.role_table_grants WHERE table_name = 'audit_log'"
                + " AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')")).isZero();
        assertThat(db.count("SELECT count(*) FROM information_schema.role_table_grants WHERE table_name = 'audit_head'"
                + " AND privilege_type IN ('INSERT', 'DELETE', 'TRUNCATE')")).isZero();
        assertThat(db.count("SELECT count(*) FROM information_schema.role_table_grants WHERE table_name = 'audit_log'"
                + " AND privilege_type IN ('INSERT', 'SELECT')")).isEqualTo(2);
    }

    @Test
    void aRowEditedBehindTheTriggersBackIsNamedByTheCheckAndTheCommandLine() {
        AuditLog log = threeEntries();
        behindTheTriggersBack("UPDATE audit_log SET actor = 'lee' WHERE seq = 2");

        ChainCheck.Verification v = log.verify();

        assertThat(v.ok()).isFalse();
        assertThat(v.firstBroken()).contains(new ChainCheck.Broken(2, "entry 2 does not match its own hash: it was edited after it was written, or forged"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status = AuditTool.run(new String[] {"verify"}, TestApp.settings(Map.of("ORDERLY_DATABASE_URL", db.database().jdbcUrl())),
                new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("audit log BROKEN at entry 2: entry 2 does not match its own hash");
    }

    @Test
    void rowsRemovedBehindTheTriggersBackAreNamed() {
        AuditLog log = threeEntries();
        behindTheTriggersBack("DELETE FROM audit_log WHERE seq = 3");
        assertThat(log.verify().firstBroken().orElseThrow().sequence()).isEqualTo(3);

        behindTheTriggersBack("DELETE FROM audit_log WHERE seq = 1");
        assertThat(log.verify().firstBroken().orElseThrow().reason()).startsWith("expected entry 1 but found entry 2");
    }

    @Test
    void anIntactLogVerifiesFromTheCommandLineAndExportsAsCsv() {
        threeEntries();
        var settings = TestApp.settings(Map.of("ORDERLY_DATABASE_URL", db.database().jdbcUrl()));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        assertThat(AuditTool.run(new String[] {"verify"}, settings, out, System.err)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("audit log intact: 3 entries; head: entry 3 ");
        printed.reset();
        assertThat(AuditTool.run(new String[] {"export", "--actor", "kim", "--from", "2021-07-19T00:00:00Z"}, settings, out, System.err)).isZero();
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("\uFEFFsequence,at,actor,");
        assertThat(lines.get(1)).startsWith("1,2021-07-19T11:00:00Z,kim,operator,gate.pause,gate:identity,");
        assertThat(lines.get(2)).startsWith("2,");

        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
        assertThat(AuditTool.run(new String[] {"export", "--from", "yesterday"}, settings, out, err)).isEqualTo(2);
        assertThat(AuditTool.run(new String[] {"export", "--colour", "red"}, settings, out, err)).isEqualTo(2);
        assertThat(AuditTool.run(new String[] {"verify", "now"}, settings, out, err)).isEqualTo(2);
        assertThat(AuditTool.run(new String[] {}, settings, out, err)).isEqualTo(2);
        assertThat(AuditTool.run(new String[] {"verify"}, TestApp.settings(Map.of("ORDERLY_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none")),
                out, err)).as("no database is not a broken chain").isEqualTo(3);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("'from' must be an ISO-8601 instant").contains("usage: orderly audit")
                .contains("could not read the audit log");
    }

    @Test
    void appendsFromSeveralNodesAtOnceFormOneChain() {
        new PostgresAuditLogIT().newLog(MutableClock.at("2021-07-19T11:00:00Z"));
        Vertx vertx = Vertx.vertx();
        List<Database> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(Database.external(vertx, db.database().jdbcUrl(), "postgres", "", 4));
            }
            List<AuditLog> logs = nodes.stream().<AuditLog>map(n -> new PostgresAuditLog(n.pool(), Clock.systemUTC())).toList();

            List<Long> sequences = Race.run(9, Duration.ofSeconds(120), t -> IntStream.range(0, 20)
                    .mapToLong(i -> logs.get(t % 3).append(new AuditEvent("node-" + t % 3, "operator", "capacity.set", "clinic:" + t, null,
                            "{\"i\":" + i + "}", "10.0.0." + t)).sequence()).sum());

            assertThat(sequences.stream().mapToLong(Long::longValue).sum()).isEqualTo(180L * 181 / 2);
            ChainCheck.Verification v = logs.get(0).verify();
            assertThat(v.ok()).as("%s", v).isTrue();
            assertThat(v.entries()).isEqualTo(180);
        } finally {
            nodes.forEach(Database::close);
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
