package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link ChallengeStore} promises. Bind it with a subclass per adapter. */
public abstract class ChallengeStoreContract {

    protected static final Instant NOW = Instant.parse("2021-08-09T11:00:00Z");

    /** An empty store whose clock stands at {@link #NOW}; called once per test. */
    protected abstract ChallengeStore newStore();

    private static Challenge challenge(String id) {
        return new Challenge(id, 17, "mac-" + id, NOW.plusSeconds(180), 0, false);
    }

    @Test
    void aSavedChallengeIsFoundAsSaved() {
        ChallengeStore store = newStore();
        Challenge c = challenge("a1");

        store.save(c);

        assertThat(store.find("a1")).contains(c);
        assertThat(store.find("b2")).isEmpty();
    }

    @Test
    void manyFindsAtOnceEachGetTheirOwnChallenge() {
        ChallengeStore store = newStore();
        List<Challenge> saved = List.of(challenge("a1"), challenge("b2"), new Challenge("c3", 18, "mac-c3", NOW.plusSeconds(60), 2, true));
        saved.forEach(store::save);

        List<Integer> wrong = Race.run(8, Duration.ofSeconds(30), i -> {
            int off = 0;
            for (int n = 0; n < 40; n++) {
                for (Challenge c : saved) {
                    off += store.find(c.id()).equals(Optional.of(c)) ? 0 : 1;
                }
                off += store.find("d4").isEmpty() ? 0 : 1;
            }
            return off;
        });

        assertThat(wrong).as("finds answered with another challenge, per thread").containsOnly(0);
    }

    @Test
    void anUpdateReplacesTheChallengeAndReturnsTheNewValue() {
        ChallengeStore store = newStore();
        store.save(challenge("a1"));

        assertThat(store.update("a1", Challenge::withFailedTry).orElseThrow().failedTries()).isEqualTo(1);
        assertThat(store.update("a1", Challenge::usedUp).orElseThrow()).isEqualTo(
                new Challenge("a1", 17, "mac-a1", NOW.plusSeconds(180), 1, true));
        assertThat(store.find("a1").orElseThrow().used()).isTrue();
    }

    @Test
    void updatingAChallengeNobodySavedFindsNothing() {
        assertThat(newStore().update("nope", Challenge::usedUp)).isEmpty();
    }

    @Test
    void concurrentUpdatesAreAppliedOneAfterAnother() {
        ChallengeStore store = newStore();
        store.save(challenge("a1"));

        List<Integer> seen = Race.run(16, Duration.ofSeconds(30),
                i -> store.update("a1", Challenge::withFailedTry).orElseThrow().failedTries());

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(store.find("a1").orElseThrow().failedTries()).isEqualTo(16);
    }

    @Test
    void manySavesAtOnceAreEachFoundAsSaved() {
        ChallengeStore store = newStore();

        Race.run(8, Duration.ofSeconds(30), i -> {
            for (int n = 0; n < 30; n++) {
                store.save(new Challenge("t" + i + "-" + n, i, "mac-" + i + "-" + n, NOW.plusSeconds(n), n % 3, n % 2 == 0));
            }
            return i;
        });

        for (int i = 0; i < 8; i++) {
            for (int n = 0; n < 30; n++) {
                assertThat(store.find("t" + i + "-" + n))
                        .contains(new Challenge("t" + i + "-" + n, i, "mac-" + i + "-" + n, NOW.plusSeconds(n), n % 3, n % 2 == 0));
            }
        }
    }

    @Test
    void differentChangesOfOneChallengeAtOnceAreEachAppliedOnce() {
        ChallengeStore store = newStore();
        store.save(challenge("a1"));

        Race.run(16, Duration.ofSeconds(30), i -> store.update("a1", i % 2 == 0 ? Challenge::withFailedTry : Challenge::usedUp));

        Challenge after = store.find("a1").orElseThrow();
        assertThat(after.failedTries()).as("every failed try counted, none lost to a concurrent use").isEqualTo(8);
        assertThat(after.used()).isTrue();
    }
}
