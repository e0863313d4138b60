package dev.orderly.gate;

import java.time.Duration;

/**
 * How the step behind a gate is doing, over a recent window: what the adaptive policy steers by.
 *
 * @param p95Latency 95th percentile latency of the step's requests
 * @param errorRatio share of its requests that failed on the server side (0..1)
 * @param samples    requests measured; with none, nothing is known
 */
public record DownstreamHealth(Duration p95Latency, double errorRatio, long samples) {

    public static final DownstreamHealth UNKNOWN = new DownstreamHealth(Duration.ZERO, 0, 0);
}
