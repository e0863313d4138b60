package dev.orderly.server.postgres;

import dev.orderly.booking.BookingStore;
import dev.orderly.booking.BookingStoreContract;
import dev.orderly.server.TestDatabase;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The booking contract against PostgreSQL (the local server, or an embedded one). */
class PostgresBookingStoreTest extends BookingStoreContract {

    private static Vertx vertx;
    private static Database database;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        database = Database.external(vertx, TestDatabase.fresh(), "postgres", "", 32);
    }

    @AfterAll
    static void stop() {
        database.close();
        vertx.close();
    }

    @Override
    protected BookingStore newStore() {
        try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE outbox, reservations, day_capacity, clinic_products, clinics, products, residents CASCADE");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return new PostgresBookingStore(database.pool());
    }
}
