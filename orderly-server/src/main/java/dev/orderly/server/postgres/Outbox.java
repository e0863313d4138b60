package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.booking.Reservation;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Writes confirmation messages into the outbox table inside the booking's own transaction, so a
 * message exists exactly when the change it reports was committed. The body holds no phone number:
 * the relay looks the number up when it sends.
 */
final class Outbox {

    private Outbox() {
    }

    static void enqueue(SqlConnection conn, String kind, Reservation r, Instant now) {
        String body = switch (kind) {
            case "BOOKED" -> "[Orderly] 예약 완료 " + r.reference() + ": " + r.clinicName() + " 1차 " + r.dose1Day()
                    + ", 2차 " + r.dose2Day() + " / booked " + r.reference();
            case "CANCELLED" -> "[Orderly] 예약 취소 " + r.reference() + " / cancelled " + r.reference();
            default -> throw new IllegalArgumentException("unknown outbox kind " + kind);
        };
        await(conn.preparedQuery("""
                INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at)
                VALUES ($1, $2, $3, $4, $5, $5)""")
                .execute(Tuple.of(kind, r.personId(), r.reference(), body, PostgresBookingStore.utc(now))));
    }
}
