package dev.orderly.surge.metrics;

/**
 * What a replay's request is counted under: {@link #key()} names it in {@code report.json}'s
 * {@code endpoints} and {@code unexpectedByKind}. One value may cover several paths (a cheater's
 * tricks all count as {@link #CHEAT}); the path itself is the caller's.
 */
public enum Endpoint {
    IDENTITY_JOIN("identity.join"),
    IDENTITY_STATUS("identity.status"),
    BOOKING_JOIN("booking.join"),
    BOOKING_STATUS("booking.status"),
    IDENTITY_CHALLENGE("identity.challenge"),
    IDENTITY_VERIFY("identity.verify"),
    DEV_SMS("dev.sms"),
    CLINICS("clinics"),
    RESERVATIONS("reservations"),
    /** Every request a cheater sends to get ahead (forged, replayed, skipping a step). */
    CHEAT("cheat"),
    BOT_JOIN("bot.join"),
    /** The replay's own once-a-second read of the server's line length. */
    FIGURES("figures");

    private final String key;

    Endpoint(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Whether its latency counts in the per-second latency of honest requests (bots and cheaters do not). */
    public boolean honest() {
        return this != CHEAT && this != BOT_JOIN;
    }

    /** Whether it is an honest request to the identity gate: its latency is split by whether the bots were bursting. */
    public boolean identityGate() {
        return this == IDENTITY_JOIN || this == IDENTITY_STATUS;
    }
}
