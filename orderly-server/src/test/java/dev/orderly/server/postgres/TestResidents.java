package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.registry.RegistryCsv;
import dev.orderly.registry.ResidentRecord;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestPrivacy;
import dev.orderly.server.registry.RegistryImporter;
import java.io.StringReader;
import java.sql.Connection;
import java.util.List;

/** Residents in a test database, put there as an operator would: through the CSV import. */
final class TestResidents {

    private TestResidents() {
    }

    /** Empties {@code residents} and imports exactly {@code records}; returns the registry reading them. */
    static PostgresResidentRegistry importOnly(PostgresTestDatabase db, PrivacyKeys keys, List<ResidentRecord> records) {
        db.sql("TRUNCATE residents CASCADE");
        StringBuilder csv = new StringBuilder(RegistryCsv.HEADER).append('\n');
        records.forEach(r -> csv.append(RegistryCsv.line(r)).append('\n'));
        try (Connection c = db.database().jdbc()) {
            RegistryImporter.Report report = TestPrivacy.importer(keys).importCsv(c, new StringReader(csv.toString()));
            assertThat(report.imported()).as(report.toString()).isTrue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return registry(db, keys);
    }

    /** The registry over {@code db}'s residents, read with {@code keys}. */
    static PostgresResidentRegistry registry(PostgresTestDatabase db, PrivacyKeys keys) {
        return new PostgresResidentRegistry(db.database().pool(), keys.residentNumbers(), keys.phones(), keys.phoneCipher());
    }
}
