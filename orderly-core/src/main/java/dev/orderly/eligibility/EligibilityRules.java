package dev.orderly.eligibility;

import dev.orderly.registry.Person;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides eligibility from cohort data and the server's instant. Pure: the same person, cohorts
 * and instant always give the same answer, whatever the JVM's time zone.
 */
public final class EligibilityRules {

    private EligibilityRules() {
    }

    public static Eligibility check(Person person, List<Cohort> cohorts, Instant now) {
        List<Cohort> mine = cohorts.stream().filter(c -> c.includes(person.birthDate())).toList();
        if (mine.isEmpty()) {
            return new Eligibility.NotInAnyCohort();
        }
        for (Cohort cohort : mine) {
            Optional<BookingWindow> open = cohort.windows().stream().filter(w -> w.isOpenAt(now)).findFirst();
            if (open.isPresent()) {
                return new Eligibility.Eligible(cohort, open.get(), open.get().closesAt());
            }
        }
        Optional<Eligibility.NotOpenYet> next = mine.stream()
                .flatMap(c -> c.windows().stream().filter(w -> now.isBefore(w.opensAt()))
                        .map(w -> new Eligibility.NotOpenYet(c, w.opensAt())))
                .min(Comparator.comparing(Eligibility.NotOpenYet::opensAt));
        if (next.isPresent()) {
            return next.get();
        }
        return mine.stream()
                .flatMap(c -> c.windows().stream().map(w -> new Eligibility.Closed(c, w.closesAt())))
                .max(Comparator.comparing(Eligibility.Closed::closedAt))
                .orElseThrow();
    }
}
