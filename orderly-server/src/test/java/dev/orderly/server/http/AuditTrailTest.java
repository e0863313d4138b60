package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.audit.AuditEntry;
import dev.orderly.audit.AuditEvent;
import dev.orderly.audit.AuditLog;
import dev.orderly.audit.AuditQuery;
import dev.orderly.audit.ChainCheck;
import dev.orderly.audit.InMemoryAuditLog;
import dev.orderly.staff.Role;
import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditTrailTest {

    private static final Actor KIM = new Actor("kim", Role.OPERATOR, Set.of(), "203.0.113.9");

    @Test
    void aChangeIsRecordedWithTheActorAndBothStatesAsJsonText() {
        InMemoryAuditLog log = new InMemoryAuditLog(Clock.systemUTC());

        new AuditTrail(log).record(KIM, "gate.pause", "gate:identity", new JsonObject().put("mode", "ACTIVE"),
                new JsonArray().add(1));
        new AuditTrail(log).record(KIM, "cohort.delete", "cohort:x", "{\"id\":\"x\"}", null);

        List<AuditEntry> entries = log.read(AuditQuery.newest().oldestFirst());
        assertThat(entries.get(0).event()).isEqualTo(new AuditEvent("kim", "operator", "gate.pause", "gate:identity",
                "{\"mode\":\"ACTIVE\"}", "[1]", "203.0.113.9"));
        assertThat(entries.get(1).before()).isEqualTo("{\"id\":\"x\"}");
        assertThat(entries.get(1).after()).isNull();
    }

    @Test
    void anEntryThatCannotBeWrittenIsAnUnrecordedChangeAnswered503SayingTheChangeWasMade() {
        // A log whose database is gone: every call fails as the PostgreSQL adapter's would.
        AuditLog down = new AuditLog() {
            @Override
            public AuditEntry append(AuditEvent event) {
                throw new StoreUnavailableException("postgresql", "connection refused", null);
            }

            @Override
            public List<AuditEntry> read(AuditQuery query) {
                throw new StoreUnavailableException("postgresql", "connection refused", null);
            }

            @Override
            public ChainCheck.Verification verify() {
                throw new StoreUnavailableException("postgresql", "connection refused", null);
            }
        };

        assertThatThrownBy(() -> new AuditTrail(down).record(KIM, "gate.pause", "gate:identity", null, null))
                .isInstanceOfSatisfying(AuditTrail.Unrecorded.class, u -> {
                    Reply reply = AuditTrail.answer(u);
                    assertThat(reply.status()).isEqualTo(503);
                    JsonObject body = (JsonObject) reply.body();
                    assertThat(body.getString("type")).isEqualTo("/problems/audit-unrecorded");
                    assertThat(body.getBoolean("changed")).isTrue();
                    assertThat(body.getString("detail")).contains("'gate.pause' on 'gate:identity' was made but not written");
                });
    }
}
