package dev.orderly.gate;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a waiting browser is told to ask again: a window from now, in which each answer picks a
 * time uniformly, so a crowd that joined together does not poll together.
 *
 * <p>The rules keep the poll load of a gate bounded however many wait:
 * <ul>
 *   <li>in line with a rank: a quarter of the estimated wait, within [1 s, the gate's longest
 *       interval], ±20 % — people far back ask rarely;</li>
 *   <li>paused: every 20 s (within the same bounds);</li>
 *   <li>in the pre-queue, whose order is only drawn at the opening: half the time left to the
 *       opening while that is long; once the opening is nearer than the spread below, one more
 *       poll, after the opening, spread over a quarter of the expected wait after it (within
 *       [1 s, the longest interval]). Without that spread every pre-queue page would ask in the
 *       same second at the opening — millions of polls a second on an opening night.</li>
 * </ul>
 * Pure: the simulator ({@code orderly-surge}) uses the same rules to predict poll load.
 */
public final class PollSchedule {

    public static final Duration MIN_POLL = Duration.ofSeconds(1);
    static final Duration PAUSED_POLL = Duration.ofSeconds(20);

    /** Poll uniformly between {@code earliest} and {@code latest} from now. */
    public record Window(Duration earliest, Duration latest) {

        public Window {
            if (latest.compareTo(earliest) < 0) {
                throw new IllegalArgumentException("window ends before it starts: " + earliest + " > " + latest);
            }
        }

        /** A time in the window, uniformly. */
        public Duration pick(RandomGenerator random) {
            long span = latest.toMillis() - earliest.toMillis();
            return earliest.plusMillis(span == 0 ? 0 : random.nextLong(span + 1));
        }
    }

    private PollSchedule() {
    }

    /** For a ticket with a rank whose estimated wait is {@code eta}. */
    public static Window ranked(Duration eta, Duration maxPoll) {
        return spread(eta.dividedBy(4), maxPoll);
    }

    /** For a ticket of a paused gate. */
    public static Window paused(Duration maxPoll) {
        return spread(PAUSED_POLL, maxPoll);
    }

    /**
     * For a ticket in a pre-queue not drawn yet.
     *
     * @param untilOpen    time left to the opening (zero: opened, not drawn yet)
     * @param waitAfterOpen the expected wait after the opening (half the pre-queue at the gate's rate)
     */
    public static Window preQueue(Duration untilOpen, Duration waitAfterOpen, Duration maxPoll) {
        Duration spread = clamp(waitAfterOpen.dividedBy(4), maxPoll);
        if (untilOpen.compareTo(spread) > 0) {
            return spread(untilOpen.dividedBy(2), maxPoll);
        }
        Duration earliest = untilOpen.compareTo(MIN_POLL) < 0 ? MIN_POLL : untilOpen;
        Duration latest = untilOpen.plus(spread);
        return new Window(earliest, latest.compareTo(earliest) < 0 ? earliest : latest);
    }

    private static Window spread(Duration wanted, Duration maxPoll) {
        Duration base = clamp(wanted, maxPoll);
        Duration jitter = base.dividedBy(5);
        return new Window(base.minus(jitter), base.plus(jitter));
    }

    private static Duration clamp(Duration wanted, Duration maxPoll) {
        Duration max = maxPoll.compareTo(MIN_POLL) < 0 ? MIN_POLL : maxPoll;
        return wanted.compareTo(MIN_POLL) < 0 ? MIN_POLL : wanted.compareTo(max) > 0 ? max : wanted;
    }
}
