package dev.orderly.server.postgres;

import dev.orderly.booking.BookingStore;
import dev.orderly.booking.BookingStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The booking contract against PostgreSQL with the default engine: batched lanes. */
class PostgresBookingStoreTest extends BookingStoreContract {

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

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected BookingStore newStore() {
        db.truncate();
        store = new PostgresBookingStore(db.pool(), PostgresBookingStore.Engine.BATCHED, 4, 256);
        return store;
    }

    @Override
    protected void afterEveryTest() {
        db.assertConsistent(store);
    }
}
