package dev.orderly.server.postgres;

import dev.orderly.watch.AlertBook;
import dev.orderly.watch.AlertBookContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresAlertBookIT extends AlertBookContract {

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
    protected AlertBook book() {
        db.sql("TRUNCATE alerts");
        return new PostgresAlertBook(db.database().pool());
    }
}
