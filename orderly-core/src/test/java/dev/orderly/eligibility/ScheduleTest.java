package dev.orderly.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.time.SeoulCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final Instant OPENS = SeoulCalendar.startOf(LocalDate.of(2026, 12, 2));

    private static Cohort cohort(String id, Instant opens, Optional<Rotation> rotation) {
        return new Cohort(id, id, LocalDate.of(1962, 1, 1), LocalDate.of(1966, 12, 31), Optional.empty(), Set.of("PFZ"),
                List.of(new BookingWindow(opens, opens.plus(Duration.ofDays(7)))), rotation);
    }

    @Test
    void agesAreCountedOnTheSeoulDayOfTheInstantNotOnTheYearTheCohortWasNamed() {
        Cohort born6266 = cohort("a", OPENS, Optional.empty());
        // 2 December 2026 in Seoul: those born 31 Dec 1966 are 59, those born 1 Jan 1962 are 64.
        Schedule.Entry entry = Schedule.at(List.of(born6266), OPENS.plusSeconds(60)).getFirst();
        assertThat(entry.youngestAge()).isEqualTo(59);
        assertThat(entry.oldestAge()).isEqualTo(64);
        // A year on, both are a year older.
        Schedule.Entry later = Schedule.at(List.of(born6266), OPENS.plus(Duration.ofDays(365))).getFirst();
        assertThat(later.youngestAge()).isEqualTo(60);
        assertThat(later.oldestAge()).isEqualTo(65);
    }

    @Test
    void openCohortsComeFirstThenTheSoonestToComeThenTheClosed() {
        Instant now = OPENS.plus(Duration.ofDays(1));
        Cohort closed = cohort("closed", OPENS.minus(Duration.ofDays(30)), Optional.empty());
        Cohort later = cohort("later", OPENS.plus(Duration.ofDays(20)), Optional.empty());
        Cohort soon = cohort("soon", OPENS.plus(Duration.ofDays(3)), Optional.empty());
        Cohort open = cohort("open", OPENS, Optional.of(Rotation.DEFAULT));
        List<Schedule.Entry> entries = Schedule.at(List.of(closed, later, soon, open), now);
        assertThat(entries).extracting(e -> e.cohort().id()).containsExactly("open", "soon", "later", "closed");
        assertThat(entries).extracting(Schedule.Entry::status).containsExactly(Schedule.Status.OPEN, Schedule.Status.UPCOMING,
                Schedule.Status.UPCOMING, Schedule.Status.CLOSED);
        // 3 December: the default rotation lets birth dates ending in 3 book, and in 4 tomorrow.
        assertThat(entries.getFirst().digitToday()).contains(3);
        assertThat(entries.getFirst().digitTomorrow()).contains(4);
        assertThat(entries.get(1).digitToday()).isEmpty();
    }

    @Test
    void aDayClosedToAllHasNoDigit() {
        assertThat(Schedule.digitOn(new Rotation(7, "-123456789"), LocalDate.of(2026, 12, 10))).isEmpty();
        assertThat(Schedule.digitOn(new Rotation(7, "-123456789"), LocalDate.of(2026, 12, 11))).contains(1);
    }

    /** The digit the schedule names for a day is the one the rotation lets book that day. */
    @Property
    void theDigitOfADayIsTheOneTheRotationAllows(@ForAll @IntRange(min = 0, max = 3000) int dayOffset,
                                                 @ForAll @IntRange(min = 0, max = 30000) int birthOffset) {
        LocalDate day = LocalDate.of(2024, 1, 1).plusDays(dayOffset);
        LocalDate birth = LocalDate.of(1940, 1, 1).plusDays(birthOffset);
        Optional<Integer> digit = Schedule.digitOn(Rotation.DEFAULT, day);
        assertThat(Rotation.DEFAULT.allows(birth, day)).isEqualTo(digit.isPresent() && digit.get() == Rotation.DEFAULT.groupOf(birth));
    }
}
