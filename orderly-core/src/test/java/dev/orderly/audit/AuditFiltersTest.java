package dev.orderly.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditFiltersTest {

    private static AuditQuery parse(Map<String, String> values) {
        return AuditFilters.parse(values::get);
    }

    @Test
    void nothingGivenIsTheNewestHundred() {
        assertThat(parse(Map.of())).isEqualTo(AuditQuery.newest().limit(100));
    }

    @Test
    void everyFilterIsRead() {
        AuditQuery q = parse(Map.of("actor", "kim", "action", "gate.pause", "target", "gate:", "from", "2021-07-19T00:00:00Z",
                "to", "2021-07-20T00:00:00Z", "before", "90", "after", "10", "limit", "5"));

        assertThat(q).isEqualTo(AuditQuery.newest().limit(5).actor("kim").action("gate.pause").targetPrefix("gate:")
                .from(Instant.parse("2021-07-19T00:00:00Z")).to(Instant.parse("2021-07-20T00:00:00Z")).before(90).after(10));
    }

    @Test
    void valuesThatDoNotFitAreRefusedWithTheName() {
        assertThatThrownBy(() -> parse(Map.of("limit", "0"))).isInstanceOf(AuditFilters.Invalid.class).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> parse(Map.of("limit", "1001"))).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> parse(Map.of("limit", "ten"))).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> parse(Map.of("before", "-1"))).hasMessageContaining("'before'");
        assertThatThrownBy(() -> parse(Map.of("after", "99999999999999999999999"))).hasMessageContaining("'after'");
        assertThatThrownBy(() -> parse(Map.of("from", "yesterday"))).hasMessageContaining("'from'");
        assertThatThrownBy(() -> parse(Map.of("to", "2021-07-19"))).hasMessageContaining("'to'");
        assertThatThrownBy(() -> parse(Map.of("to", "+1000000-01-01T00:00:00Z"))).hasMessageContaining("'to' must lie between");
        assertThatThrownBy(() -> parse(Map.of("from", "1900-01-01T00:00:00Z"))).hasMessageContaining("'from' must lie between");
        assertThatThrownBy(() -> parse(Map.of("from", "2021-07-20T00:00:00Z", "to", "2021-07-19T00:00:00Z"))).hasMessageContaining("before 'to'");
        assertThatThrownBy(() -> parse(Map.of("actor", ""))).hasMessageContaining("'actor'");
        assertThatThrownBy(() -> parse(Map.of("target", "a\nb"))).hasMessageContaining("'target'");
        assertThatThrownBy(() -> parse(Map.of("action", "x".repeat(201)))).hasMessageContaining("'action'");
    }
}
