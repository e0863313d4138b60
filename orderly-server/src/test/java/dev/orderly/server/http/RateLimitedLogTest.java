package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    private RateLimitedLog log() {
        Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
        lines.start();
        logger.addAppender(lines);
        return new RateLimitedLog(logger, Duration.ofSeconds(10), nanos::get);
    }

    @Test
    void aFloodCostsOneLinePerIntervalAndTheNextLineCountsTheRest() {
        RateLimitedLog log = log();
        for (int i = 0; i < 1_000; i++) {
            log.warn("broken");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("broken");

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        log.warn("broken");
        log.warn("broken");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("broken", "broken (999 more like it since the last such line)");
    }

    @Test
    void aQuietLogWritesTheNextLineAtOnce() {
        RateLimitedLog log = log();
        log.warn("first");
        nanos.addAndGet(Duration.ofMinutes(5).toNanos());
        log.warn("second");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("first", "second");
    }
}
