package dev.orderly.bench;

import dev.orderly.booking.BookingStore;
import dev.orderly.booking.BookingStoreContract;
import dev.orderly.server.postgres.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The booking contract against PostgreSQL with the benchmark's plain engine: conditional UPDATE, one transaction per booking. */
class ConditionalUpdateBookingStoreIT extends BookingStoreContract {

    private static PostgresTestDatabase db;
    private ConditionalUpdateBookingStore store;

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
        store = new ConditionalUpdateBookingStore(db.pool());
        return store;
    }

    @Override
    protected void afterEveryTest() {
        db.assertConsistent(store);
    }
}
