package dev.orderly.gate;

import java.time.Instant;

/**
 * Claim marks: until when somebody is known to be waiting behind a ticket number. Each status
 * answer tells the browser when to ask again; the number is claimed until twice that plus a
 * grace, so a page that polls as told (late by network jitter, a slow phone, a tab in the
 * background) stays claimed, and a ticket nobody asks about (a bot's, a closed page) lapses.
 * Admission passes over unclaimed numbers without admitting them.
 *
 * <p>Stores keep whole seconds since the epoch in 32 unsigned bits per number (4 bytes a number
 * issued; stores round {@code until} up to the second). Four values are reserved. A claim never
 * replaces {@link #LAPSED}: a claim answered before the lapse but written after it (a busy node's
 * next tick) must not hide that the place was passed over.
 */
public final class Claims {

    /** Never claimed. */
    public static final Instant NEVER = Instant.EPOCH;
    /** Passed over by admission: the number admits nobody. */
    public static final Instant LAPSED = Instant.ofEpochSecond(1);
    /**
     * Passed over, then came back while its pass would still have been valid: admitted in its
     * absence, its pass unspent once ({@link GateStore#revive}).
     */
    public static final Instant REVIVED = Instant.ofEpochSecond(2);
    /** Held without polling: its holder left the line and is called back ({@link LeaveTheLine}). */
    public static final Instant HELD = Instant.ofEpochSecond(0xFFFF_FFFFL);

    private Claims() {
    }

    /** The stored form: whole seconds, rounded up, within 32 unsigned bits. */
    public static long toSeconds(Instant until) {
        long s = until.getEpochSecond() + (until.getNano() > 0 ? 1 : 0);
        return Math.max(0, Math.min(s, 0xFFFF_FFFFL));
    }

    public static Instant ofSeconds(long seconds) {
        return Instant.ofEpochSecond(seconds);
    }

    /** Whether a number claimed until {@code until} still holds its place at {@code now}. */
    public static boolean holds(Instant until, Instant now) {
        return until.equals(HELD) || until.isAfter(now);
    }
}
