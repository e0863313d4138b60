package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link SessionStore} promises. Bind it with a subclass per adapter. */
public abstract class SessionStoreContract {

    private static final Instant T0 = Instant.parse("2021-08-09T11:00:00Z");

    /** A store with nobody in it; called once per test. */
    protected abstract SessionStore newStore();

    @Test
    void aPersonWhoNeverVerifiedHasNoGeneration() {
        assertThat(newStore().current(17)).isEmpty();
    }

    @Test
    void theFirstVerificationStartsGenerationOne() {
        SessionStore store = newStore();

        SessionStore.Begun begun = store.begin(17, T0);

        assertThat(begun.current()).isEqualTo(new SessionStore.Generation(1, T0, true));
        assertThat(begun.previous()).isEmpty();
        assertThat(store.current(17)).contains(new SessionStore.Generation(1, T0, true));
    }

    @Test
    void verifyingAgainStartsTheNextGenerationAndReportsTheOneItReplaced() {
        SessionStore store = newStore();
        store.begin(17, T0);

        SessionStore.Begun second = store.begin(17, T0.plusSeconds(60));

        assertThat(second.current()).isEqualTo(new SessionStore.Generation(2, T0.plusSeconds(60), true));
        assertThat(second.previous()).contains(new SessionStore.Generation(1, T0, true));
        assertThat(store.current(17).orElseThrow().number()).isEqualTo(2);
    }

    @Test
    void peopleHaveGenerationsOfTheirOwn() {
        SessionStore store = newStore();
        store.begin(17, T0);
        store.begin(17, T0);

        assertThat(store.begin(18, T0).current().number()).isEqualTo(1);
    }

    @Test
    void endingTheCurrentGenerationMakesItInactiveOnce() {
        SessionStore store = newStore();
        store.begin(17, T0);

        assertThat(store.end(17, 1)).isTrue();
        assertThat(store.current(17)).contains(new SessionStore.Generation(1, T0, false));
        assertThat(store.end(17, 1)).isFalse();
    }

    @Test
    void endingAnOldGenerationLeavesTheCurrentOneAlone() {
        SessionStore store = newStore();
        store.begin(17, T0);
        store.begin(17, T0.plusSeconds(1));

        assertThat(store.end(17, 1)).isFalse();
        assertThat(store.end(99, 1)).isFalse();
        assertThat(store.current(17)).contains(new SessionStore.Generation(2, T0.plusSeconds(1), true));
    }

    @Test
    void aPersonVerifyingOnManyDevicesAtOnceGetsDistinctGenerations() {
        SessionStore store = newStore();

        List<Long> generations = Race.run(8, Duration.ofSeconds(30), i -> store.begin(17, T0).current().number());

        assertThat(generations).doesNotHaveDuplicates().allMatch(g -> g >= 1 && g <= 8);
        assertThat(store.current(17).map(SessionStore.Generation::number)).isEqualTo(Optional.of(8L));
    }

    @Test
    void eachOfManyAtOnceReportsTheGenerationItReplaced() {
        SessionStore store = newStore();

        List<SessionStore.Begun> begun = Race.run(8, Duration.ofSeconds(30), i -> store.begin(23, T0));

        for (SessionStore.Begun b : begun) {
            long n = b.current().number();
            if (n == 1) {
                assertThat(b.previous()).as("the first").isEmpty();
            } else {
                assertThat(b.previous()).as("generation %d", n).hasValueSatisfying(p -> {
                    assertThat(p.number()).isEqualTo(n - 1);
                    assertThat(p.active()).isTrue();
                });
            }
        }
    }
}
