package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.BookingStoreContract;
import dev.orderly.booking.IntegrityReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The booking contract against PostgreSQL with the default engine: batched lanes. */
class PostgresBookingStoreIT extends BookingStoreContract {

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

    @Test
    void theIntegrityCheckNamesABucketWhoseCountsWereCorruptedBehindTheStoresBack() {
        givenPfizerAtClinicOne();
        store.setCapacity(1, DAY, PFZ, 1);
        for (int d = 3; d <= 5; d++) {
            store.setCapacity(1, DAY.plusDays(d), PFZ, 1);
        }
        assertThat(store.book(request(7, 1, DAY, PFZ), "k", "OR-CHECK1", NOW)).isInstanceOf(BookingOutcome.Booked.class);
        // A bucket can never be overbooked here (a CHECK constraint refuses it), but its count can drift from its rows.
        db.sql("UPDATE day_capacity SET booked = 0 WHERE day = '" + DAY + "'");
        try {
            IntegrityReport report = store.checkIntegrity();
            assertThat(report.countMismatches()).containsExactly("1/PFZ/" + DAY + "/-1 counts 0 booked but holds 1 appointments");
            assertThat(report.overbooked()).isEmpty();
            assertThat(report.doubleBooked()).isEmpty();
            assertThat(report.isClean()).isFalse();
        } finally {
            db.sql("UPDATE day_capacity SET booked = 1 WHERE day = '" + DAY + "'");
        }
    }
}
