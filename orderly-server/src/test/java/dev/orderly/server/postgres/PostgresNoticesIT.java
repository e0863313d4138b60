package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.notice.Audience;
import dev.orderly.notice.Notices;
import dev.orderly.time.MutableClock;
import io.vertx.sqlclient.SqlConnection;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operators' messages in PostgreSQL, below HTTP: the statements parse without parameter types
 * from the client (they are built, so AdapterStatementsParseIT cannot find them in the sources),
 * and a send either writes a row for everyone counted or nothing.
 */
class PostgresNoticesIT {

    private static final MutableClock CLOCK = MutableClock.at("2031-03-01T01:00:00Z");
    private static PostgresTestDatabase db;
    private static PostgresNotices notices;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
        notices = new PostgresNotices(db.pool(), CLOCK);
        // Two residents reachable by SMS (any sealed bytes will do: nothing is sent here), one not.
        db.sql("INSERT INTO residents (id, name, birth_date, phone_hash, phone_sealed, phone_key_id) VALUES "
                + "(1, 'a', '1950-01-01', '\\x01', '\\x01', 'k'), (2, 'b', '1950-06-01', '\\x02', '\\x02', 'k')");
        db.sql("INSERT INTO residents (id, name, birth_date, phone) VALUES (3, 'c', '1950-03-01', '01000000000')");
        db.sql("INSERT INTO cohorts (id, name, born_from, born_to, products) VALUES ('over-80', 'Over 80', '1900-01-01', '1951-12-31', '{}')");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void everyStatementParsesWithoutTypesFromTheClient() {
        SqlConnection conn = await(db.pool().getConnection());
        try {
            for (String sql : List.of(PostgresNotices.COUNT_COHORT, PostgresNotices.COUNT_CLINIC, PostgresNotices.SEND_COHORT,
                    PostgresNotices.SEND_CLINIC)) {
                await(conn.prepare(sql)).close();
            }
        } finally {
            conn.close();
        }
    }

    @Test
    void aSendWritesOneRowPerPersonCountedOrNone() {
        Audience cohort = new Audience.CohortMembers("over-80");
        assertThat(notices.count(cohort)).as("resident 3 has no sealed phone").isEqualTo(OptionalLong.of(2));
        assertThat(notices.count(new Audience.CohortMembers("nobody"))).isEmpty();
        assertThat(notices.count(new Audience.ClinicBookings(1, Optional.of(LocalDate.of(2031, 3, 2)), Optional.of(1))))
                .isEqualTo(OptionalLong.of(0));

        assertThat(notices.send(cohort, "안내", 3)).isEqualTo(new Notices.AudienceChanged(2));
        assertThat(db.count("SELECT count(*) FROM outbox")).isZero();
        assertThat(notices.send(new Audience.CohortMembers("nobody"), "안내", 1)).isInstanceOf(Notices.UnknownCohort.class);

        Notices.Sent sent = (Notices.Sent) notices.send(cohort, "안내", 2);
        assertThat(sent.count()).isEqualTo(2);
        assertThat(sent.reference()).isEqualTo("MSG-" + sent.messageId());
        assertThat(db.count("SELECT count(*) FROM outbox WHERE kind = 'notice' AND reference = '" + sent.reference()
                + "' AND body = '안내' AND person_id IN (1, 2) AND created_at = '2031-03-01T01:00:00Z' AND next_attempt_at = created_at"))
                .isEqualTo(2);
        Notices.Sent again = (Notices.Sent) notices.send(cohort, "안내", 2);
        assertThat(again.messageId()).isNotEqualTo(sent.messageId());
    }
}
