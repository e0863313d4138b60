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
    void manyNodesTakingAtOnceNeverExceedTheLimit() {
        DailyQuota quota = newQuota();

        List<Boolean> taken = Race.run(16, Duration.ofSeconds(30), i -> quota.tryTake("phone:abc", DAY, 5));

        assertThat(taken).filteredOn(t -> t).hasSize(5);
    }
}
