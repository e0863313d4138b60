package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link ChallengeStore} promises. Bind it with a subclass per adapter. */
public abstract class ChallengeStoreContract {

    protected static final Instant NOW = Instant.parse("2021-08-09T11:00:00Z");

    /** An empty store whose clock stands at {@link #NOW}; called once per test. */
    protected abstract ChallengeStore newStore();

    /**
     * An empty daily quota kept where the adapter keeps its daily counts (for a database store,
     * the same database, so that {@link ChallengeStore#saveWithin} may do both in one step).
     */
    protected abstract DailyQuota newQuota();

    private static final LocalDate DAY = LocalDate.of(2021, 8, 9);

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

    @Test
    void aChallengeWithinBothCapsIsSavedAndCountedAgainstEach() {
        ChallengeStore store = newStore();
        DailyQuota quota = newQuota();

        assertThat(store.saveWithin(challenge("a1"), quota, DAY, new DailyQuota.Cap("person:17", 2), new DailyQuota.Cap("phone:x", 3)))
                .isTrue();

        assertThat(store.find("a1")).contains(challenge("a1"));
        assertThat(quota.tryTake("person:17", DAY, 2)).as("one use left of the person's two").isTrue();
        assertThat(quota.tryTake("person:17", DAY, 2)).isFalse();
        assertThat(quota.tryTake("phone:x", DAY, 2)).as("the phone's use counted: 1 + this one of 2").isTrue();
        assertThat(quota.tryTake("phone:x", DAY, 2)).isFalse();
    }

    @Test
    void aChallengeOverEitherCapIsNotSaved() {
        ChallengeStore store = newStore();
        DailyQuota quota = newQuota();
        DailyQuota.Cap person = new DailyQuota.Cap("person:17", 1);
        DailyQuota.Cap phone = new DailyQuota.Cap("phone:x", 5);

        assertThat(store.saveWithin(challenge("a1"), quota, DAY, person, phone)).isTrue();
        assertThat(store.saveWithin(challenge("b2"), quota, DAY, person, phone)).as("the person's cap is used up").isFalse();
        assertThat(store.saveWithin(challenge("c3"), quota, DAY, new DailyQuota.Cap("person:18", 5), new DailyQuota.Cap("phone:x", 1)))
                .as("the phone's cap is used up").isFalse();

        assertThat(store.find("a1")).isPresent();
        assertThat(store.find("b2")).isEmpty();
        assertThat(store.find("c3")).isEmpty();
        assertThat(quota.tryTake("person:18", DAY, 2)).as("the first cap stays counted when the second refuses").isTrue();
        assertThat(quota.tryTake("person:18", DAY, 2)).isFalse();
        assertThat(store.saveWithin(challenge("d4"), quota, DAY.plusDays(1), person, phone)).as("a new Seoul day").isTrue();
    }

    @Test
    void oneKeyForBothCapsCountsTwice() {
        ChallengeStore store = newStore();
        DailyQuota quota = newQuota();
        DailyQuota.Cap both = new DailyQuota.Cap("phone:x", 3);

        assertThat(store.saveWithin(challenge("a1"), quota, DAY, both, both)).isTrue();
        assertThat(store.saveWithin(challenge("b2"), quota, DAY, both, both)).isFalse();

        assertThat(store.find("b2")).isEmpty();
    }

    @Test
    void manyRequestsAtOnceNeverPassACapAndEachSavedChallengeIsFound() {
        ChallengeStore store = newStore();
        DailyQuota quota = newQuota();

        List<List<String>> saved = Race.run(8, Duration.ofSeconds(30), i -> {
            List<String> mine = new ArrayList<>();
            for (int n = 0; n < 5; n++) {
                String id = "t" + i + "-" + n;
                // Every thread asks for one person (cap 7); half of them share one phone (cap 9).
                DailyQuota.Cap phone = new DailyQuota.Cap(i % 2 == 0 ? "phone:shared" : "phone:" + i, 9);
                if (store.saveWithin(new Challenge(id, 17, "mac-" + id, NOW.plusSeconds(60), 0, false), quota, DAY,
                        new DailyQuota.Cap("person:17", 7), phone)) {
                    mine.add(id);
                }
            }
            return mine;
        });

        List<String> all = saved.stream().flatMap(List::stream).toList();
        assertThat(all).as("the person's cap of 7 reached, never passed").hasSize(7);
        for (int i = 0; i < 8; i++) {
            for (int n = 0; n < 5; n++) {
                String id = "t" + i + "-" + n;
                assertThat(store.find(id).isPresent()).as(id + " saved exactly when it was answered saved").isEqualTo(all.contains(id));
            }
        }
    }
}
