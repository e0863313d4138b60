package dev.orderly.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestDatabase;
import dev.orderly.server.TestPrivacy;
import dev.orderly.server.demo.DemoData;
import dev.orderly.server.postgres.Database;
import io.vertx.core.Vertx;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The import hashes and seals on several threads in batches: whatever the threads and the batch
 * size, the registry gets the same rows under the same ids, and a bad file the same report.
 */
class ParallelRegistryImportIT {

    private static final PrivacyKeys KEYS = TestPrivacy.keys();
    private static Vertx vertx;
    private static Database database;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        database = Database.external(vertx, TestDatabase.fresh(), "postgres", "", 4);
    }

    @AfterAll
    static void stop() {
        database.close();
        vertx.close();
    }

    @BeforeEach
    void empty() throws Exception {
        try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE residents RESTART IDENTITY CASCADE");
        }
    }

    private static RegistryImporter importer(int threads, int batchLines) {
        return new RegistryImporter(KEYS.residentNumbers(), KEYS.phones(), KEYS.phoneCipher(), threads, batchLines);
    }

    private static String demoCsv(int people) {
        StringBuilder csv = new StringBuilder();
        new DemoData(20210726, people, 17, Clock.systemUTC()).residentsCsv(csv::append);
        return csv.toString();
    }

    /** Every resident as the registry holds them, by id; the phone opened (sealing draws a fresh nonce each time). */
    private static List<String> registry() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT id, resident_number_hash, name, birth_date, phone_hash, phone_key_id, phone_sealed FROM residents ORDER BY id""")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + HexFormat.of().formatHex(rs.getBytes(2)) + " " + rs.getString(3) + " " + rs.getObject(4)
                        + " " + HexFormat.of().formatHex(rs.getBytes(5)) + " " + KEYS.phoneCipher().open(rs.getString(6), rs.getBytes(7)));
            }
        }
        return rows;
    }

    private RegistryImporter.Report importWith(RegistryImporter importer, String csv) throws Exception {
        try (Connection c = database.jdbc()) {
            return importer.importCsv(c, new StringReader(csv));
        }
    }

    @Test
    void manyThreadsInSmallBatchesGiveTheSameRowsUnderTheSameIdsAsOneThread() throws Exception {
        String csv = demoCsv(3000);

        assertThat(importWith(importer(1, 4096), csv)).isEqualTo(new RegistryImporter.Report(true, 3000, 3000, 0, 0, List.of()));
        List<String> sequential = registry();
        empty();
        assertThat(importWith(importer(4, 7), csv)).isEqualTo(new RegistryImporter.Report(true, 3000, 3000, 0, 0, List.of()));

        assertThat(registry()).hasSize(3000).isEqualTo(sequential);
    }

    @Test
    void aBadFileGetsTheSameReportWhateverTheThreads() throws Exception {
        String[] lines = demoCsv(500).split("\n");
        lines[40] = "not,a,valid,line,at all";
        lines[41] = lines[42];
        lines[300] = "640505-1234567,홍길동,1964-05-05,010-1234";
        lines[499] = lines[3].replace(lines[3].substring(0, 14), "640505-1234567");
        String csv = String.join("\n", lines) + "\n";

        RegistryImporter.Report sequential = importWith(importer(1, 4096), csv);
        RegistryImporter.Report parallel = importWith(importer(3, 5), csv);

        assertThat(sequential.imported()).isFalse();
        assertThat(sequential.problemCount()).isGreaterThanOrEqualTo(3);
        assertThat(parallel).isEqualTo(sequential);
        assertThat(registry()).isEmpty();
    }

    @Test
    void duplicatesFoundInsideACallersTransactionUndoOnlyTheImport() throws Exception {
        String csv = demoCsv(50);
        String duplicated = csv + csv.split("\n")[7] + "\n";
        try (Connection c = database.jdbc()) {
            c.setAutoCommit(false);
            RegistryImporter.Report refused = importer(2, 4).importCsv(c, new StringReader(duplicated));
            RegistryImporter.Report clean = importer(2, 4).importCsv(c, new StringReader(csv));
            c.commit();

            assertThat(refused.problems()).map(Object::toString).containsExactly(
                    "line 52, resident_number: the same resident number as line 8",
                    "line 52: the same name, birth date and phone as line 8: verification could not tell the two apart");
            assertThat(clean.imported()).isTrue();
        }
        assertThat(registry()).hasSize(50);
    }

    @Test
    void progressCountsTheStagedLinesUpToAll() throws Exception {
        List<Long> staged = new ArrayList<>();
        boolean[] merging = {false};
        try (Connection c = database.jdbc()) {
            importer(2, 100).importCsv(c, new StringReader(demoCsv(1000)), new RegistryImporter.Progress() {
                @Override
                public void staged(long lines) {
                    staged.add(lines);
                }

                @Override
                public void merging() {
                    merging[0] = true;
                }
            });
        }

        assertThat(staged).isSorted().hasSize(10).endsWith(1000L);
        assertThat(merging[0]).isTrue();
    }
}
