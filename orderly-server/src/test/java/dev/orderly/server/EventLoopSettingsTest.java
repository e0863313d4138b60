package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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

    @Test
    void theNativeTransportIsPreferredUnlessTurnedOff() {
        assertThat(Settings.from(Map.of()).nativeTransport()).isTrue();
        assertThat(Settings.from(Map.of("ORDERLY_NATIVE_TRANSPORT", "false")).nativeTransport()).isFalse();
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_NATIVE_TRANSPORT", "epoll")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_NATIVE_TRANSPORT=epoll");
    }

    @Test
    void epollLoadsOnLinuxOnX86_64() {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "the epoll library shipped is Linux x86-64's");
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        try {
            assertThat(vertx.isNativeTransportEnabled()).as("epoll: %s", vertx.unavailableNativeTransportCause()).isTrue();
        } finally {
            vertx.close().await();
        }
    }
}
