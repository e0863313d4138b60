package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.notice.Audience;
import dev.orderly.notice.Notices;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.util.OptionalLong;

/**
 * Operators' messages in PostgreSQL: the audience is counted and the outbox rows written by one
 * {@code INSERT ... SELECT} over the same query, in one transaction that is rolled back when the
 * count is not the one the operator confirmed. A message takes its id from the outbox's own
 * sequence, so ids never collide with another node's and need no table of their own.
 */
public final class PostgresNotices implements Notices {

    /** The outbox kind of an operator's message (the relay sends every kind alike). */
    public static final String KIND = "notice";

    /** A resident the cohort covers (as the booking tallies count them), reachable by SMS. */
    private static final String COHORT_MEMBERS = """
            SELECT r.id FROM residents r JOIN cohorts c ON c.id = $1
            WHERE r.phone_sealed IS NOT NULL AND NOT r.synthetic AND r.birth_date BETWEEN c.born_from AND c.born_to
              AND (c.special_group IS NULL OR EXISTS (SELECT 1 FROM special_group_members m
                                                      WHERE m.group_code = c.special_group AND m.resident_id = r.id))""";

    /** A person with an active appointment at the clinic (that day, that dose), reachable by SMS; once even with both doses there. */
    private static final String CLINIC_BOOKINGS = """
            SELECT DISTINCT v.person_id AS id FROM reservations v JOIN residents r ON r.id = v.person_id
            WHERE v.clinic_id = $1 AND v.status = 'ACTIVE' AND ($2::date IS NULL OR v.day = $2::date)
              AND ($3::int IS NULL OR v.dose = $3::int) AND r.phone_sealed IS NOT NULL AND NOT r.synthetic""";

    /** Every statement, whole, so that a test can prepare each without parameter types (see AdapterStatementsParseIT). */
    static final String COUNT_COHORT = "SELECT count(*) FROM (" + COHORT_MEMBERS + ") a";
    static final String COUNT_CLINIC = "SELECT count(*) FROM (" + CLINIC_BOOKINGS + ") a";
    static final String SEND_COHORT = send(COHORT_MEMBERS, 1);
    static final String SEND_CLINIC = send(CLINIC_BOOKINGS, 3);

    private static String send(String audience, int parameters) {
        return "INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at) SELECT '" + KIND + "', a.id, $"
                + (parameters + 1) + "::text, $" + (parameters + 2) + "::text, $" + (parameters + 3) + "::timestamptz, $" + (parameters + 3)
                + "::timestamptz FROM (" + audience + ") a";
    }

    private final Pool pool;
    private final Clock clock;

    public PostgresNotices(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public OptionalLong count(Audience audience) {
        if (audience instanceof Audience.CohortMembers c && !cohortExists(c.cohortId())) {
            return OptionalLong.empty();
        }
        String count = audience instanceof Audience.CohortMembers ? COUNT_COHORT : COUNT_CLINIC;
        return OptionalLong.of(await(pool.preparedQuery(count).execute(parameters(audience))).iterator().next().getLong(0));
    }

    private boolean cohortExists(String id) {
        return await(pool.preparedQuery("SELECT 1 FROM cohorts WHERE id = $1").execute(Tuple.of(id))).size() > 0;
    }

    @Override
    public Outcome send(Audience audience, String body, long expectedCount) {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            try {
                if (audience instanceof Audience.CohortMembers c
                        && await(conn.preparedQuery("SELECT 1 FROM cohorts WHERE id = $1 FOR SHARE").execute(Tuple.of(c.cohortId()))).size() == 0) {
                    await(tx.rollback());
                    return new UnknownCohort();
                }
                long id = await(conn.query("SELECT nextval(pg_get_serial_sequence('outbox', 'id'))").execute()).iterator().next().getLong(0);
                String reference = "MSG-" + id;
                var now = PostgresBookingStore.utc(clock.instant());
                String insert = audience instanceof Audience.CohortMembers ? SEND_COHORT : SEND_CLINIC;
                long inserted = await(conn.preparedQuery(insert)
                        .execute(parameters(audience).addString(reference).addString(body).addOffsetDateTime(now))).rowCount();
                if (inserted != expectedCount) {
                    await(tx.rollback());
                    return new AudienceChanged(inserted);
                }
                await(tx.commit());
                return new Sent(id, reference, inserted);
            } catch (RuntimeException e) {
                tx.rollback();
                throw e;
            }
        } finally {
            conn.close();
        }
    }

    /** The audience's parameters, in the order of its query ($1, or $1 to $3). */
    private static Tuple parameters(Audience audience) {
        return switch (audience) {
            case Audience.CohortMembers c -> Tuple.tuple().addString(c.cohortId());
            case Audience.ClinicBookings b -> Tuple.tuple().addLong(b.clinicId()).addLocalDate(b.day().orElse((LocalDate) null))
                    .addInteger(b.dose().orElse(null));
        };
    }
}
