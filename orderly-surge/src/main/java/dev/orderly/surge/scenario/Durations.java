package dev.orderly.surge.scenario;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in scenario files and on the command line: a number and a unit,
 * {@code 500ms}, {@code 90s}, {@code 1.5s}, {@code 10m}, {@code 2h}, or several such parts in
 * decreasing order ({@code 1m30s}). No unit, or a negative number, is refused.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");

    private Durations() {
    }

    /** The duration {@code text} denotes, or empty when it is not written like {@code 90s}. */
    public static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (!WHOLE.matcher(t).matches()) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        while (m.find()) {
            BigDecimal n = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
        }
        return Optional.of(Duration.ofNanos(nanos.longValue()));
    }

    /** {@code d} written the way {@link #parse} reads it, in the largest unit that keeps it exact. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
