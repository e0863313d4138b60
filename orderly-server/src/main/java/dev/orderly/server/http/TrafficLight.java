package dev.orderly.server.http;

/**
 * A provider's light on the dashboard, from its calls over the last few seconds: green while it
 * answers quickly and almost never fails, amber when it slows or fails now and then, red when it
 * is slow or failing; grey when nobody called it (nothing to judge).
 */
enum TrafficLight {
    GREEN, AMBER, RED, GREY;

    static final double AMBER_MS = 800;
    static final double RED_MS = 3000;
    static final double AMBER_ERRORS = 0.02;
    static final double RED_ERRORS = 0.10;

    static TrafficLight of(double calls, double meanLatencyMs, double errorRatio) {
        if (calls <= 0) {
            return GREY;
        }
        if (meanLatencyMs >= RED_MS || errorRatio >= RED_ERRORS) {
            return RED;
        }
        if (meanLatencyMs >= AMBER_MS || errorRatio >= AMBER_ERRORS) {
            return AMBER;
        }
        return GREEN;
    }
}
