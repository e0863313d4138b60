package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.Bucket;
import dev.orderly.booking.BucketCapacity;
import dev.orderly.booking.Remembered;
import dev.orderly.booking.Reservation;
import dev.orderly.server.TestDatabase;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** A database with bookings made under the foundation's schema keeps them, and their idempotency keys, through V2. */
class MigrationToBookingEngineIT {

    @Test
    void foundationBookingsSurviveAsOneRowPerDoseWithTheirKeysRemembered() throws Exception {
        String url = TestDatabase.freshAt("1");
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("INSERT INTO products VALUES ('PFZ', 'Pfizer-BioNTech', 3, 5)");
            s.execute("INSERT INTO clinics VALUES (1, 'Alpha Clinic', 'Seoul', 'Jongno', '1 Jong-ro')");
            s.execute("INSERT INTO clinic_products VALUES (1, 'PFZ')");
            s.execute("INSERT INTO day_capacity VALUES (1, 'PFZ', '2021-08-16', 5, 1), (1, 'PFZ', '2021-08-19', 5, 1)");
            s.execute("INSERT INTO reservations VALUES ('OR-OLD23456', 7, 1, 'PFZ', '2021-08-16', '2021-08-19', 'ACTIVE',"
                    + " '2021-08-01 01:00:00+00', NULL, 'key-7', '1|2021-08-16|PFZ')");
        }
        Vertx vertx = Vertx.vertx();
        try (Database db = Database.external(vertx, url, "postgres", "", 4);
             PostgresBookingStore store = new PostgresBookingStore(db.pool())) {
            Reservation old = new Reservation("OR-OLD23456", 7, 1, "Alpha Clinic", "PFZ", LocalDate.of(2021, 8, 16),
                    LocalDate.of(2021, 8, 19), Instant.parse("2021-08-01T01:00:00Z"));
            BookingRequest request = new BookingRequest(7, 1, LocalDate.of(2021, 8, 16), "PFZ");

            assertThat(store.active(7)).contains(old);
            assertThat(store.remembered(7, "key-7")).contains(new Remembered(request.fingerprint(), new BookingOutcome.Booked(old)));
            assertThat(store.book(request, "key-7", "OR-NEW23456", Instant.parse("2021-08-02T00:00:00Z")))
                    .isEqualTo(new BookingOutcome.Booked(old));
            assertThat(store.capacity(1, LocalDate.of(2021, 8, 16), 1))
                    .containsExactly(new BucketCapacity(new Bucket(1, "PFZ", LocalDate.of(2021, 8, 16), Bucket.SHARED), 5, 1));
            assertThat(store.checkIntegrity().isClean()).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
