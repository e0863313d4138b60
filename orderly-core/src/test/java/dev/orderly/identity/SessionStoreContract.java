package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.ResidentRecord;
import dev.orderly.registry.ResidentRegistry;
import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link SessionStore} promises. Bind it with a subclass per adapter. */
public abstract class SessionStoreContract {

    private static final Instant T0 = Instant.parse("2021-08-09T11:00:00Z");

    private static final ResidentRecord HONG = new ResidentRecord("6405051234567", "홍길동", LocalDate.of(1964, 5, 5), "01012345678");
    private static final ResidentRecord KIM = new ResidentRecord("0102033234569", "김철수", LocalDate.of(2001, 2, 3), "0111234567");

    /** A store with nobody in it; called once per test. */
    protected abstract SessionStore newStore();

    /**
     * A registry holding exactly {@code records}, of the kind the store is deployed beside (the one
     * {@link SessionStore#currentWithPerson} can read with the generation); called after
     * {@link #newStore()}. By default one in memory.
     */
    protected ResidentRegistry registryOf(List<ResidentRecord> records) {
        InMemoryResidentRegistry registry = new InMemoryResidentRegistry();
        records.forEach(registry::put);
        return registry;
    }

    private static long idOf(ResidentRegistry registry, ResidentRecord r) {
        return registry.find(r.name(), r.birthDate(), r.phone()).orElseThrow().id();
    }

    @Test
    void theGenerationAndThePersonReadTogetherAreWhatEachReadsAlone() {
        SessionStore store = newStore();
        ResidentRegistry registry = registryOf(List.of(HONG, KIM));
        long hong = idOf(registry, HONG);
        long kim = idOf(registry, KIM);

        assertThat(store.currentWithPerson(hong, registry)).isEqualTo(new SessionStore.Holder(Optional.empty(), Optional.empty()));
        store.begin(hong, T0);
        store.begin(kim, T0);
        store.begin(hong, T0.plusSeconds(60));
        assertThat(store.currentWithPerson(hong, registry))
                .isEqualTo(new SessionStore.Holder(store.current(hong), registry.byId(hong)))
                .extracting(h -> h.generation().orElseThrow().number(), h -> h.person().orElseThrow().name())
                .containsExactly(2L, "홍길동");
        assertThat(store.currentWithPerson(kim, registry).person()).isEqualTo(registry.byId(kim));

        store.end(hong, 2);
        assertThat(store.currentWithPerson(hong, registry))
                .as("a generation that ended needs no person")
                .isEqualTo(new SessionStore.Holder(Optional.of(new SessionStore.Generation(2, T0.plusSeconds(60), false)), Optional.empty()));
    }

    @Test
    void manyReadsAtOnceEachGetTheirOwnPersonsGenerationAndPerson() {
        SessionStore store = newStore();
        ResidentRegistry registry = registryOf(List.of(HONG, KIM));
        long hong = idOf(registry, HONG);
        long kim = idOf(registry, KIM);
        long never = Math.max(hong, kim) + 1_000;
        store.begin(hong, T0);
        store.begin(kim, T0);
        store.begin(kim, T0.plusSeconds(60));
        store.end(kim, 2);
        SessionStore.Holder hongs = new SessionStore.Holder(Optional.of(new SessionStore.Generation(1, T0, true)), registry.byId(hong));
        SessionStore.Holder kims = new SessionStore.Holder(Optional.of(new SessionStore.Generation(2, T0.plusSeconds(60), false)),
                Optional.empty());
        SessionStore.Holder nobody = new SessionStore.Holder(Optional.empty(), Optional.empty());

        List<Integer> wrong = Race.run(8, Duration.ofSeconds(30), i -> {
            int off = 0;
            for (int n = 0; n < 60; n++) {
                off += store.currentWithPerson(hong, registry).equals(hongs) ? 0 : 1;
                off += store.currentWithPerson(kim, registry).equals(kims) ? 0 : 1;
                off += store.currentWithPerson(never, registry).equals(nobody) ? 0 : 1;
            }
            return off;
        });

        assertThat(wrong).as("reads answered with someone else's session, per thread").containsOnly(0);
    }

    @Test
    void aGenerationWhosePersonLeftTheRegistryHoldsNoPerson() {
        SessionStore store = newStore();
        ResidentRegistry registry = registryOf(List.of(HONG));
        long gone = idOf(registry, HONG) + 1_000;
        store.begin(gone, T0);

        SessionStore.Holder held = store.currentWithPerson(gone, registry);

        assertThat(held.generation()).contains(new SessionStore.Generation(1, T0, true));
        assertThat(held.person()).isEmpty();
    }

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
