package dev.orderly.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.Person;
import dev.orderly.time.MutableClock;
import dev.orderly.time.SeoulCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ten-part rotation, special groups and re-opening windows, on a fake clock across the edges
 * that matter: Seoul midnight (15:00 UTC), month and year ends, window edges.
 */
class RotationAndGroupsTest {

    /** 18-49 in August 2021: open 9 August 20:00 KST to 21 August 18:00 KST, ten-part rotation by the last digit of the birth date. */
    private static final BookingWindow AUGUST = window("2021-08-09T11:00:00Z", "2021-08-21T09:00:00Z");
    private static final Cohort YOUNG = new Cohort("born-1972-2003", "18-49", LocalDate.of(1972, 1, 1), LocalDate.of(2003, 12, 31),
            Optional.empty(), Set.of("MOD", "PFZ"), List.of(AUGUST), Optional.of(Rotation.DEFAULT));
    private static final Person BORN_ON_THE_13TH = person(LocalDate.of(1985, 4, 13));

    private final MutableClock clock = MutableClock.at("2021-08-09T11:00:00Z");

    private Eligibility now(Person p, Cohort... cohorts) {
        return EligibilityRules.check(p, List.of(cohorts), clock.instant());
    }

    @Test
    void onADayEndingInTheirDigitTheyMayBookUntilSeoulMidnight() {
        clock.set(SeoulCalendar.startOf(LocalDate.of(2021, 8, 13)));

        assertThat(now(BORN_ON_THE_13TH, YOUNG))
                .isEqualTo(new Eligibility.Eligible(YOUNG, AUGUST, SeoulCalendar.startOf(LocalDate.of(2021, 8, 14))));
        clock.set(Instant.parse("2021-08-13T14:59:59Z"));
        assertThat(now(BORN_ON_THE_13TH, YOUNG)).isInstanceOf(Eligibility.Eligible.class);
    }

    @Test
    void onAnyOtherDayTheAnswerNamesTheirDay() {
        LocalDate theirDay = LocalDate.of(2021, 8, 13);
        for (Instant t = AUGUST.opensAt(); t.isBefore(SeoulCalendar.startOf(theirDay)); t = t.plus(Duration.ofMinutes(37))) {
            clock.set(t);
            assertThat(now(BORN_ON_THE_13TH, YOUNG)).as("at %s", t)
                    .isEqualTo(new Eligibility.WrongRotationDay(YOUNG, theirDay, SeoulCalendar.startOf(theirDay)));
        }
    }

    @Test
    void theDayTurnsAt1500UtcNotAtUtcMidnight() {
        clock.set(Instant.parse("2021-08-12T14:59:59Z")); // 23:59:59 KST on the 12th
        assertThat(now(BORN_ON_THE_13TH, YOUNG)).isInstanceOf(Eligibility.WrongRotationDay.class);

        clock.advance(Duration.ofSeconds(1)); // 00:00 KST on the 13th, still the 12th in UTC
        assertThat(now(BORN_ON_THE_13TH, YOUNG)).isInstanceOf(Eligibility.Eligible.class);

        clock.set(Instant.parse("2021-08-13T15:00:00Z")); // 00:00 KST on the 14th, still the 13th in UTC
        assertThat(now(BORN_ON_THE_13TH, YOUNG)).isEqualTo(new Eligibility.Closed(YOUNG, Instant.parse("2021-08-13T15:00:00Z")));
    }

    @Test
    void theWindowOpeningMidDayStartsTheirTimeAtTheOpeningNotAtMidnight() {
        Person bornOnThe9th = person(LocalDate.of(1990, 1, 9));
        clock.set(Instant.parse("2021-08-09T10:59:59Z"));

        assertThat(now(bornOnThe9th, YOUNG)).isEqualTo(new Eligibility.NotOpenYet(YOUNG, AUGUST.opensAt()));
        clock.set(AUGUST.opensAt());
        assertThat(now(bornOnThe9th, YOUNG)).isEqualTo(new Eligibility.Eligible(YOUNG, AUGUST, SeoulCalendar.startOf(LocalDate.of(2021, 8, 10))));
    }

    @Test
    void theRotationRunsOnAcrossMonthAndYearEnds() {
        BookingWindow winter = window("2021-12-27T15:00:00Z", "2022-01-10T15:00:00Z"); // 28 Dec to 10 Jan, Seoul
        Cohort cohort = new Cohort("winter", "Winter", LocalDate.of(1900, 1, 1), LocalDate.of(2020, 12, 31), Optional.empty(),
                Set.of("PFZ"), List.of(winter), Optional.of(Rotation.DEFAULT));
        Person bornOnThe1st = person(LocalDate.of(1970, 5, 1));
        Person bornOnThe30th = person(LocalDate.of(1970, 5, 30));

        // 31 December and 1 January both end in 1: one run of two days across the year end.
        clock.set(SeoulCalendar.startOf(LocalDate.of(2021, 12, 31)));
        assertThat(now(bornOnThe1st, cohort)).isEqualTo(new Eligibility.Eligible(cohort, winter, SeoulCalendar.startOf(LocalDate.of(2022, 1, 2))));
        clock.set(Instant.parse("2022-01-01T14:59:59Z"));
        assertThat(now(bornOnThe1st, cohort)).isInstanceOf(Eligibility.Eligible.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(now(bornOnThe1st, cohort)).isEqualTo(new Eligibility.Closed(cohort, SeoulCalendar.startOf(LocalDate.of(2022, 1, 2))));

        // After the 30th the next day ending in 0 is 10 January.
        clock.set(SeoulCalendar.startOf(LocalDate.of(2021, 12, 31)));
        assertThat(now(bornOnThe30th, cohort)).isEqualTo(new Eligibility.WrongRotationDay(cohort, LocalDate.of(2022, 1, 10),
                SeoulCalendar.startOf(LocalDate.of(2022, 1, 10))));
    }

    @Test
    void aMappingCanCloseDaysAndMoveDigits() {
        // Days ending in 3 are for birth digit 7; every other day is closed.
        Cohort cohort = new Cohort("mapped", "Mapped", LocalDate.of(1900, 1, 1), LocalDate.of(2020, 12, 31), Optional.empty(),
                Set.of("PFZ"), List.of(AUGUST), Optional.of(new Rotation(7, "---7------")));
        Person bornOn17th = person(LocalDate.of(1980, 3, 17));
        clock.set(SeoulCalendar.startOf(LocalDate.of(2021, 8, 13)));

        assertThat(now(bornOn17th, cohort)).isInstanceOf(Eligibility.Eligible.class);
        assertThat(now(BORN_ON_THE_13TH, cohort)).isEqualTo(new Eligibility.Closed(cohort, AUGUST.closesAt()));
    }

    @Test
    void theDigitCanBeAnyPositionOfTheBirthDate() {
        Rotation byYear = new Rotation(3, Rotation.DEFAULT.mapping());

        assertThat(byYear.groupOf(LocalDate.of(1987, 12, 30))).isEqualTo(7);
        assertThat(Rotation.DEFAULT.groupOf(LocalDate.of(1987, 12, 30))).isZero();
        assertThat(new Rotation(6, "0123456789").groupOf(LocalDate.of(1987, 12, 30))).isEqualTo(3);
        assertThatThrownBy(() -> new Rotation(8, "0123456789")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8");
        assertThatThrownBy(() -> new Rotation(7, "01234")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("01234");
    }

    @Test
    void aSpecialGroupCohortAdmitsOnlyItsListedMembers() {
        BookingWindow open = window("2021-07-01T00:00:00Z", "2021-08-01T00:00:00Z");
        Cohort teachers = new Cohort("teachers", "Teachers", LocalDate.of(1900, 1, 1), LocalDate.of(2003, 12, 31), Optional.of("teachers"),
                Set.of("PFZ"), List.of(open), Optional.empty());
        clock.set(Instant.parse("2021-07-15T00:00:00Z"));

        assertThat(EligibilityRules.check(BORN_ON_THE_13TH, List.of(teachers), Set.of("teachers"),
                EligibilityRules.Standing.WITHOUT_RESERVATION, clock.instant())).isInstanceOf(Eligibility.Eligible.class);
        assertThat(EligibilityRules.check(BORN_ON_THE_13TH, List.of(teachers), Set.of("carers"),
                EligibilityRules.Standing.WITHOUT_RESERVATION, clock.instant())).isEqualTo(new Eligibility.NotInAnyCohort());
    }

    @Test
    void aReopeningForTheUnbookedDoesNotLetSomeoneWithAReservationChangeThroughIt() {
        BookingWindow first = window("2021-07-26T15:00:00Z", "2021-07-27T09:00:00Z");
        BookingWindow reopening = new BookingWindow(Instant.parse("2021-08-09T11:00:00Z"), Instant.parse("2021-08-21T09:00:00Z"), true);
        Cohort fifties = new Cohort("born-1962-1966", "55-59", LocalDate.of(1962, 1, 1), LocalDate.of(1966, 12, 31),
                Set.of("PFZ"), List.of(first, reopening));
        Person p = person(LocalDate.of(1964, 5, 5));
        clock.set(Instant.parse("2021-08-10T00:00:00Z"));

        assertThat(EligibilityRules.check(p, List.of(fifties), Set.of(), EligibilityRules.Standing.WITHOUT_RESERVATION, clock.instant()))
                .isEqualTo(new Eligibility.Eligible(fifties, reopening, reopening.closesAt()));
        assertThat(EligibilityRules.check(p, List.of(fifties), Set.of(), EligibilityRules.Standing.HOLDING_RESERVATION, clock.instant()))
                .isEqualTo(new Eligibility.Closed(fifties, first.closesAt()));
        assertThat(EligibilityRules.forBooking(p, List.of(fifties), Set.of(), Optional.of("OR-HELD1234"), clock.instant()))
                .isEqualTo(new Eligibility.AlreadyBooked("OR-HELD1234"));
    }

    @Test
    void specialGroupListsAreCheckedRowByRowAndStoredAllOrNothing() {
        InMemoryResidentRegistry registry = new InMemoryResidentRegistry()
                .add(new Person(1, "김민수", LocalDate.of(1980, 1, 2), "01011112222"))
                .add(new Person(2, "이서연", LocalDate.of(1975, 6, 7), "01033334444"));
        InMemorySpecialGroupStore store = new InMemorySpecialGroupStore();
        SpecialGroupUpload upload = new SpecialGroupUpload(registry, store);

        SpecialGroupUpload.Outcome refused = upload.upload("""
                resident_id,name,birth_date,group
                1,김민수,1980-01-02,teachers
                2,이서연,1975-06-08,teachers
                3,박지훈,1990-01-01,teachers
                1,김민수,1980-01-02,teachers
                x,김민수,1980-01-02,teachers
                1,김민수,1980-13-02,teachers
                1,김민수,1980-01-02,Teachers!
                1,"김민수",1980-01-02
                """, false);

        assertThat(refused).isInstanceOfSatisfying(SpecialGroupUpload.Outcome.Refused.class, r -> {
            assertThat(r.accepted()).isEqualTo(1);
            assertThat(r.rejected()).isEqualTo(7);
            assertThat(r.rejections()).extracting(SpecialGroupUpload.Rejection::line).containsExactly(3, 4, 5, 6, 7, 8, 9);
            assertThat(r.rejections().get(0).reason()).contains("not born on 1975-06-08");
            assertThat(r.rejections().get(1).reason()).contains("no resident with id 3");
            assertThat(r.rejections().get(2).reason()).contains("line 2");
            assertThat(r.rejections().get(3).reason()).contains("resident_id");
            assertThat(r.rejections().get(4).reason()).contains("birth_date");
            assertThat(r.rejections().get(5).reason()).contains("group");
            assertThat(r.rejections().get(6).reason()).contains("4 fields");
        });
        assertThat(store.sizes()).isEmpty();

        SpecialGroupUpload.Outcome stored = upload.upload("1,김민수,1980-01-02,teachers\r\n2,\"이서연\",1975-06-07,carers\r\n", false);

        assertThat(stored).isEqualTo(new SpecialGroupUpload.Outcome.Stored(2, Set.of("carers", "teachers")));
        assertThat(store.groupsOf(1)).containsExactly("teachers");
        assertThat(store.groupsOf(2)).containsExactly("carers");
        assertThat(upload.upload("2,이서연,1975-06-07,teachers\n", true)).isInstanceOf(SpecialGroupUpload.Outcome.Stored.class);
        assertThat(store.groupsOf(1)).isEmpty();
        assertThat(store.sizes()).containsExactly(java.util.Map.entry("carers", 1), java.util.Map.entry("teachers", 1));
        assertThat(upload.upload("", false)).isInstanceOf(SpecialGroupUpload.Outcome.Refused.class);
    }

    private static BookingWindow window(String opens, String closes) {
        return new BookingWindow(Instant.parse(opens), Instant.parse(closes));
    }

    private static Person person(LocalDate birthDate) {
        return new Person(birthDate.toEpochDay(), "홍길동", birthDate, "01012345678");
    }
}
