package dev.orderly.server.postgres;

import dev.orderly.identity.DailyQuota;
import dev.orderly.identity.DailyQuotaContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresDailyQuotaIT extends DailyQuotaContract {

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
    protected DailyQuota newQuota() {
        db.sql("TRUNCATE identity_daily_counts CASCADE");
        return new PostgresDailyQuota(db.database().pool());
    }
}
