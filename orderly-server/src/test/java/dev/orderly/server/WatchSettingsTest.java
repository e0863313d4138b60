package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchSettingsTest {

    @Test
    void theCanaryRunsAndNothingIsSentUnlessConfigured() {
        WatchSettings w = Settings.from(Map.of()).watch();
        assertThat(w.canary()).isTrue();
        assertThat(w.webhook()).isEmpty();
        assertThat(w.smsTo()).isEmpty();
    }

    @Test
    void aWebhookAndOnCallNumbersAreRead() {
        WatchSettings w = Settings.from(Map.of("ORDERLY_ALERT_WEBHOOK_URL", "https://hooks.example.org/orderly",
                "ORDERLY_ALERT_SMS_TO", "010-1234-5678, 01098765432", "ORDERLY_CANARY", "off")).watch();
        assertThat(w.webhook()).isEqualTo(Optional.of(URI.create("https://hooks.example.org/orderly")));
        assertThat(w.smsTo()).isEqualTo(List.of("01012345678", "01098765432"));
        assertThat(w.canary()).isFalse();
        assertThat(w.toString()).contains("2 number(s)").doesNotContain("5678").doesNotContain("/orderly");
    }

    @Test
    void aBadWebhookOrNumberStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_ALERT_WEBHOOK_URL", "ftp://example.org/x")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_ALERT_WEBHOOK_URL=ftp://example.org/x");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_ALERT_WEBHOOK_URL", "not a url")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_ALERT_WEBHOOK_URL");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_ALERT_SMS_TO", "01012345678,call-me")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_ALERT_SMS_TO").hasMessageContaining("call-me");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_CANARY", "sometimes")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_CANARY=sometimes");
    }
}
