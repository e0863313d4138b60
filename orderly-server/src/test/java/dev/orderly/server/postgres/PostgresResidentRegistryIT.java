package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.registry.ResidentRecord;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.registry.ResidentRegistryContract;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestPrivacy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry contract against PostgreSQL, filled through the CSV import; and what lands in the table. */
class PostgresResidentRegistryIT extends ResidentRegistryContract {

    private static PostgresTestDatabase db;
    private static final PrivacyKeys KEYS = TestPrivacy.keys();

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Override
    protected ResidentRegistry registryOf(List<ResidentRecord> records) {
        return TestResidents.importOnly(db, KEYS, records);
    }

    private static PostgresResidentRegistry registry(PrivacyKeys keys) {
        return TestResidents.registry(db, keys);
    }

    @Test
    void theTableHoldsNoResidentNumberAndNoPhoneNumberInAnyForm() throws Exception {
        registryOf(List.of(HONG, TWIN, KIM));

        String dump = tableAsText("residents");
        for (ResidentRecord r : List.of(HONG, TWIN, KIM)) {
            assertThat(dump).doesNotContain(r.residentNumber()).doesNotContain(r.residentNumber().substring(6))
                    .doesNotContain(r.phone()).doesNotContain(r.phone().substring(3))
                    .doesNotContain(HexFormat.of().formatHex(r.phone().getBytes(StandardCharsets.US_ASCII)))
                    .doesNotContain(HexFormat.of().formatHex(r.residentNumber().getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(dump).contains("홍길동").contains("p1");
    }

    @Test
    void phonesKeptInClearByAnOlderVersionAreSealedAndFoundAfterwards() throws Exception {
        db.sql("TRUNCATE residents CASCADE");
        try (Connection c = db.database().jdbc(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO residents (id, name, birth_date, phone) VALUES (7, '이영희', '1963-02-01', '01077778888')");
        }
        PostgresResidentRegistry registry = registry(KEYS);
        assertThat(registry.find("이영희", LocalDate.of(1963, 2, 1), "01077778888")).as("not findable while in clear").isEmpty();

        assertThat(registry.sealUnsealed()).isEqualTo(1);

        assertThat(registry.find("이영희", LocalDate.of(1963, 2, 1), "01077778888").orElseThrow().id()).isEqualTo(7);
        assertThat(tableAsText("residents")).doesNotContain("01077778888");
        assertThat(registry.sealUnsealed()).isZero();
    }

    @Test
    void resealingMovesEveryPhoneToTheCurrentKeyAndTheOldKeyCanThenGo() throws Exception {
        registryOf(List.of(HONG, TWIN, KIM));
        PrivacyKeys rotated = TestPrivacy.keys(11, "p2", "p1");
        PostgresResidentRegistry registry = registry(rotated);
        assertThat(registry.keyIdsInUse()).containsExactly("p1");

        assertThat(registry.reseal()).isEqualTo(3);

        assertThat(registry.keyIdsInUse()).containsExactly("p2");
        PostgresResidentRegistry withoutOldKey = registry(TestPrivacy.keys(11, "p2"));
        assertThat(withoutOldKey.byResidentNumber(HONG.residentNumber()).orElseThrow().phone()).isEqualTo(HONG.phone());
        assertThat(withoutOldKey.find(KIM.name(), KIM.birthDate(), KIM.phone())).isPresent();
        assertThat(registry.reseal()).isZero();
    }

    private static String tableAsText(String table) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
