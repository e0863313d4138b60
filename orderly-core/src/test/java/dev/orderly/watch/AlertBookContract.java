package dev.orderly.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every {@link AlertBook} promises; each adapter's test binds it. */
public abstract class AlertBookContract {

    private static final Instant T = Instant.parse("2021-07-26T11:00:00Z");

    protected abstract AlertBook book();

    private static Alert alert(String rule, String subject, Instant at) {
        return new Alert(rule, subject, "detail of " + rule, rule, at, null);
    }

    @Test
    void oneActiveAlertPerRuleAndSubject() {
        AlertBook b = book();
        assertThat(b.raise(alert("booking-stalled", "booking", T))).isTrue();
        assertThat(b.raise(alert("booking-stalled", "booking", T.plusSeconds(5)))).isFalse();
        assertThat(b.raise(alert("booking-stalled", "identity", T.plusSeconds(5)))).isTrue();
        assertThat(b.active()).extracting(Alert::subject).containsExactly("booking", "identity");
    }

    @Test
    void aResolvedAlertLeavesTheActiveListAndStaysInTheHistory() {
        AlertBook b = book();
        b.raise(alert("clock-skew", "node-a", T));
        assertThat(b.resolve("clock-skew|node-a", T.plusSeconds(30))).isTrue();
        assertThat(b.resolve("clock-skew|node-a", T.plusSeconds(35))).isFalse();
        assertThat(b.active()).isEmpty();
        assertThat(b.recent(5)).singleElement().satisfies(a -> {
            assertThat(a.resolvedAt()).isEqualTo(T.plusSeconds(30));
            assertThat(a.raisedAt()).isEqualTo(T);
            assertThat(a.detail()).isEqualTo("detail of clock-skew");
            assertThat(a.runbook()).isEqualTo("clock-skew");
        });
        assertThat(b.raise(alert("clock-skew", "node-a", T.plusSeconds(60)))).isTrue();
    }

    @Test
    void theHistoryIsNewestFirstAndLimited() {
        AlertBook b = book();
        for (int i = 0; i < 5; i++) {
            b.raise(alert("gate-stuck", "gate-" + i, T.plusSeconds(i)));
        }
        assertThat(b.recent(3)).extracting(Alert::subject).containsExactly("gate-4", "gate-3", "gate-2");
    }
}
