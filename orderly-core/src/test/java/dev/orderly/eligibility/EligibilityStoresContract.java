package dev.orderly.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CohortStore} and {@link SpecialGroupStore} promises; a subclass says how to make empty ones. */
public abstract class EligibilityStoresContract {

    private static final BookingWindow FIRST = new BookingWindow(Instant.parse("2021-07-26T15:00:00Z"), Instant.parse("2021-07-27T09:00:00Z"));
    private static final BookingWindow REOPENING = new BookingWindow(Instant.parse("2021-08-09T11:00:00Z"),
            Instant.parse("2021-08-21T09:00:00Z"), true);

    private CohortStore cohorts;
    private SpecialGroupStore groups;

    protected abstract CohortStore newCohortStore();

    protected abstract SpecialGroupStore newSpecialGroupStore();

    @BeforeEach
    protected void emptyStores() {
        cohorts = newCohortStore();
        groups = newSpecialGroupStore();
    }

    @Test
    public void cohortsAreSavedWholeReplacedAndDeleted() {
        Cohort young = new Cohort("born-1972-2003", "18-49", LocalDate.of(1972, 1, 1), LocalDate.of(2003, 12, 31), Optional.empty(),
                Set.of("MOD", "PFZ"), List.of(FIRST, REOPENING), Optional.of(new Rotation(7, "0123456789")));
        Cohort teachers = new Cohort("teachers", "Teachers", LocalDate.of(1950, 1, 1), LocalDate.of(2003, 12, 31), Optional.of("teachers"),
                Set.of("PFZ"), List.of(FIRST), Optional.empty());
        assertThat(cohorts.all()).isEmpty();

        cohorts.save(teachers);
        cohorts.save(young);

        assertThat(cohorts.all()).containsExactly(young, teachers);
        Cohort renamed = new Cohort("teachers", "Teachers and carers", LocalDate.of(1950, 1, 1), LocalDate.of(2003, 12, 31),
                Optional.empty(), Set.of("MOD"), List.of(REOPENING), Optional.of(new Rotation(3, "9876543210")));
        cohorts.save(renamed);
        assertThat(cohorts.all()).containsExactly(young, renamed);
        assertThat(cohorts.delete("teachers")).isTrue();
        assertThat(cohorts.delete("teachers")).isFalse();
        assertThat(cohorts.all()).containsExactly(young);
    }

    @Test
    public void membersAreAddedAndGroupsReplacedWholly() {
        groups.write(List.of(new SpecialGroupStore.Member(1, "teachers"), new SpecialGroupStore.Member(2, "teachers"),
                new SpecialGroupStore.Member(1, "carers")), Set.of());
        assertThat(groups.groupsOf(1)).containsExactlyInAnyOrder("teachers", "carers");
        assertThat(groups.sizes()).isEqualTo(Map.of("carers", 1, "teachers", 2));

        groups.write(List.of(new SpecialGroupStore.Member(3, "teachers")), Set.of("teachers"));

        assertThat(groups.groupsOf(1)).containsExactly("carers");
        assertThat(groups.groupsOf(2)).isEmpty();
        assertThat(groups.groupsOf(3)).containsExactly("teachers");
        groups.write(List.of(new SpecialGroupStore.Member(3, "teachers")), Set.of());
        assertThat(groups.sizes()).isEqualTo(Map.of("carers", 1, "teachers", 1));
    }
}
