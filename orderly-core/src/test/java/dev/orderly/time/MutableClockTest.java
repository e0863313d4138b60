package dev.orderly.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    private static final Instant START = Instant.parse("2021-07-26T14:59:59Z");

    @Test
    void standsStillUntilMoved() {
        MutableClock clock = MutableClock.at(START);

        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void advancesAndIsSetForwardsOrBack() {
        MutableClock clock = MutableClock.at(START);

        assertThat(clock.advance(Duration.ofSeconds(1))).isEqualTo(START.plusSeconds(1));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(1));

        clock.set(START.minusSeconds(3600));
        assertThat(clock.instant()).isEqualTo(START.minusSeconds(3600));
    }

    @Test
    void aViewInAnotherZoneMovesWithTheClock() {
        MutableClock clock = MutableClock.at(START);
        Clock seoul = clock.withZone(ZoneId.of("Asia/Seoul"));

        clock.advance(Duration.ofSeconds(1));

        assertThat(seoul.instant()).isEqualTo(START.plusSeconds(1));
        assertThat(seoul.getZone()).isEqualTo(ZoneId.of("Asia/Seoul"));
        assertThat(SeoulCalendar.today(seoul)).isEqualTo(SeoulCalendar.today(clock));
    }
}
