package dev.orderly.assist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every {@link AssistedStore} promises. Bind it with a subclass per adapter. */
public abstract class AssistedStoreContract {

    private static final Instant T0 = Instant.parse("2021-08-09T11:00:00Z");

    /** A store with nothing in it; called once per test. */
    protected abstract AssistedStore newStore();

    private static Assisted pending(String binding, long person, String challenge) {
        return new Assisted(binding, "agent:kim", person, challenge, false, T0, T0.plusSeconds(900));
    }

    @Test
    void anEntryIsFoundByItsBindingAndNoOther() {
        AssistedStore store = newStore();
        Assisted a = pending("staff:aaa", 17, "c1");

        store.put(a);

        assertThat(store.get("staff:aaa")).contains(a);
        assertThat(store.get("staff:bbb")).isEmpty();
    }

    @Test
    void aNewEntryReplacesTheBindingsOldOne() {
        AssistedStore store = newStore();
        store.put(pending("staff:aaa", 17, "c1"));
        Assisted second = pending("staff:aaa", 18, "c2");

        store.put(second);

        assertThat(store.get("staff:aaa")).contains(second);
    }

    @Test
    void replaceSucceedsOnlyOnTheEntryAsItWas() {
        AssistedStore store = newStore();
        Assisted p = pending("staff:aaa", 17, "c1");
        store.put(p);
        Assisted confirmed = new Assisted("staff:aaa", "agent:kim", 17, "c1", true, T0.plusSeconds(5), T0.plusSeconds(905));

        assertThat(store.replace(p, confirmed)).isTrue();
        assertThat(store.replace(p, confirmed)).as("the entry is no longer the pending one").isFalse();
        assertThat(store.get("staff:aaa")).contains(confirmed);
    }

    @Test
    void replaceOfAnEntryThatMovedOnChangesNothing() {
        AssistedStore store = newStore();
        Assisted first = pending("staff:aaa", 17, "c1");
        store.put(first);
        Assisted newer = pending("staff:aaa", 18, "c2");
        store.put(newer);

        boolean replaced = store.replace(first, new Assisted("staff:aaa", "agent:kim", 17, "c1", true, T0, T0.plusSeconds(900)));

        assertThat(replaced).isFalse();
        assertThat(store.get("staff:aaa")).contains(newer);
    }

    @Test
    void removeForgetsTheEntry() {
        AssistedStore store = newStore();
        store.put(pending("staff:aaa", 17, "c1"));
        store.put(pending("person:9", 18, "c2"));

        store.remove("staff:aaa");
        store.remove("staff:none");

        assertThat(store.get("staff:aaa")).isEmpty();
        assertThat(store.get("person:9")).isPresent();
    }
}
