package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.identity.SessionStore;
import dev.orderly.identity.SessionStoreContract;
import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.Person;
import dev.orderly.registry.ResidentRecord;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestPrivacy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresSessionStoreIT extends SessionStoreContract {

    private static final PrivacyKeys KEYS = TestPrivacy.keys();
    private static PostgresTestDatabase db;

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

    @Test
    void aRegistryInAnotherPlaceIsAskedOnItsOwn() {
        SessionStore store = newStore();
        Person hong = new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
        InMemoryResidentRegistry elsewhere = new InMemoryResidentRegistry().add(hong);
        store.begin(17, Instant.parse("2021-08-09T11:00:00Z"));

        assertThat(store.currentWithPerson(17, elsewhere).person()).contains(hong);
    }

    @Override
    protected SessionStore newStore() {
        db.sql("TRUNCATE person_sessions CASCADE");
        return new PostgresSessionStore(db.database().pool());
    }
}
