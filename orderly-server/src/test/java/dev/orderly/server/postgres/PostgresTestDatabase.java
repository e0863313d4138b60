package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingStore;
import dev.orderly.server.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh migrated PostgreSQL database with a Vert.x pool, for the adapters' tests. */
public final class PostgresTestDatabase implements AutoCloseable {

    private final Vertx vertx;
    private final Database database;

    private PostgresTestDatabase(Vertx vertx, Database database) {
        this.vertx = vertx;
        this.database = database;
    }

    public static PostgresTestDatabase start() {
        Vertx vertx = Vertx.vertx();
        return new PostgresTestDatabase(vertx, Database.external(vertx, TestDatabase.fresh(), "postgres", "", 24));
    }

    public Pool pool() {
        return database.pool();
    }

    public Database database() {
        return database;
    }

    /** Empties every table the booking and eligibility adapters write. */
    public void truncate() {
        sql("TRUNCATE outbox, reservations, request_keys, day_capacity, clinic_products, clinics, products, residents,"
                + " cohort_windows, cohorts, special_group_members, clinic_visits, clinic_closed_days CASCADE");
    }

    public void sql(String sql) {
        try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String sql) {
        try (Connection c = database.jdbc(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** No bucket overbooked, every bucket's count equal to the appointments in it, one active appointment per person and dose. */
    public void assertConsistent(BookingStore store) {
        assertThat(store.checkIntegrity().isClean()).as("%s", store.checkIntegrity()).isTrue();
    }

    @Override
    public void close() {
        database.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
