package dev.orderly.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.store.StoreUnavailableException;
import io.vertx.core.VertxException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which Redis failures are an outage (503, retry) and which stay what they are. */
class RedisErrorsTest {

    @Test
    void aDroppedRefusedLoadingOrSilentRedisIsUnavailable() {
        for (Throwable e : new Throwable[] {new ConnectException("Connection refused"), new SocketException("Connection reset"),
                new TimeoutException("no answer"), new VertxException("Connection closed", true), ErrorType.create("CONNECTION_CLOSED"),
                ErrorType.create("LOADING Redis is loading the dataset in memory"), ErrorType.create("MASTERDOWN link is down")}) {
            RuntimeException translated = RedisErrors.translate(e);
            assertThat(translated).as(e.toString()).isInstanceOf(StoreUnavailableException.class);
            assertThat(((StoreUnavailableException) translated).dependency()).isEqualTo("redis");
        }
    }

    @Test
    void anErrorAboutTheCommandIsNotAnOutage() {
        assertThat(RedisErrors.translate(ErrorType.create("ERR wrong number of arguments"))).isNotInstanceOf(StoreUnavailableException.class);
        assertThat(RedisErrors.translate(ErrorType.create("NOSCRIPT No matching script"))).isNotInstanceOf(StoreUnavailableException.class);
        IllegalStateException bug = new IllegalStateException("bug");
        assertThat(RedisErrors.translate(bug)).isSameAs(bug);
    }
}
