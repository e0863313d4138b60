package dev.orderly.server.postgres;

import dev.orderly.standby.StandbyStoreContract;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The standby contract against PostgreSQL (with the booking store it claims through), including
 * the test: 3 doses, 50 people, claims racing on threads, windows expiring.
 */
class PostgresStandbyStoreIT extends StandbyStoreContract {

    private static PostgresTestDatabase db;
    private PostgresBookingStore bookings;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Override
    protected Stores newStores() {
        db.truncate();
        db.sql("TRUNCATE standby_entries, standby_releases, standby_offers, standby_leftover_cohorts CASCADE");
        if (bookings != null) {
            bookings.close();
        }
        bookings = new PostgresBookingStore(db.pool());
        return new Stores(bookings, new PostgresStandbyStore(db.pool(), bookings));
    }

    @Override
    protected List<String> offerSms(long personId) {
        List<String> bodies = new ArrayList<>();
        Blocking.await(db.pool().preparedQuery("SELECT body FROM outbox WHERE kind = $1 AND person_id = $2 ORDER BY id")
                .execute(Tuple.of(PostgresStandbyStore.OFFER_KIND, personId))).forEach(r -> bodies.add(r.getString(0)));
        return bodies;
    }
}
