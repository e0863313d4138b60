package dev.orderly.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.registry.RegistryCsv;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestDatabase;
import dev.orderly.server.TestPrivacy;
import dev.orderly.server.demo.DemoData;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.PostgresResidentRegistry;
import io.vertx.core.Vertx;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry import against PostgreSQL: all or nothing, a report by line, upserts by resident number. */
class RegistryImporterIT {

    private static final String HEADER = RegistryCsv.HEADER + "\n";
    private static final String HONG = "640505-1234567,홍길동,1964-05-05,010-1234-5678\n";
    private static final String LEE = "650606-2345678,이영희,1965-06-06,010-2222-3333\n";

    private static Vertx vertx;
    private static Database database;
    private static final PrivacyKeys KEYS = TestPrivacy.keys();
    private final RegistryImporter importer = TestPrivacy.importer(KEYS);

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
            s.execute("TRUNCATE residents CASCADE");
        }
    }

    private RegistryImporter.Report importText(String csv) throws Exception {
        try (Connection c = database.jdbc()) {
            return importer.importCsv(c, new StringReader(csv));
        }
    }

    private PostgresResidentRegistry registry() {
        return new PostgresResidentRegistry(database.pool(), KEYS.residentNumbers(), KEYS.phones(), KEYS.phoneCipher());
    }

    private static long residents() throws Exception {
        try (Connection c = database.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM residents")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> problems(RegistryImporter.Report report) {
        return report.problems().stream().map(RegistryCsv.Problem::toString).toList();
    }

    @Test
    void aCleanFileAddsEveryResident() throws Exception {
        RegistryImporter.Report report = importText(HEADER + HONG + LEE);

        assertThat(report).isEqualTo(new RegistryImporter.Report(true, 2, 2, 0, 0, List.of()));
        assertThat(report.toString()).isEqualTo("imported 2 residents (2 added, 0 updated)");
        assertThat(registry().find("이영희", LocalDate.of(1965, 6, 6), "01022223333")).isPresent();
        assertThat(registry().byResidentNumber("6405051234567").orElseThrow().maskedPhone()).isEqualTo("010-****-5678");
    }

    @Test
    void anImportLeavesThePlannerStatisticsOfTheRegistryUpToDate() throws Exception {
        importText(HEADER + HONG + LEE);

        // pg_class.reltuples is what ANALYZE last counted (-1: never analysed), whatever autovacuum does.
        try (Connection c = database.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT reltuples FROM pg_class WHERE relname = 'residents'")) {
            rs.next();
            assertThat(rs.getDouble(1)).isEqualTo((double) residents());
        }
    }

    @Test
    void oneBadLineAnywhereImportsNothingAndEveryProblemIsReported() throws Exception {
        RegistryImporter.Report report = importText(HEADER + HONG + "650606-2345678,이영희,1965-06-07,010-2222-33\n" + LEE
                + "not,a,valid,line,at all\n");

        assertThat(report.imported()).isFalse();
        assertThat(report.problemCount()).isEqualTo(3);
        assertThat(problems(report)).containsExactly(
                "line 3, birth_date: is not the date of birth the resident number gives",
                "line 3, phone: not a Korean mobile number (01X-XXXX-XXXX)",
                "line 5: has 5 fields; expected 4 (resident_number,name,birth_date,phone)");
        assertThat(residents()).isZero();
        assertThat(report.toString()).doesNotContain("2345678").doesNotContain("2222");
    }

    @Test
    void aResidentNumberTwiceInTheFileIsAProblemNamingBothLines() throws Exception {
        RegistryImporter.Report report = importText(HEADER + HONG + LEE + "640505-1234567,홍길순,1964-05-05,010-9999-8888\n");

        assertThat(problems(report)).containsExactly("line 4, resident_number: the same resident number as line 2");
        assertThat(residents()).isZero();
    }

    @Test
    void twoResidentsVerificationCouldNotTellApartAreRefused() throws Exception {
        RegistryImporter.Report inFile = importText(HEADER + HONG + "640505-2234567,홍길동,1964-05-05,010-1234-5678\n");
        assertThat(problems(inFile)).containsExactly(
                "line 3: the same name, birth date and phone as line 2: verification could not tell the two apart");

        assertThat(importText(HEADER + HONG).imported()).isTrue();
        RegistryImporter.Report againstRegistry = importText(HEADER + LEE + "640505-2234567,홍길동,1964-05-05,01012345678\n");
        assertThat(problems(againstRegistry)).containsExactly(
                "line 3: a resident already in the registry, and not in this file, has the same name, birth date and phone");
        assertThat(residents()).isEqualTo(1);
    }

    @Test
    void aResidentNumberAlreadyInTheRegistryUpdatesThatResidentUnderTheSameId() throws Exception {
        importText(HEADER + HONG + LEE);
        long hongsId = registry().byResidentNumber("6405051234567").orElseThrow().id();

        RegistryImporter.Report report = importText(HEADER + "640505-1234567,홍길동,1964-05-05,010-5555-6666\n"
                + "700101-1000001,박민수,1970-01-01,010-7777-0000\n");

        assertThat(report).isEqualTo(new RegistryImporter.Report(true, 2, 1, 1, 0, List.of()));
        assertThat(registry().byId(hongsId).orElseThrow().phone()).isEqualTo("01055556666");
        assertThat(registry().find("홍길동", LocalDate.of(1964, 5, 5), "01012345678")).isEmpty();
        assertThat(registry().find("이영희", LocalDate.of(1965, 6, 6), "01022223333")).as("absent from the file: left alone").isPresent();
        assertThat(residents()).isEqualTo(3);
    }

    @Test
    void twoResidentsMaySwapPhonesInOneImport() throws Exception {
        importText(HEADER + "640505-1234567,김하나,1964-05-05,010-1111-1111\n" + "640505-2234567,김하나,1964-05-05,010-2222-2222\n");

        RegistryImporter.Report swap = importText(HEADER + "640505-1234567,김하나,1964-05-05,010-2222-2222\n"
                + "640505-2234567,김하나,1964-05-05,010-1111-1111\n");

        assertThat(swap.imported()).as(swap.toString()).isTrue();
        assertThat(registry().byResidentNumber("6405051234567").orElseThrow().phone()).isEqualTo("01022222222");
    }

    @Test
    void insideACallersTransactionAFailedImportUndoesOnlyItself() throws Exception {
        try (Connection c = database.jdbc()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO products (code, name, dose2_min_days, dose2_max_days) VALUES ('TST', 'test', 21, 42)");
            }
            assertThat(importer.importCsv(c, new StringReader(HEADER + "bad line\n")).imported()).isFalse();
            assertThat(importer.importCsv(c, new StringReader(HEADER + HONG)).imported()).isTrue();
            c.commit();
        }
        assertThat(residents()).isEqualTo(1);
        try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM products WHERE code = 'TST'");
        }
    }

    @Test
    void theDemoGeneratorWritesTheImportFormatWithUniqueResidentNumbers() throws Exception {
        StringBuilder csv = new StringBuilder();
        new DemoData(20210726, 3000, 17, Clock.systemUTC()).residentsCsv(csv::append);

        assertThat(csv.toString()).startsWith(RegistryCsv.HEADER + "\n");
        RegistryImporter.Report report = importText(csv.toString());

        assertThat(report).isEqualTo(new RegistryImporter.Report(true, 3000, 3000, 0, 0, List.of()));
    }
}
