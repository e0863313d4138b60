package dev.orderly.server.postgres;

import dev.orderly.clinic.ClinicStoreContract;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The clinic contract against PostgreSQL, over the booking store with its default engine. */
class PostgresClinicStoreIT extends ClinicStoreContract {

    private static PostgresTestDatabase db;
    private PostgresBookingStore booking;

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
        db.assertConsistent(booking);
        booking.close();
    }

    @Override
    protected Stores newStores() {
        db.truncate();
        booking = new PostgresBookingStore(db.pool(), PostgresBookingStore.Engine.BATCHED, 4, 256);
        return new Stores(booking, new PostgresClinicStore(db.pool()));
    }

    @Override
    protected void addResident(long id, String name, LocalDate birthDate) {
        Blocking.await(db.pool().preparedQuery("INSERT INTO residents (id, name, birth_date, phone) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(id, name, birthDate, "0100000" + String.format("%04d", id))));
    }

    @Override
    protected List<String> messageKinds(String reference) {
        List<String> kinds = new ArrayList<>();
        Blocking.await(db.pool().preparedQuery("SELECT kind FROM outbox WHERE reference = $1 ORDER BY id").execute(Tuple.of(reference)))
                .forEach(r -> kinds.add(r.getString(0)));
        return kinds;
    }
}
