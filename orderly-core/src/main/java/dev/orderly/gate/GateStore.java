package dev.orderly.gate;

/**
 * Port: the only shared state of a gate, two counters. The sequence counter hands out places in
 * line; the mark says everyone up to it has been admitted. Waiting people cost nothing here.
 *
 * <p>Implementations must be atomic under concurrent callers on any number of nodes: no sequence
 * number is handed out twice, and the mark never moves backwards nor past the last number issued.
 */
public interface GateStore {

    /** The next place in line for {@code gate}, starting at 1. */
    long issue(String gate);

    /** How many places have been handed out so far (the highest sequence number, or 0). */
    long issued(String gate);

    /** Everyone with a sequence number up to and including this has been admitted (0: nobody). */
    long admittedUpTo(String gate);

    /**
     * Raises the mark by {@code count} places, never past {@link #issued}; returns the new mark.
     * A non-positive count leaves the mark as it is.
     */
    long admit(String gate, long count);
}
