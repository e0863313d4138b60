package dev.orderly.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void aLimitIsWrittenAsBurstOverPeriod() {
        assertThat(RateLimit.parse("200/10s")).isEqualTo(new RateLimit(200, Duration.ofSeconds(10)));
        assertThat(RateLimit.parse(" 3/1m ")).isEqualTo(new RateLimit(3, Duration.ofMinutes(1)));
        assertThat(RateLimit.parse("10/2h")).isEqualTo(new RateLimit(10, Duration.ofHours(2)));
        assertThat(RateLimit.parse("200/10s").perSecond()).isEqualTo(20.0);
        assertThat(RateLimit.parse("3/1m").toString()).isEqualTo("3/1m");
        assertThat(RateLimit.parse("200/10s").toString()).isEqualTo("200/10s");
    }

    @Test
    void whatIsNotALimitIsRefusedWithTheTextInTheMessage() {
        for (String bad : new String[] {"", "200", "200/10", "200/10d", "-1/1s", "0/1s", "1/0s", "a/1s", "1.5/1s"}) {
            assertThatThrownBy(() -> RateLimit.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> RateLimit.parse("200/10d")).hasMessageContaining("200/10d");
    }
}
