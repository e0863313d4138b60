package dev.orderly.server.postgres;

import dev.orderly.assist.AssistedStore;
import dev.orderly.assist.AssistedStoreContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresAssistedStoreIT extends AssistedStoreContract {

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
    protected AssistedStore newStore() {
        db.sql("TRUNCATE assisted_sessions");
        return new PostgresAssistedStore(db.database().pool(), Clock.systemUTC());
    }
}
