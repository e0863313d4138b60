package dev.orderly.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The figures of the last {@code keep} (an hour and a little more by default), oldest first: what
 * the rules compare "the last minute" and "the last hour" on. Not thread-safe: one evaluator
 * adds and reads.
 */
public final class Readings {

    private final Deque<Figures> readings = new ArrayDeque<>();
    private final Duration keep;

    public Readings(Duration keep) {
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("keep must be positive, was " + keep);
        }
        this.keep = keep;
    }

    /** Adds {@code f}; a reading older than the latest is refused (a clock going back). */
    public void add(Figures f) {
        if (!readings.isEmpty() && f.at().isBefore(readings.getLast().at())) {
            throw new IllegalArgumentException("figures at " + f.at() + " are older than the latest at " + readings.getLast().at());
        }
        readings.addLast(f);
        Instant oldest = f.at().minus(keep);
        while (readings.getFirst().at().isBefore(oldest)) {
            readings.removeFirst();
        }
    }

    public Figures latest() {
        if (readings.isEmpty()) {
            throw new IllegalStateException("no figures yet");
        }
        return readings.getLast();
    }

    public boolean isEmpty() {
        return readings.isEmpty();
    }

    /** Whether the readings reach back {@code span} before the latest. */
    public boolean covers(Duration span) {
        return !readings.isEmpty() && !readings.getFirst().at().isAfter(latest().at().minus(span));
    }

    /** The latest reading at or before {@code t}; the oldest one when all are after it. */
    public Figures atOrBefore(Instant t) {
        Figures found = readings.getFirst();
        for (Figures f : readings) {
            if (f.at().isAfter(t)) {
                break;
            }
            found = f;
        }
        return found;
    }

    /** How much counter {@code key} grew over the last {@code span} (or since the oldest reading). */
    public double growth(String key, Duration span) {
        return latest().count(key) - atOrBefore(latest().at().minus(span)).count(key);
    }

    /** How much {@code key} grew from {@code from} to {@code to} before the latest reading. */
    public double growth(String key, Duration from, Duration to) {
        Instant end = latest().at().minus(to);
        return atOrBefore(end).count(key) - atOrBefore(latest().at().minus(from)).count(key);
    }

    /** Readings within {@code span} of the latest (inclusive), oldest first. */
    public List<Figures> within(Duration span) {
        Instant from = latest().at().minus(span);
        List<Figures> out = new ArrayList<>();
        for (Iterator<Figures> it = readings.descendingIterator(); it.hasNext(); ) {
            Figures f = it.next();
            if (f.at().isBefore(from)) {
                break;
            }
            out.addFirst(f);
        }
        return out;
    }

    /** Keys of counters in the latest reading that start with {@code prefix}. */
    public List<String> keys(String prefix) {
        return latest().counts().keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    Optional<Figures> first() {
        return Optional.ofNullable(readings.peekFirst());
    }
}
