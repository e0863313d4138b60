package dev.orderly.server.registry;

import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.RegistryCsv;
import dev.orderly.registry.ResidentRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Imports the resident registry from a CSV file in {@link RegistryCsv}'s format, all or nothing.
 *
 * <p>How: the file is read once, streaming; each valid line is hashed and sealed in memory and
 * copied ({@code COPY}) into a temporary staging table, so no resident number or phone number ever
 * reaches the database in the clear, not even in a temporary table. Lines with problems are
 * collected instead. Then SQL checks what only the whole file shows (a resident number twice; two
 * residents with the same name, birth date and phone, who verification could not tell apart, in
 * the file or against the registry). Only a file without a single problem is merged: a resident
 * number already in the registry updates that resident (same id, so their reservations stay
 * theirs), a new one adds a resident. Residents absent from the file are left as they are.
 *
 * <p>Transactions: on a connection in auto-commit mode the import is its own transaction; inside
 * a caller's transaction it works under a savepoint and leaves the commit to the caller.
 *
 * <p>The report names lines and columns, never values.
 */
public final class RegistryImporter {

    /** Problems listed in a report at most; all are counted. */
    public static final int MAX_LISTED_PROBLEMS = 1000;
    private static final int COPY_CHUNK = 1 << 16;

    /**
     * What an import did.
     *
     * @param imported     whether the registry was changed (only when there was no problem)
     * @param residents    valid lines read
     * @param added        residents added
     * @param updated      residents updated (resident number already in the registry)
     * @param problemCount problems found
     * @param problems     the first {@value #MAX_LISTED_PROBLEMS} problems, in line order
     */
    public record Report(boolean imported, long residents, long added, long updated, long problemCount,
                         List<RegistryCsv.Problem> problems) {

        /** A summary fit for a log: counts only. */
        @Override
        public String toString() {
            return imported
                    ? "imported " + residents + " residents (" + added + " added, " + updated + " updated)"
                    : "nothing imported: " + problemCount + " problem(s); first: " + (problems.isEmpty() ? "-" : problems.getFirst());
        }
    }

    private final KeyedHash residentNumbers;
    private final KeyedHash phones;
    private final FieldCipher phoneCipher;

    public RegistryImporter(KeyedHash residentNumbers, KeyedHash phones, FieldCipher phoneCipher) {
        this.residentNumbers = residentNumbers;
        this.phones = phones;
        this.phoneCipher = phoneCipher;
    }

    /** Imports {@code csv} into the registry through {@code conn} (see the class comment for transactions). */
    public Report importCsv(Connection conn, Reader csv) throws SQLException, IOException {
        boolean ownTransaction = conn.getAutoCommit();
        conn.setAutoCommit(false);
        Savepoint savepoint = ownTransaction ? null : conn.setSavepoint();
        try {
            Report report = stageAndMerge(conn, csv);
            if (report.imported()) {
                if (ownTransaction) {
                    conn.commit();
                } else {
                    conn.releaseSavepoint(savepoint);
                }
            } else {
                undo(conn, savepoint);
            }
            return report;
        } catch (SQLException | IOException | RuntimeException e) {
            undo(conn, savepoint);
            throw e;
        } finally {
            if (ownTransaction) {
                conn.setAutoCommit(true);
            }
        }
    }

    private static void undo(Connection conn, Savepoint savepoint) throws SQLException {
        if (savepoint == null) {
            conn.rollback();
        } else {
            conn.rollback(savepoint);
        }
    }

    private Report stageAndMerge(Connection conn, Reader csv) throws SQLException, IOException {
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS registry_import");
            s.execute("""
                    CREATE TEMP TABLE registry_import (
                        line BIGINT NOT NULL, resident_number_hash BYTEA NOT NULL, name TEXT NOT NULL, birth_date DATE NOT NULL,
                        phone_hash BYTEA NOT NULL, phone_sealed BYTEA NOT NULL, phone_key_id TEXT NOT NULL) ON COMMIT DROP""");
        }
        Problems problems = new Problems();
        long valid = stage(conn, csv, problems);
        if (problems.count == 0) {
            checkWholeFile(conn, problems);
        }
        if (problems.count > 0) {
            return new Report(false, valid, 0, 0, problems.count, problems.sorted());
        }
        long updated;
        try (Statement s = conn.createStatement()) {
            updated = count(s, "SELECT count(*) FROM registry_import i JOIN residents r USING (resident_number_hash)");
            s.execute("SET CONSTRAINTS residents_identity_unique DEFERRED");
            s.executeUpdate("""
                    INSERT INTO residents (resident_number_hash, name, birth_date, phone_hash, phone_sealed, phone_key_id)
                    SELECT resident_number_hash, name, birth_date, phone_hash, phone_sealed, phone_key_id FROM registry_import ORDER BY line
                    ON CONFLICT (resident_number_hash) DO UPDATE SET name = EXCLUDED.name, birth_date = EXCLUDED.birth_date,
                        phone = NULL, phone_hash = EXCLUDED.phone_hash, phone_sealed = EXCLUDED.phone_sealed,
                        phone_key_id = EXCLUDED.phone_key_id""");
            s.execute("SET CONSTRAINTS residents_identity_unique IMMEDIATE");
            s.execute("DROP TABLE registry_import");
        }
        return new Report(true, valid, valid - updated, updated, 0, List.of());
    }

    /** Copies the valid lines into the staging table; returns how many there were. */
    private long stage(Connection conn, Reader csv, Problems problems) throws SQLException, IOException {
        CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY registry_import (line, resident_number_hash, name, birth_date, phone_hash, phone_sealed, phone_key_id) FROM STDIN");
        long[] valid = {0};
        StringBuilder chunk = new StringBuilder(COPY_CHUNK + 1024);
        try {
            RegistryCsv.read(csv instanceof BufferedReader b ? b : new BufferedReader(csv), row -> {
                switch (row) {
                    case RegistryCsv.Invalid invalid -> invalid.problems().forEach(problems::add);
                    case RegistryCsv.Valid ok -> {
                        valid[0]++;
                        if (problems.count == 0) {
                            appendRow(chunk, ok.line(), ok.record());
                            if (chunk.length() >= COPY_CHUNK) {
                                write(copy, chunk);
                            }
                        }
                    }
                }
            });
            if (problems.count > 0) {
                copy.cancelCopy();
                return valid[0];
            }
            write(copy, chunk);
            copy.endCopy();
            return valid[0];
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private void appendRow(StringBuilder out, long line, ResidentRecord r) {
        FieldCipher.Sealed sealed = phoneCipher.seal(r.phone());
        // COPY text format: tab-separated; bytea as \x-hex, its backslash escaped. Names hold no
        // tab, newline or backslash (RegistryCsv allows letters, spaces and . ' - · only).
        out.append(line).append('\t').append(bytea(residentNumbers.of(r.residentNumber()))).append('\t').append(r.name())
                .append('\t').append(r.birthDate()).append('\t').append(bytea(phones.of(r.phone()))).append('\t')
                .append(bytea(sealed.bytes())).append('\t').append(sealed.keyId()).append('\n');
    }

    private static String bytea(byte[] bytes) {
        return "\\\\x" + HexFormat.of().formatHex(bytes);
    }

    private static void write(CopyIn copy, StringBuilder chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        try {
            copy.writeToCopy(bytes, 0, bytes.length);
        } catch (SQLException e) {
            throw new IllegalStateException("COPY into the staging table failed: " + e.getMessage(), e);
        }
        chunk.setLength(0);
    }

    private static void checkWholeFile(Connection conn, Problems problems) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute("CREATE INDEX ON registry_import (resident_number_hash)");
            s.execute("CREATE INDEX ON registry_import (phone_hash, birth_date, name)");
            s.execute("ANALYZE registry_import");
            try (ResultSet rs = s.executeQuery("""
                    SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY resident_number_hash) AS first
                                             FROM registry_import) d WHERE line <> first ORDER BY line LIMIT 10000""")) {
                while (rs.next()) {
                    problems.add(new RegistryCsv.Problem(rs.getLong(1), "resident_number", "the same resident number as line " + rs.getLong(2)));
                }
            }
            try (ResultSet rs = s.executeQuery("""
                    SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY phone_hash, birth_date, name) AS first
                                             FROM registry_import) d WHERE line <> first ORDER BY line LIMIT 10000""")) {
                while (rs.next()) {
                    problems.add(new RegistryCsv.Problem(rs.getLong(1), null, "the same name, birth date and phone as line "
                            + rs.getLong(2) + ": verification could not tell the two apart"));
                }
            }
            // A resident already in the registry with the same three, who is not in this file
            // (a resident in the file may be moving away from them).
            try (ResultSet rs = s.executeQuery("""
                    SELECT i.line FROM registry_import i
                    JOIN residents r ON r.phone_hash = i.phone_hash AND r.birth_date = i.birth_date AND r.name = i.name
                    WHERE r.resident_number_hash IS DISTINCT FROM i.resident_number_hash
                      AND NOT EXISTS (SELECT 1 FROM registry_import j WHERE j.resident_number_hash = r.resident_number_hash)
                    ORDER BY i.line LIMIT 10000""")) {
                while (rs.next()) {
                    problems.add(new RegistryCsv.Problem(rs.getLong(1), null, "a resident already in the registry, and not in this file, "
                            + "has the same name, birth date and phone"));
                }
            }
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Counts every problem, keeps the first few. */
    private static final class Problems {
        private final List<RegistryCsv.Problem> listed = new ArrayList<>();
        private long count;

        void add(RegistryCsv.Problem p) {
            count++;
            if (listed.size() < MAX_LISTED_PROBLEMS) {
                listed.add(p);
            }
        }

        List<RegistryCsv.Problem> sorted() {
            return listed.stream().sorted(java.util.Comparator.comparingLong(RegistryCsv.Problem::line)).toList();
        }
    }
}
