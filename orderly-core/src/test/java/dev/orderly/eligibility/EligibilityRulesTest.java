package dev.orderly.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.registry.Person;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class EligibilityRulesTest {

    /** 27 July 00:00 KST to 27 July 18:00 KST: opens at Seoul midnight, which is 15:00 UTC the day before. */
    private static final BookingWindow FIRST = window("2021-07-26T15:00:00Z", "2021-07-27T09:00:00Z");
    /** The re-opening: 9 August 20:00 KST to 21 August 18:00 KST. */
    private static final BookingWindow REOPENED = window("2021-08-09T11:00:00Z", "2021-08-21T09:00:00Z");
    /** 20:00 KST one evening to 02:00 KST the next morning. */
    private static final BookingWindow OVERNIGHT = window("2021-07-26T11:00:00Z", "2021-07-26T17:00:00Z");

    private static final Cohort FIFTIES = new Cohort("born-1962-1966", "Ages 55-59", LocalDate.of(1962, 1, 1),
            LocalDate.of(1966, 12, 31), Set.of("PFZ", "MOD"), List.of(FIRST, REOPENED));
    private static final Cohort NIGHT_OWLS = new Cohort("born-1967-1968", "Ages 53-54", LocalDate.of(1967, 1, 1),
            LocalDate.of(1968, 12, 31), Set.of("MOD"), List.of(OVERNIGHT));

    private static final List<Cohort> COHORTS = List.of(FIFTIES, NIGHT_OWLS);
    private static final Person BORN_1964 = person(LocalDate.of(1964, 5, 5));
    private static final Person BORN_1968 = person(LocalDate.of(1968, 2, 29));

    @Test
    void aCohortIsNotOpenASecondBeforeSeoulMidnight() {
        assertThat(check(BORN_1964, "2021-07-26T14:59:59Z")).isEqualTo(new Eligibility.NotOpenYet(FIFTIES, FIRST.opensAt()));
    }

    @Test
    void aCohortOpensAtSeoulMidnightAndMayBookUntilTheWindowCloses() {
        assertThat(check(BORN_1964, "2021-07-26T15:00:00Z")).isEqualTo(new Eligibility.Eligible(FIFTIES, FIRST, FIRST.closesAt()));
        assertThat(check(BORN_1964, "2021-07-26T18:00:00Z")).isInstanceOf(Eligibility.Eligible.class);
        assertThat(EligibilityRules.check(BORN_1964, COHORTS, FIRST.closesAt().minusNanos(1))).isInstanceOf(Eligibility.Eligible.class);
    }

    @Test
    void betweenTwoWindowsTheNextOpeningIsGiven() {
        assertThat(EligibilityRules.check(BORN_1964, COHORTS, FIRST.closesAt()))
                .isEqualTo(new Eligibility.NotOpenYet(FIFTIES, REOPENED.opensAt()));
        assertThat(check(BORN_1964, "2021-08-09T10:59:59Z")).isEqualTo(new Eligibility.NotOpenYet(FIFTIES, REOPENED.opensAt()));
        assertThat(check(BORN_1964, "2021-08-09T11:00:00Z")).isEqualTo(new Eligibility.Eligible(FIFTIES, REOPENED, REOPENED.closesAt()));
    }

    @Test
    void afterTheLastWindowTheCohortIsClosedSinceItsEnd() {
        assertThat(EligibilityRules.check(BORN_1964, COHORTS, REOPENED.closesAt()))
                .isEqualTo(new Eligibility.Closed(FIFTIES, REOPENED.closesAt()));
    }

    @Test
    void aWindowAcrossSeoulMidnightStaysOpenThroughIt() {
        for (String open : new String[] {"2021-07-26T11:00:00Z", "2021-07-26T14:59:59Z", "2021-07-26T15:00:00Z", "2021-07-26T16:59:59Z"}) {
            assertThat(check(BORN_1968, open)).as(open).isEqualTo(new Eligibility.Eligible(NIGHT_OWLS, OVERNIGHT, OVERNIGHT.closesAt()));
        }
        assertThat(check(BORN_1968, "2021-07-26T10:59:59Z")).isEqualTo(new Eligibility.NotOpenYet(NIGHT_OWLS, OVERNIGHT.opensAt()));
        assertThat(check(BORN_1968, "2021-07-26T17:00:00Z")).isEqualTo(new Eligibility.Closed(NIGHT_OWLS, OVERNIGHT.closesAt()));
    }

    @Test
    void birthDatesAtBothEndsOfACohortAreIn() {
        Instant open = Instant.parse("2021-07-27T00:00:00Z");

        assertThat(EligibilityRules.check(person(LocalDate.of(1962, 1, 1)), COHORTS, open)).isInstanceOf(Eligibility.Eligible.class);
        assertThat(EligibilityRules.check(person(LocalDate.of(1966, 12, 31)), COHORTS, open)).isInstanceOf(Eligibility.Eligible.class);
        assertThat(EligibilityRules.check(person(LocalDate.of(1961, 12, 31)), COHORTS, open)).isEqualTo(new Eligibility.NotInAnyCohort());
        assertThat(EligibilityRules.check(person(LocalDate.of(1969, 1, 1)), COHORTS, open)).isEqualTo(new Eligibility.NotInAnyCohort());
    }

    @Test
    void someoneInTwoCohortsMayBookThroughWhicheverIsOpen() {
        Cohort teachers = new Cohort("teachers-1964", "Teachers", LocalDate.of(1964, 1, 1), LocalDate.of(1964, 12, 31),
                Set.of("PFZ"), List.of(window("2021-07-20T00:00:00Z", "2021-07-21T00:00:00Z")));
        List<Cohort> both = List.of(teachers, FIFTIES);

        assertThat(check(BORN_1964, both, "2021-07-20T12:00:00Z")).isInstanceOfSatisfying(Eligibility.Eligible.class,
                e -> assertThat(e.cohort()).isEqualTo(teachers));
        assertThat(check(BORN_1964, both, "2021-07-26T15:00:00Z")).isInstanceOfSatisfying(Eligibility.Eligible.class,
                e -> assertThat(e.cohort()).isEqualTo(FIFTIES));
        assertThat(check(BORN_1964, both, "2021-07-22T00:00:00Z")).isEqualTo(new Eligibility.NotOpenYet(FIFTIES, FIRST.opensAt()));
    }

    @Test
    void theAnswerDoesNotDependOnTheJvmTimeZone() {
        List<Instant> instants = new ArrayList<>();
        for (Instant t = Instant.parse("2021-07-26T10:00:00Z"); t.isBefore(Instant.parse("2021-08-22T00:00:00Z"));
             t = t.plus(Duration.ofMinutes(30))) {
            instants.add(t);
        }
        TimeZone original = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            List<Eligibility> inUtc = answers(instants);
            for (String zone : new String[] {"Asia/Seoul", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kathmandu"}) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                assertThat(answers(instants)).as("with the JVM in %s", zone).isEqualTo(inUtc);
            }
            assertThat(inUtc).as("the instants span every kind of answer").extracting(Object::getClass).contains(
                    Eligibility.Eligible.class, Eligibility.NotOpenYet.class, Eligibility.Closed.class);
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void aCohortWithoutWindowsOrWithBirthDatesBackwardsIsRefused() {
        assertThatThrownBy(() -> new Cohort("empty", "Empty", LocalDate.of(1960, 1, 1), LocalDate.of(1960, 12, 31), Set.of("PFZ"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new Cohort("backwards", "Backwards", LocalDate.of(1961, 1, 1), LocalDate.of(1960, 1, 1), Set.of("PFZ"), List.of(FIRST)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1960-01-01");
    }

    @Test
    void aWindowMustCloseAfterItOpens() {
        Instant at = Instant.parse("2021-07-26T15:00:00Z");

        assertThatThrownBy(() -> new BookingWindow(at, at)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BookingWindow(at, at.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Eligibility> answers(List<Instant> instants) {
        List<Eligibility> answers = new ArrayList<>();
        for (Instant t : instants) {
            answers.add(EligibilityRules.check(BORN_1964, COHORTS, t));
            answers.add(EligibilityRules.check(BORN_1968, COHORTS, t));
        }
        return answers;
    }

    private static Eligibility check(Person person, String instant) {
        return check(person, COHORTS, instant);
    }

    private static Eligibility check(Person person, List<Cohort> cohorts, String instant) {
        return EligibilityRules.check(person, cohorts, Instant.parse(instant));
    }

    private static BookingWindow window(String opens, String closes) {
        return new BookingWindow(Instant.parse(opens), Instant.parse(closes));
    }

    private static Person person(LocalDate birthDate) {
        return new Person(birthDate.toEpochDay(), "홍길동", birthDate, "01012345678");
    }
}
