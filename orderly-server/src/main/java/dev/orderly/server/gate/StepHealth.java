package dev.orderly.server.gate;

import dev.orderly.gate.DownstreamHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * Recent latency and server errors of the step behind one gate, measured by the HTTP layer: what
 * the adaptive admission policy steers by. Keeps the last {@value #CAPACITY} requests in a ring
 * and reports over those within the window; one per node (each node steers by what it sees).
 */
public final class StepHealth {

    private static final int CAPACITY = 4096;

    private final Clock clock;
    private final Duration window;
    private final long[] at = new long[CAPACITY];
    private final long[] nanos = new long[CAPACITY];
    private final boolean[] failed = new boolean[CAPACITY];
    private int next;
    private int size;

    /** @param window how far back to look, e.g. 10 s */
    public StepHealth(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    public synchronized void record(long durationNanos, boolean serverError) {
        at[next] = clock.millis();
        nanos[next] = durationNanos;
        failed[next] = serverError;
        next = (next + 1) % CAPACITY;
        size = Math.min(CAPACITY, size + 1);
    }

    public synchronized DownstreamHealth health() {
        long since = clock.millis() - window.toMillis();
        long[] recent = new long[size];
        int n = 0;
        int errors = 0;
        for (int i = 0; i < size; i++) {
            if (at[i] >= since) {
                recent[n++] = nanos[i];
                errors += failed[i] ? 1 : 0;
            }
        }
        if (n == 0) {
            return DownstreamHealth.UNKNOWN;
        }
        Arrays.sort(recent, 0, n);
        long p95 = recent[Math.min(n - 1, (int) Math.ceil(n * 0.95) - 1)];
        return new DownstreamHealth(Duration.ofNanos(p95), errors / (double) n, n);
    }
}
