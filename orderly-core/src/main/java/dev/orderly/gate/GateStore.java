package dev.orderly.gate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Port: the shared state of every gate. Waiting people cost nothing here; what grows is one entry
 * per verified person on keyed gates, one bit per admitted person whose pass was spent, and one
 * checkpoint per mark advance within the retention window.
 *
 * <p>Every implementation is atomic under concurrent callers on any number of nodes: no sequence
 * number is handed out twice, a holder keeps one number, the progress changes only by
 * compare-and-set, and a pass is spent once.
 */
public interface GateStore {

    /** Creates or replaces a gate's configuration. */
    void saveConfig(GateConfig config);

    Optional<GateConfig> config(String gate);

    /**
     * Saves {@code config} and replaces the progress with {@code next}, as one step, if the progress
     * is still {@code expected} (same version); otherwise changes nothing. A change that must not
     * cross a tick goes this way (moving the opening time while the pre-queue is being drawn): a
     * tick that read the progress before it loses its {@link #advance}, and this call loses to a
     * tick that advanced first.
     *
     * @return whether this call made the change
     */
    boolean saveConfigIf(GateConfig config, GateProgress expected, GateProgress next);

    /** Every configured gate, in name order. */
    List<GateConfig> configs();

    /** The next place in line for {@code gate}, starting at 1. */
    long issue(String gate);

    /**
     * As {@link #issue(String)}, answered later rather than waited for: a remote store completes
     * the stage when its answer arrives, and may give numbers to several callers in one round trip
     * — in the order they called, with no number skipped. A local store answers at once.
     */
    default CompletionStage<Long> issueLater(String gate) {
        return CompletableFuture.completedFuture(issue(gate));
    }

    /**
     * The place of {@code holder} (e.g. a verified person) in {@code gate}: the same number on
     * every call, a new one from {@link #issue} on the first.
     */
    long issueFor(String gate, String holder);

    /**
     * Gives {@code holder} a new place at the back of the line if their place is still
     * {@code previous} (e.g. its pass expired or was used), atomically; returns the holder's place
     * after the call, so concurrent callers agree on one new place.
     */
    long reissueFor(String gate, String holder, long previous);

    /** How many places have been handed out (the highest sequence number, or 0). */
    long issued(String gate);

    /** The gate's admission state ({@link GateProgress#INITIAL} for a gate never ticked). */
    GateProgress progress(String gate);

    /** A gate's progress and configuration, as {@link #reading} gives them. */
    record Reading(GateProgress progress, Optional<GateConfig> config) {
    }

    /**
     * The gate's progress, then its configuration: what every tick reads. A store that can read
     * both at once (one statement, one snapshot) does; the order matters to those that cannot (a
     * configuration saved in between moves the version on, so what is built on this reading fails
     * its compare-and-set rather than pairing a newer progress with an older configuration).
     */
    default Reading reading(String gate) {
        GateProgress progress = progress(gate);
        return new Reading(progress, config(gate));
    }

    /**
     * Replaces the progress with {@code next} if it is still {@code expected} (same version), and
     * if the mark moved, records that it reached {@code next.mark()} at {@code at}. Both become
     * visible together: a caller that sees the new mark in {@link #progress} gets its time from
     * {@link #admittedAt}.
     *
     * @return whether this call made the change
     */
    boolean advance(String gate, GateProgress expected, GateProgress next, Instant at);

    /**
     * When the mark first reached {@code rank} or more, if that is still within the retention
     * window; empty for ranks not admitted yet or admitted before the window.
     */
    Optional<Instant> admittedAt(String gate, long rank);

    /** The mark as it was at {@code at} (0 before any admission, or when older than the window). */
    long markAt(String gate, Instant at);

    /** Forgets checkpoints older than {@code before}, keeping the last one before it. */
    void trimCheckpoints(String gate, Instant before);

    /** Records that the pass of {@code rank} was spent; true only the first time. */
    boolean spend(String gate, long rank);

    /**
     * Gives back the pass of {@code rank}, spent by a step that then failed to complete (its own
     * write failed): the pass may be used again. True if it was spent.
     */
    boolean unspend(String gate, long rank);

    /** Whether the pass of {@code rank} was spent. */
    boolean spent(String gate, long rank);

    /** How many spent passes have a rank above {@code rank}. */
    long spentAbove(String gate, long rank);

    /**
     * Records until when each ticket number is claimed ({@link Claims}): a later call replaces an
     * earlier one for the same number, except that a {@link Claims#LAPSED} number stays lapsed (a
     * claim answered before the lapse may be written after it). One entry per number issued at
     * most, never per connection.
     */
    void claim(String gate, Map<Long, Instant> untilByNumber);

    /**
     * Until when each of {@code numbers} is claimed, in the same order: {@link Claims#NEVER} for a
     * number never claimed, {@link Claims#LAPSED} for one passed over, {@link Claims#HELD}.
     */
    List<Instant> claimedUntil(String gate, List<Long> numbers);

    /**
     * Passes over places nobody claimed, as the mark moves past them: each one's pass counts as
     * spent (so it is never outstanding and never opens the step) and its number as
     * {@link Claims#LAPSED}. A rank whose pass was already spent (used in the instant between the
     * mark's move and this call) is left as it is: its number is not lapsed, so it cannot be
     * revived into a second use.
     */
    void lapse(String gate, List<PassedOver> places);

    /**
     * Admits a passed-over place after all: if {@code number} is {@link Claims#LAPSED}, atomically
     * marks it {@link Claims#REVIVED} and gives back the pass of {@code rank}. Only the first call
     * for a number does anything (two tabs coming back at once revive it once, so its pass is still
     * spent once); true if this call revived it.
     */
    boolean revive(String gate, long number, long rank);

    /** A place the mark moved over without admitting it: the ticket's number and its rank. */
    record PassedOver(long number, long rank) {
    }

    /** The secret {@code gate}'s pre-queue is ordered by, once drawn. */
    Optional<LotteryDraw> lottery(String gate);

    /**
     * Stores {@code draw} as {@code gate}'s lottery unless one is stored already, atomically;
     * returns the one stored after the call, so every node that races here agrees on one secret.
     */
    LotteryDraw commitLottery(String gate, LotteryDraw draw);

    /**
     * Replaces {@code gate}'s lottery by {@code next} if it is still {@code expected}, atomically
     * (whether a re-draw is allowed at all is the waiting room's rule, not the store's).
     *
     * @return whether this call made the change
     */
    boolean redrawLottery(String gate, LotteryDraw expected, LotteryDraw next);
}
