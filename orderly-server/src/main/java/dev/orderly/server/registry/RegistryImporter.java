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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Hashing and sealing are the import's main cost (with parsing), so lines are parsed, hashed,
 * sealed and written as {@code COPY} text in batches on several threads; the batches are copied
 * in file order by the calling thread, so the staging table, the report and the ids new residents
 * get are the same whatever the number of threads.
 *
 * <p>Transactions: on a connection in auto-commit mode the import is its own transaction; inside
 * a caller's transaction it works under a savepoint and leaves the commit to the caller.
 *
 * <p>The report names lines and columns, never values.
 */
public final class RegistryImporter {

    /** Problems listed in a report at most; all are counted. */
    public static final int MAX_LISTED_PROBLEMS = 1000;
    private static final HexFormat HEX = HexFormat.of();
    private static final String UNIQUE_VIOLATION = "23505";
    /** Lines a thread parses, hashes and seals as one task. */
    private static final int BATCH_LINES = 4096;

    /** What an import tells while it runs, e.g. to log its progress. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** {@code lines} data lines have been read, checked, hashed, sealed and staged so far. */
        default void staged(long lines) {
        }

        /** Every line is staged and the whole-file checks passed; the merge into the registry begins. */
        default void merging() {
        }
    }

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
    private final int threads;
    private final int batchLines;

    /** An importer that hashes and seals on as many threads as the machine has cores. */
    public RegistryImporter(KeyedHash residentNumbers, KeyedHash phones, FieldCipher phoneCipher) {
        this(residentNumbers, phones, phoneCipher, Runtime.getRuntime().availableProcessors(), BATCH_LINES);
    }

    /**
     * @param threads    threads that parse, hash and seal (1: all on the calling thread)
     * @param batchLines lines per task
     */
    RegistryImporter(KeyedHash residentNumbers, KeyedHash phones, FieldCipher phoneCipher, int threads, int batchLines) {
        if (threads < 1 || batchLines < 1) {
            throw new IllegalArgumentException("threads (" + threads + ") and batchLines (" + batchLines + ") must be at least 1");
        }
        this.residentNumbers = residentNumbers;
        this.phones = phones;
        this.phoneCipher = phoneCipher;
        this.threads = threads;
        this.batchLines = batchLines;
    }

    /** Imports {@code csv} into the registry through {@code conn} (see the class comment for transactions). */
    public Report importCsv(Connection conn, Reader csv) throws SQLException, IOException {
        return importCsv(conn, csv, Progress.NONE);
    }

    /**
     * Brings the planner's statistics up to date after a bulk write, in a transaction of its own:
     * a PostgreSQL whose autovacuum is off (as on some managed and test servers) or slow to react
     * would otherwise plan the first lookups and searches over a million new rows with none.
     */
    public static void analyze(Connection conn, String tables) throws SQLException {
        try (java.sql.Statement s = conn.createStatement()) {
            s.execute("ANALYZE " + tables);
        }
        if (!conn.getAutoCommit()) {
            conn.commit();
        }
    }

    /** {@link #importCsv(Connection, Reader)}, telling {@code progress} how far it got. */
    public Report importCsv(Connection conn, Reader csv, Progress progress) throws SQLException, IOException {
        boolean ownTransaction = conn.getAutoCommit();
        conn.setAutoCommit(false);
        Savepoint savepoint = ownTransaction ? null : conn.setSavepoint();
        try {
            Report report = stageAndMerge(conn, csv, progress);
            if (report.imported()) {
                if (ownTransaction) {
                    conn.commit();
                    analyze(conn, "residents");
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

    private Report stageAndMerge(Connection conn, Reader csv, Progress progress) throws SQLException, IOException {
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS registry_import");
            s.execute("""
                    CREATE TEMP TABLE registry_import (
                        line BIGINT NOT NULL, resident_number_hash BYTEA NOT NULL, name TEXT NOT NULL, birth_date DATE NOT NULL,
                        phone_hash BYTEA NOT NULL, phone_sealed BYTEA NOT NULL, phone_key_id TEXT NOT NULL) ON COMMIT DROP""");
        }
        Problems problems = new Problems();
        long valid = stage(conn, csv, problems, progress);
        if (problems.count == 0) {
            checkWholeFile(conn, problems);
        }
        if (problems.count > 0) {
            return new Report(false, valid, 0, 0, problems.count, problems.sorted());
        }
        progress.merging();
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
    private long stage(Connection conn, Reader csv, Problems problems, Progress progress) throws SQLException, IOException {
        CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY registry_import (line, resident_number_hash, name, birth_date, phone_hash, phone_sealed, phone_key_id) FROM STDIN");
        ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, Thread.ofPlatform()
                .name("registry-import-", 1).daemon().factory());
        Staging staging = new Staging(copy, pool, problems, progress);
        try {
            RegistryCsv.readLines(csv instanceof BufferedReader b ? b : new BufferedReader(csv),
                    wrongHeader -> wrongHeader.problems().forEach(problems::add), staging);
            staging.finish();
            if (problems.count > 0) {
                copy.cancelCopy();
                return staging.valid;
            }
            copy.endCopy();
            return staging.valid;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /**
     * Gathers lines into batches, has them turned into {@code COPY} text (on the pool, or here
     * without one) and copies the results in file order; at most two batches a thread are in
     * flight, which bounds memory whatever the file's size.
     */
    private final class Staging implements RegistryCsv.LineConsumer {
        private final CopyIn copy;
        private final ExecutorService pool;
        private final Problems problems;
        private final Progress progress;
        private final Deque<Future<Batch>> inFlight = new ArrayDeque<>();
        // Once a line has a problem nothing will be merged: workers stop hashing and sealing.
        private final AtomicBoolean failed = new AtomicBoolean();
        private long[] lines = new long[batchLines];
        private String[] texts = new String[batchLines];
        private int size;
        private long valid;
        private long staged;

        Staging(CopyIn copy, ExecutorService pool, Problems problems, Progress progress) {
            this.copy = copy;
            this.pool = pool;
            this.problems = problems;
            this.progress = progress;
        }

        @Override
        public void accept(long line, String text) {
            lines[size] = line;
            texts[size] = text;
            if (++size == batchLines) {
                submit();
            }
        }

        void finish() {
            if (size > 0) {
                submit();
            }
            while (!inFlight.isEmpty()) {
                take();
            }
        }

        private void submit() {
            long[] l = lines;
            String[] t = texts;
            int n = size;
            lines = new long[batchLines];
            texts = new String[batchLines];
            size = 0;
            if (pool == null) {
                add(batch(l, t, n, failed));
                return;
            }
            inFlight.add(pool.submit(() -> batch(l, t, n, failed)));
            if (inFlight.size() >= 2 * threads) {
                take();
            }
        }

        private void take() {
            try {
                add(inFlight.removeFirst().get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while importing the registry", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("a registry import task failed: " + e.getCause(), e.getCause());
            }
        }

        private void add(Batch batch) {
            valid += batch.valid;
            batch.problems.forEach(problems::add);
            if (problems.count > 0) {
                failed.set(true);
                return;
            }
            try {
                copy.writeToCopy(batch.copyText, 0, batch.copyText.length);
            } catch (SQLException e) {
                throw new IllegalStateException("COPY into the staging table failed: " + e.getMessage(), e);
            }
            staged += batch.valid;
            progress.staged(staged);
        }
    }

    /** A batch of lines as {@code COPY} text (UTF-8), with how many were valid and what was wrong with the others. */
    private record Batch(long valid, List<RegistryCsv.Problem> problems, byte[] copyText) {
    }

    private Batch batch(long[] lines, String[] texts, int n, AtomicBoolean failed) {
        StringBuilder out = new StringBuilder(n * 256);
        List<RegistryCsv.Problem> found = new ArrayList<>(0);
        long valid = 0;
        for (int i = 0; i < n; i++) {
            switch (RegistryCsv.parse(lines[i], texts[i])) {
                case RegistryCsv.Invalid invalid -> {
                    found.addAll(invalid.problems());
                    failed.set(true);
                }
                case RegistryCsv.Valid ok -> {
                    valid++;
                    if (!failed.get()) {
                        appendRow(out, ok.line(), ok.record());
                    }
                }
            }
        }
        return new Batch(valid, found, failed.get() ? new byte[0] : out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void appendRow(StringBuilder out, long line, ResidentRecord r) {
        FieldCipher.Sealed sealed = phoneCipher.seal(r.phone());
        // COPY text format: tab-separated; bytea as \x-hex, its backslash escaped. Names hold no
        // tab, newline or backslash (RegistryCsv allows letters, spaces and . ' - · only).
        out.append(line).append('\t');
        bytea(out, residentNumbers.of(r.residentNumber()));
        out.append('\t').append(r.name()).append('\t').append(r.birthDate()).append('\t');
        bytea(out, phones.of(r.phone()));
        out.append('\t');
        bytea(out, sealed.bytes());
        out.append('\t').append(sealed.keyId()).append('\n');
    }

    private static void bytea(StringBuilder out, byte[] bytes) {
        HEX.formatHex(out.append("\\\\x"), bytes);
    }


    private static void checkWholeFile(Connection conn, Problems problems) throws SQLException {
        try (Statement s = conn.createStatement()) {
            // A unique index proves a file clean for the price of the index the checks use anyway;
            // only when it cannot be built do the sorts below find the lines (a clean file, the
            // common case, skips them).
            boolean numbersUnique = uniqueIndex(conn, s, "(resident_number_hash)");
            boolean identitiesUnique = uniqueIndex(conn, s, "(phone_hash, birth_date, name)");
            s.execute("ANALYZE registry_import");
            if (!numbersUnique) {
                try (ResultSet rs = s.executeQuery("""
                        SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY resident_number_hash) AS first
                                                 FROM registry_import) d WHERE line <> first ORDER BY line LIMIT 10000""")) {
                    while (rs.next()) {
                        problems.add(new RegistryCsv.Problem(rs.getLong(1), "resident_number", "the same resident number as line " + rs.getLong(2)));
                    }
                }
            }
            if (!identitiesUnique) {
                try (ResultSet rs = s.executeQuery("""
                        SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY phone_hash, birth_date, name) AS first
                                                 FROM registry_import) d WHERE line <> first ORDER BY line LIMIT 10000""")) {
                    while (rs.next()) {
                        problems.add(new RegistryCsv.Problem(rs.getLong(1), null, "the same name, birth date and phone as line "
                                + rs.getLong(2) + ": verification could not tell the two apart"));
                    }
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

    /** Indexes the staging table on {@code columns}; whether the index could be unique. */
    private static boolean uniqueIndex(Connection conn, Statement s, String columns) throws SQLException {
        Savepoint beforeIndex = conn.setSavepoint();
        try {
            s.execute("CREATE UNIQUE INDEX ON registry_import " + columns);
            conn.releaseSavepoint(beforeIndex);
            return true;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            conn.rollback(beforeIndex);
            s.execute("CREATE INDEX ON registry_import " + columns);
            return false;
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
