package dev.orderly.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any single change to a chain is found, and named at (or, for a rewrite that recomputed its own
 * hash, just after) the entry changed: an edit of any one field, a removal, a swap of two entries,
 * an entry inserted. The log's recorded head is given, as the stores give it.
 */
class AuditChainProperties {

    private static final Instant T0 = Instant.parse("2021-07-19T11:00:00Z");

    enum Field { SEQUENCE, AT, ACTOR, ROLE, ACTION, TARGET, BEFORE, AFTER, ADDRESS, PREVIOUS_HASH, HASH }

    @Provide
    Arbitrary<List<AuditEntry>> chains() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12);
        Arbitrary<AuditEvent> events = Combinators.combine(text.filter(s -> !s.isEmpty()), Arbitraries.of("operator", "auditor"),
                        text.filter(s -> !s.isEmpty()), text.filter(s -> !s.isEmpty()), text.injectNull(0.3), text.injectNull(0.3), text)
                .as(AuditEvent::new);
        return Combinators.combine(events.list().ofMinSize(1).ofMaxSize(12), Arbitraries.longs().between(0, 1_000_000).list().ofSize(12))
                .as((list, gaps) -> {
                    List<AuditEntry> chain = new ArrayList<>();
                    String previous = AuditChain.GENESIS;
                    Instant at = T0;
                    for (int i = 0; i < list.size(); i++) {
                        at = at.plusMillis(gaps.get(i));
                        AuditEntry e = AuditChain.next(i + 1, at, list.get(i), previous);
                        chain.add(e);
                        previous = e.hash();
                    }
                    return List.copyOf(chain);
                });
    }

    private static Optional<ChainCheck.Head> headOf(List<AuditEntry> original) {
        AuditEntry last = original.getLast();
        return Optional.of(new ChainCheck.Head(last.sequence(), last.hash()));
    }

    private static long firstBroken(List<AuditEntry> changed, List<AuditEntry> original) {
        ChainCheck.Verification v = ChainCheck.of(changed, headOf(original));
        assertThat(v.ok()).as("the change went unnoticed").isFalse();
        return v.firstBroken().orElseThrow().sequence();
    }

    @Property(tries = 500)
    void anUntouchedChainIsIntact(@ForAll("chains") List<AuditEntry> chain) {
        assertThat(ChainCheck.of(chain, headOf(chain)).ok()).isTrue();
    }

    @Property(tries = 1000)
    void editingAnyOneFieldOfAnyEntryIsNamedAtThatEntry(@ForAll("chains") List<AuditEntry> chain, @ForAll @IntRange(max = 100) int pick,
                                                      @ForAll Field field, @ForAll("replacements") String replacement) {
        int k = pick % chain.size();
        AuditEntry e = chain.get(k);
        AuditEntry edited = edit(e, field, replacement);
        Assume.that(!edited.equals(e));
        List<AuditEntry> changed = new ArrayList<>(chain);
        changed.set(k, edited);

        assertThat(firstBroken(changed, chain)).isEqualTo(e.sequence());
    }

    @Property(tries = 500)
    void rewritingAnEntryWithAFreshHashIsNamedAtItOrTheNext(@ForAll("chains") List<AuditEntry> chain, @ForAll @IntRange(max = 100) int pick,
                                                          @ForAll("replacements") String actor) {
        int k = pick % chain.size();
        AuditEntry e = chain.get(k);
        AuditEvent ev = e.event();
        Assume.that(!actor.isEmpty() && !actor.equals(ev.actor()));
        List<AuditEntry> changed = new ArrayList<>(chain);
        changed.set(k, AuditChain.next(e.sequence(), e.at(), new AuditEvent(actor, ev.role(), ev.action(), ev.target(), ev.before(),
                ev.after(), ev.address()), e.previousHash()));

        assertThat(firstBroken(changed, chain)).isBetween(e.sequence(), e.sequence() + 1);
    }

    @Property(tries = 500)
    void removingAnyEntryIsNamedAtIt(@ForAll("chains") List<AuditEntry> chain, @ForAll @IntRange(max = 100) int pick) {
        int k = pick % chain.size();
        List<AuditEntry> changed = new ArrayList<>(chain);
        changed.remove(k);

        assertThat(firstBroken(changed, chain)).isEqualTo(k + 1);
    }

    @Property(tries = 500)
    void swappingAnyTwoEntriesIsNamedAtTheEarlierPlace(@ForAll("chains") List<AuditEntry> chain, @ForAll @IntRange(max = 100) int a,
                                                      @ForAll @IntRange(max = 100) int b) {
        int i = Math.min(a % chain.size(), b % chain.size());
        int j = Math.max(a % chain.size(), b % chain.size());
        Assume.that(i != j);
        List<AuditEntry> changed = new ArrayList<>(chain);
        changed.set(i, chain.get(j));
        changed.set(j, chain.get(i));

        assertThat(firstBroken(changed, chain)).isEqualTo(i + 1);
    }

    @Property(tries = 500)
    void insertingAWellFormedEntryAnywhereIsFound(@ForAll("chains") List<AuditEntry> chain, @ForAll @IntRange(max = 100) int pick) {
        int k = pick % (chain.size() + 1);
        String previous = k == 0 ? AuditChain.GENESIS : chain.get(k - 1).hash();
        AuditEntry forged = AuditChain.next(k + 1, T0, new AuditEvent("mallory", "operator", "gate.resume", "gate:identity", null, null, ""),
                previous);
        List<AuditEntry> changed = new ArrayList<>(chain);
        changed.add(k, forged);

        assertThat(firstBroken(changed, chain)).isBetween((long) k + 1, (long) k + 2);
    }

    @Provide
    Arbitrary<String> replacements() {
        return Arbitraries.strings().ofMaxLength(8);
    }

    private static AuditEntry edit(AuditEntry e, Field field, String value) {
        AuditEvent ev = e.event();
        return switch (field) {
            case SEQUENCE -> new AuditEntry(e.sequence() + 1 + value.length(), e.at(), ev, e.previousHash(), e.hash());
            case AT -> new AuditEntry(e.sequence(), e.at().plusSeconds(1 + value.length()), ev, e.previousHash(), e.hash());
            case ACTOR -> withEvent(e, new AuditEvent(value.isEmpty() ? "x" : value, ev.role(), ev.action(), ev.target(), ev.before(), ev.after(), ev.address()));
            case ROLE -> withEvent(e, new AuditEvent(ev.actor(), value, ev.action(), ev.target(), ev.before(), ev.after(), ev.address()));
            case ACTION -> withEvent(e, new AuditEvent(ev.actor(), ev.role(), value.isEmpty() ? "x" : value, ev.target(), ev.before(), ev.after(), ev.address()));
            case TARGET -> withEvent(e, new AuditEvent(ev.actor(), ev.role(), ev.action(), value.isEmpty() ? "x" : value, ev.before(), ev.after(), ev.address()));
            case BEFORE -> withEvent(e, new AuditEvent(ev.actor(), ev.role(), ev.action(), ev.target(), value.isEmpty() ? null : value, ev.after(), ev.address()));
            case AFTER -> withEvent(e, new AuditEvent(ev.actor(), ev.role(), ev.action(), ev.target(), ev.before(), value, ev.address()));
            case ADDRESS -> withEvent(e, new AuditEvent(ev.actor(), ev.role(), ev.action(), ev.target(), ev.before(), ev.after(), value));
            case PREVIOUS_HASH -> new AuditEntry(e.sequence(), e.at(), ev, flip(e.previousHash()), e.hash());
            case HASH -> new AuditEntry(e.sequence(), e.at(), ev, e.previousHash(), flip(e.hash()));
        };
    }

    private static AuditEntry withEvent(AuditEntry e, AuditEvent event) {
        return new AuditEntry(e.sequence(), e.at(), event, e.previousHash(), e.hash());
    }

    /** The hash with its first hex digit changed. */
    private static String flip(String hash) {
        return (hash.charAt(0) == '0' ? "1" : "0") + hash.substring(1);
    }
}
