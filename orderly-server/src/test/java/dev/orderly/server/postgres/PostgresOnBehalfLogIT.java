package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.assist.OnBehalf;
import dev.orderly.assist.OnBehalfLog;
import dev.orderly.assist.OnBehalfLogContract;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresOnBehalfLogIT extends OnBehalfLogContract {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Override
    protected OnBehalfLog newLog() {
        db.sql("TRUNCATE on_behalf, outbox");
        return new PostgresOnBehalfLog(db.database().pool());
    }

    @Test
    void theResidentIsToldThroughTheOutboxWithTheEntry() throws Exception {
        OnBehalfLog log = newLog();
        OnBehalf e = new OnBehalf(17, "ABC123", OnBehalf.BOOK, "person:5", Instant.parse("2021-08-09T11:00:00Z"));

        log.record(e);

        try (var conn = db.database().jdbc(); var rows = conn.createStatement()
                .executeQuery("SELECT kind, person_id, reference, body FROM outbox")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(PostgresOnBehalfLog.KIND);
            assertThat(rows.getLong(2)).isEqualTo(17);
            assertThat(rows.getString(3)).isEqualTo("ABC123");
            assertThat(rows.getString(4)).isEqualTo(e.notice());
            assertThat(rows.next()).isFalse();
        }
    }
}
