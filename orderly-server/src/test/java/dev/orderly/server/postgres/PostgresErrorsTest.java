package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which PostgreSQL failures are an outage (503, retry) and which stay what they are. */
class PostgresErrorsTest {

    @Test
    void aLostRefusedOrShuttingDownServerIsUnavailable() {
        assertThat(PostgresErrors.translate(new ConnectException("Connection refused"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(PostgresErrors.translate(ClosedConnectionException.INSTANCE)).isInstanceOf(StoreUnavailableException.class);
        assertThat(PostgresErrors.translate(new NoStackTraceTimeoutException("timeout"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(PostgresErrors.translate(new VertxException("Timeout waiting for connection", true)))
                .isInstanceOf(StoreUnavailableException.class);
        // A statement sent on a connection the server dropped a moment before (PostgresOutageIT saw it as a 500).
        assertThat(PostgresErrors.translate(new VertxException("Connection is not active now, current status: CLOSED", true)))
                .isInstanceOf(StoreUnavailableException.class);
        for (String state : new String[] {"08006", "57P01", "57P03", "53300"}) {
            assertThat(PostgresErrors.translate(new PgException("down", "FATAL", state, null))).as(state)
                    .isInstanceOf(StoreUnavailableException.class);
        }
        assertThat(PostgresErrors.translate(new SQLException("no connection", "08001"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreUnavailableException) PostgresErrors.translate(new ConnectException("refused"))).dependency())
                .isEqualTo("postgresql");
    }

    @Test
    void aStatementTheServerRefusesIsNotAnOutage() {
        PgException unique = new PgException("duplicate key", "ERROR", "23505", null);
        assertThat(PostgresErrors.translate(unique)).isSameAs(unique);
        IllegalArgumentException bug = new IllegalArgumentException("bug");
        assertThat(PostgresErrors.translate(bug)).isSameAs(bug);
        assertThat(PostgresErrors.translate(new SQLException("syntax", "42601"))).isNotInstanceOf(StoreUnavailableException.class);
    }
}
