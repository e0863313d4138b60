package dev.orderly.server.postgres;

import dev.orderly.identity.ChallengeStore;
import dev.orderly.identity.ChallengeStoreContract;
import dev.orderly.identity.DailyQuota;
import dev.orderly.time.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresChallengeStoreIT extends ChallengeStoreContract {

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
    protected ChallengeStore newStore() {
        db.sql("TRUNCATE identity_challenges CASCADE");
        return new PostgresChallengeStore(db.database().pool(), MutableClock.at(NOW));
    }

    @Override
    protected DailyQuota newQuota() {
        db.sql("TRUNCATE identity_daily_counts");
        return new PostgresDailyQuota(db.database().pool());
    }
}
