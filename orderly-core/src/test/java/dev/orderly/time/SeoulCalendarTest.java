package dev.orderly.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class SeoulCalendarTest {

    @Example
    void aSeoulDayStartsAt1500UtcTheDayBefore() {
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-07-26T14:59:59Z"))).isEqualTo(LocalDate.of(2021, 7, 26));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-07-26T14:59:59.999999999Z"))).isEqualTo(LocalDate.of(2021, 7, 26));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-07-26T15:00:00Z"))).isEqualTo(LocalDate.of(2021, 7, 27));
        assertThat(SeoulCalendar.startOf(LocalDate.of(2021, 7, 27))).isEqualTo(Instant.parse("2021-07-26T15:00:00Z"));
    }

    @Example
    void monthsAndYearsTurnAtSeoulMidnight() {
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-07-31T14:59:59Z"))).isEqualTo(LocalDate.of(2021, 7, 31));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-07-31T15:00:00Z"))).isEqualTo(LocalDate.of(2021, 8, 1));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-12-31T14:59:59Z"))).isEqualTo(LocalDate.of(2021, 12, 31));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2021-12-31T15:00:00Z"))).isEqualTo(LocalDate.of(2022, 1, 1));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2024-02-28T15:00:00Z"))).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(SeoulCalendar.dateAt(Instant.parse("2024-02-29T15:00:00Z"))).isEqualTo(LocalDate.of(2024, 3, 1));
        assertThat(SeoulCalendar.startOf(LocalDate.of(2022, 1, 1))).isEqualTo(Instant.parse("2021-12-31T15:00:00Z"));
    }

    @Example
    void todayFollowsTheClockAcrossSeoulMidnight() {
        MutableClock clock = MutableClock.at("2021-07-26T14:59:59Z");
        assertThat(SeoulCalendar.today(clock)).isEqualTo(LocalDate.of(2021, 7, 26));

        clock.advance(Duration.ofSeconds(1));

        assertThat(SeoulCalendar.today(clock)).isEqualTo(LocalDate.of(2021, 7, 27));
        assertThat(SeoulCalendar.wallClock(clock.instant()).getHour()).isZero();
    }

    @Example
    void theLastSummerTimeDaysOf1988HadTwentyThreeAndTwentyFiveHours() {
        assertThat(Duration.between(SeoulCalendar.startOf(LocalDate.of(1988, 5, 8)), SeoulCalendar.startOf(LocalDate.of(1988, 5, 9))))
                .isEqualTo(Duration.ofHours(23));
        assertThat(Duration.between(SeoulCalendar.startOf(LocalDate.of(1988, 10, 9)), SeoulCalendar.startOf(LocalDate.of(1988, 10, 10))))
                .isEqualTo(Duration.ofHours(25));
    }

    @Example
    void theWallClockIsKoreaStandardTimeAllYear() {
        assertThat(SeoulCalendar.wallClock(Instant.parse("2021-07-26T11:00:00Z")).getHour()).isEqualTo(20);
        assertThat(SeoulCalendar.wallClock(Instant.parse("2021-01-15T11:00:00Z")).getHour()).isEqualTo(20);
    }

    // From 1990: Korea kept summer time in 1987 and 1988, when days of 23 and 25 hours were real
    // (1 in about 10,000 days, so a random draw over 1970-2100 met one in a few runs of this test).
    // Orderly dates instants of today and later; birth dates are dates, never instants.
    @Property(tries = 500)
    void everyInstantFallsWithinTheSeoulDayItIsDatedTo(@ForAll @LongRange(min = 631_152_000L, max = 4_102_444_800L) long epochSecond,
                                                       @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
        Instant instant = Instant.ofEpochSecond(epochSecond, nanos);
        LocalDate day = SeoulCalendar.dateAt(instant);

        assertThat(SeoulCalendar.startOf(day)).isBeforeOrEqualTo(instant);
        assertThat(SeoulCalendar.startOf(day.plusDays(1))).isAfter(instant);
        assertThat(Duration.between(SeoulCalendar.startOf(day), SeoulCalendar.startOf(day.plusDays(1)))).isEqualTo(Duration.ofDays(1));
    }
}
