package dev.orderly.ratelimit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token-bucket limit: at most {@code burst} requests at once, refilled evenly over
 * {@code period}, so {@code burst / period} per second on average. Written {@code burst/period},
 * e.g. {@code 200/10s} (a burst of 200, 20 per second), {@code 3/1m}, {@code 10/1h}.
 *
 * @param burst  the bucket's size: requests allowed at once; at least 1
 * @param period the time to refill an empty bucket; positive
 */
public record RateLimit(int burst, Duration period) {

    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})/(\\d{1,6})(s|m|h)");

    public RateLimit {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
    }

    /** Parses {@code burst/period} with the period in s, m or h: {@code 200/10s}. */
    public static RateLimit parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate limit like 200/10s (burst/period, period in s, m or h)");
        }
        long amount = Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        return new RateLimit(Integer.parseInt(m.group(1)), period);
    }

    /** Requests per second once the burst is spent. */
    public double perSecond() {
        return burst * 1e9 / period.toNanos();
    }

    @Override
    public String toString() {
        long s = period.toSeconds();
        return burst + "/" + (s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s");
    }
}
