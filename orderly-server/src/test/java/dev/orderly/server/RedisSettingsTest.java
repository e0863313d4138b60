package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    @Test
    void oneRedisByDefaultWhenAUrlIsGiven() {
        Settings s = Settings.from(Map.of("ORDERLY_REDIS_URL", "redis://10.0.0.5:6379"));

        assertThat(s.redisCluster()).isFalse();
        RedisOptions options = OrderlyApp.redisOptions(s);
        assertThat(options.getType()).isEqualTo(RedisClientType.STANDALONE);
        assertThat(options.getEndpoint()).isEqualTo("redis://10.0.0.5:6379");
    }

    @Test
    void aClusterIsFoundFromItsSeedNodes() {
        Settings s = Settings.from(Map.of("ORDERLY_REDIS_CLUSTER", "true",
                "ORDERLY_REDIS_URL", "redis://10.0.0.1:7000, redis://:secret@10.0.0.2:7000,rediss://10.0.0.3:7000"));

        assertThat(s.redisNodes()).containsExactly("redis://10.0.0.1:7000", "redis://:secret@10.0.0.2:7000", "rediss://10.0.0.3:7000");
        RedisOptions options = OrderlyApp.redisOptions(s);
        assertThat(options.getType()).isEqualTo(RedisClientType.CLUSTER);
        assertThat(options.getEndpoints()).isEqualTo(s.redisNodes());
        assertThat(s.toString()).contains("redis cluster").doesNotContain("secret");
    }

    @Test
    void aClusterWithoutNodesOrSeveralNodesWithoutClusterStopTheStartNamingTheSettings() {
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_REDIS_CLUSTER", "true")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_REDIS_CLUSTER").hasMessageContaining("ORDERLY_REDIS_URL");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_REDIS_URL", "redis://a:1,redis://b:2")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_REDIS_CLUSTER=true");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_REDIS_CLUSTER", "true", "ORDERLY_REDIS_URL", "redis://a:1,,redis://b:2")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_REDIS_URL");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_REDIS_URL", "10.0.0.5:6379")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("10.0.0.5:6379").hasMessageContaining("redis://host:port");
        assertThatThrownBy(() -> Settings.from(Map.of("ORDERLY_REDIS_CLUSTER", "maybe")))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_REDIS_CLUSTER");
    }
}
