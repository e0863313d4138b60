package dev.orderly.server.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A log line that anyone on the internet can cause, written at most once per interval: the
 * lines in between are counted and the count is told with the next line written. A client
 * sending broken requests in a loop grows the log by one line per interval, not one per request.
 *
 * <p>Thread-safe without locks: the first caller past the interval's end wins the line.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextLineAt;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, java.time.Duration interval, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.nextLineAt = new AtomicLong(nanoTime.getAsLong());
    }

    /** Writes {@code line} as a warning unless a line was written less than an interval ago. */
    void warn(String line) {
        long now = nanoTime.getAsLong();
        long due = nextLineAt.get();
        if (now - due < 0 || !nextLineAt.compareAndSet(due, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long before = suppressed.getAndSet(0);
        log.warn(before == 0 ? line : line + " (" + before + " more like it since the last such line)");
    }
}
