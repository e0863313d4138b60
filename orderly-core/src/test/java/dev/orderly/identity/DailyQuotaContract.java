package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link DailyQuota} promises. Bind it with a subclass per adapter. */
public abstract class DailyQuotaContract {

    private static final LocalDate DAY = LocalDate.of(2021, 8, 9);

    /** A quota with nothing counted; called once per test. */
    protected abstract DailyQuota newQuota();

    @Test
    void usesAreCountedUpToTheLimit() {
        DailyQuota quota = newQuota();

        assertThat(quota.tryTake("person:17", DAY, 3)).isTrue();
        assertThat(quota.tryTake("person:17", DAY, 3)).isTrue();
        assertThat(quota.tryTake("person:17", DAY, 3)).isTrue();
        assertThat(quota.tryTake("person:17", DAY, 3)).isFalse();
        assertThat(quota.tryTake("person:17", DAY, 3)).isFalse();
    }

    @Test
    void keysAndDaysAreCountedApart() {
        DailyQuota quota = newQuota();
        quota.tryTake("person:17", DAY, 1);

        assertThat(quota.tryTake("person:17", DAY, 1)).isFalse();
        assertThat(quota.tryTake("person:18", DAY, 1)).isTrue();
        assertThat(quota.tryTake("person:17", DAY.plusDays(1), 1)).isTrue();
    }

    @Test
    void aHigherLimitLetsMoreThrough() {
        DailyQuota quota = newQuota();
        quota.tryTake("k", DAY, 1);

        assertThat(quota.tryTake("k", DAY, 1)).isFalse();
        assertThat(quota.tryTake("k", DAY, 2)).isTrue();
    }

    @Test
    void bothAreCountedOnlyWhileBothAreUnderTheirLimits() {
        DailyQuota quota = newQuota();

        assertThat(quota.tryTakeBoth(DAY, "person:1", 2, "phone:f", 3)).isTrue();
        assertThat(quota.tryTakeBoth(DAY, "person:1", 2, "phone:f", 3)).isTrue();
        assertThat(quota.tryTakeBoth(DAY, "person:1", 2, "phone:f", 3)).as("the person's cap").isFalse();
        // The person's refusal counted nothing against the phone: one use of it is left.
        assertThat(quota.tryTakeBoth(DAY, "person:2", 5, "phone:f", 3)).isTrue();
        assertThat(quota.tryTakeBoth(DAY, "person:3", 5, "phone:f", 3)).as("the phone's cap").isFalse();
        // The phone's refusal still counted the first: person 3 has one use left, not two.
        assertThat(quota.tryTake("person:3", DAY, 2)).isTrue();
        assertThat(quota.tryTake("person:3", DAY, 2)).isFalse();
        assertThat(quota.tryTake("phone:f", DAY.plusDays(1), 1)).as("another day").isTrue();
    }

    @Test
    void bothOfOneKeyCountTwice() {
        DailyQuota quota = newQuota();

        assertThat(quota.tryTakeBoth(DAY, "k", 3, "k", 3)).isTrue();
        assertThat(quota.tryTakeBoth(DAY, "k", 3, "k", 3)).as("third and fourth use").isFalse();
        assertThat(quota.tryTake("k", DAY, 4)).as("the third was counted").isTrue();
    }

    @Test
    void manyNodesTakingBothAtOnceNeverExceedEitherLimit() {
        DailyQuota quota = newQuota();

        List<Boolean> taken = Race.run(16, Duration.ofSeconds(30), i -> quota.tryTakeBoth(DAY, "person:" + (i % 4), 3, "phone:abc", 5));

        assertThat(taken).filteredOn(t -> t).hasSize(5);
        assertThat(quota.tryTake("phone:abc", DAY, 5)).isFalse();
    }

    @Test
    void manyNodesTakingAtOnceNeverExceedTheLimit() {
        DailyQuota quota = newQuota();

        List<Boolean> taken = Race.run(16, Duration.ofSeconds(30), i -> quota.tryTake("phone:abc", DAY, 5));

        assertThat(taken).filteredOn(t -> t).hasSize(5);
    }
}
