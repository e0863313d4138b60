package dev.orderly.server.postgres;

import dev.orderly.eligibility.CohortStore;
import dev.orderly.eligibility.EligibilityStoresContract;
import dev.orderly.eligibility.SpecialGroupStore;
import dev.orderly.time.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The eligibility contract against PostgreSQL. */
class PostgresEligibilityStoresIT extends EligibilityStoresContract {

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
    protected CohortStore newCohortStore() {
        db.truncate();
        return new PostgresCohortStore(db.pool(), MutableClock.at("2021-08-01T00:00:00Z"));
    }

    @Override
    protected SpecialGroupStore newSpecialGroupStore() {
        return new PostgresSpecialGroupStore(db.pool());
    }
}
