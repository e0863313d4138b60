package dev.orderly.time;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The one calendar Orderly reasons in. "Today", booking days, windows and the ten-part rotation
 * are all computed in {@code Asia/Seoul} from the server's instant; the JVM's default zone and
 * anything a client says about time are never consulted.
 */
public final class SeoulCalendar {

    /** Korea Standard Time: UTC+9 all year, no daylight saving. */
    public static final ZoneId ZONE = ZoneId.of("Asia/Seoul");

    private SeoulCalendar() {
    }

    /** The Seoul calendar date at {@code instant}. */
    public static LocalDate dateAt(Instant instant) {
        return instant.atZone(ZONE).toLocalDate();
    }

    /** The Seoul calendar date now, by {@code clock}. */
    public static LocalDate today(Clock clock) {
        return dateAt(clock.instant());
    }

    /** The instant a Seoul calendar day begins (00:00 KST = 15:00 UTC the day before). */
    public static Instant startOf(LocalDate day) {
        return day.atStartOfDay(ZONE).toInstant();
    }

    /** {@code instant} seen on a Seoul wall clock. */
    public static ZonedDateTime wallClock(Instant instant) {
        return instant.atZone(ZONE);
    }
}
