package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLoopSettingsTest {

    @Test
    void oneEventLoopPerCoreUnlessSet() {
        assertThat(Settings.from(Map.of()).eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(Settings.from(Map.of("ORDERLY_EVENT_LOOPS", "6")).eventLoops()).isEqualTo(6);
    }

    @Test
    void noLoopsOrNotANumberStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_EVENT_LOOPS", "0")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_EVENT_LOOPS");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_EVENT_LOOPS", "many")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_EVENT_LOOPS=many");
    }
}
