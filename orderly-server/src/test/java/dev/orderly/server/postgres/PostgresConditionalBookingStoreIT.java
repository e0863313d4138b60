package dev.orderly.server.postgres;

import dev.orderly.booking.BookingStore;
import dev.orderly.booking.BookingStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The booking contract against PostgreSQL with the plain engine: conditional UPDATE, one transaction per booking. */
class PostgresConditionalBookingStoreIT extends BookingStoreContract {

    private static PostgresTestDatabase db;
    private PostgresBookingStore store;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Override
    protected BookingStore newStore() {
        db.truncate();
        store = new PostgresBookingStore(db.pool(), PostgresBookingStore.Engine.CONDITIONAL_UPDATE, 1, 1);
        return store;
    }

    @Override
    protected void afterEveryTest() {
        db.assertConsistent(store);
    }
}
