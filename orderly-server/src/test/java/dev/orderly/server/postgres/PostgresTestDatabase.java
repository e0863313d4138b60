package dev.orderly.server.postgres;

import dev.orderly.server.TestDatabase;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh, migrated database and a Vert.x to reach it, for one test class. */
final class PostgresTestDatabase implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final Database database = Database.external(vertx, TestDatabase.fresh(), "postgres", "", 32);

    void truncate(String tables) {
        try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + tables + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        database.close();
        vertx.close();
    }
}
