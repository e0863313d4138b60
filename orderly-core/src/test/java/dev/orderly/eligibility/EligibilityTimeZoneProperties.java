package dev.orderly.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.registry.Person;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The answer never depends on the JVM's default time zone: random cohorts (windows, rotations,
 * re-openings), people and instants give the same answer under a random zone as under UTC. The
 * build also runs the time tests with {@code user.timezone} set to several zones.
 */
class EligibilityTimeZoneProperties {

    private static final List<String> ZONES = List.of("UTC", "Asia/Seoul", "America/Los_Angeles", "Pacific/Kiritimati",
            "Etc/GMT+12", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "Europe/Dublin");

    record Case(List<Cohort> cohorts, Person person, Instant now, String zone, EligibilityRules.Standing standing) {
    }

    @Property(tries = 400)
    void theAnswerIsTheSameInEveryDefaultZone(@ForAll("cases") Case c) {
        TimeZone original = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            Eligibility inUtc = EligibilityRules.check(c.person(), c.cohorts(), Set.of(), c.standing(), c.now());
            TimeZone.setDefault(TimeZone.getTimeZone(c.zone()));
            Eligibility elsewhere = EligibilityRules.check(c.person(), c.cohorts(), Set.of(), c.standing(), c.now());
            assertThat(elsewhere).as("with the JVM in %s", c.zone()).isEqualTo(inUtc);
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Instant base = Instant.parse("2021-07-20T00:00:00Z");
        Arbitrary<BookingWindow> windows = Combinators.combine(
                        Arbitraries.longs().between(0, 40L * 24 * 60).map(m -> base.plus(Duration.ofMinutes(m))),
                        Arbitraries.longs().between(1, 20L * 24 * 60),
                        Arbitraries.of(true, false, false))
                .as((open, minutes, unbooked) -> new BookingWindow(open, open.plus(Duration.ofMinutes(minutes)), unbooked));
        Arbitrary<Optional<Rotation>> rotations = Combinators.combine(Arbitraries.integers().between(0, 7),
                        Arbitraries.strings().withChars("0123456789-").ofLength(10))
                .as((d, m) -> Optional.of(new Rotation(d, m)));
        Arbitrary<Cohort> cohorts = Combinators.combine(
                        Arbitraries.integers().between(1950, 2000), Arbitraries.integers().between(0, 10),
                        windows.list().ofMinSize(1).ofMaxSize(3),
                        Arbitraries.oneOf(rotations, Arbitraries.just(Optional.<Rotation>empty())),
                        Arbitraries.integers().between(0, 999))
                .as((from, span, w, r, n) -> new Cohort("c" + n, "C" + n, LocalDate.of(from, 1, 1), LocalDate.of(from + span, 12, 31),
                        Optional.empty(), Set.of("PFZ"), w, r));
        Arbitrary<Person> people = Arbitraries.integers().between(0, 60 * 365).map(d -> {
            LocalDate birth = LocalDate.of(1950, 1, 1).plusDays(d);
            return new Person(d, "홍길동", birth, "01012345678");
        });
        Arbitrary<Instant> instants = Arbitraries.longs().between(0, 70L * 24 * 3600).map(base::plusSeconds);
        return Combinators.combine(cohorts.list().ofMinSize(1).ofMaxSize(3), people, instants, Arbitraries.of(ZONES),
                        Arbitraries.of(EligibilityRules.Standing.class))
                .as(Case::new);
    }
}
