package dev.orderly.server.postgres;

import dev.orderly.identity.SessionStore;
import dev.orderly.identity.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresSessionStoreIT extends SessionStoreContract {

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
    protected SessionStore newStore() {
        db.sql("TRUNCATE person_sessions CASCADE");
        return new PostgresSessionStore(db.database().pool());
    }
}
