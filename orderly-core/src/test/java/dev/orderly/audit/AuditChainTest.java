package dev.orderly.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static final Instant AT = Instant.parse("2021-07-19T11:00:00Z");

    private static AuditEvent event(String actor, String action, String target, String before, String after) {
        return new AuditEvent(actor, "operator", action, target, before, after, "198.51.100.1");
    }

    private static List<AuditEntry> chain(int n) {
        List<AuditEntry> entries = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            AuditEntry e = AuditChain.next(i, AT.plusSeconds(i), event("kim", "gate.pause", "gate:g" + i, null, "{}"), previous);
            entries.add(e);
            previous = e.hash();
        }
        return entries;
    }

    @Test
    void theHashIsHexSha256AndTheSameForTheSameFields() {
        AuditEvent e = event("kim", "gate.pause", "gate:identity", "{}", "{}");
        String hash = AuditChain.hash(AuditChain.GENESIS, 1, AT, e);

        assertThat(hash).matches("[0-9a-f]{64}").isEqualTo(AuditChain.hash(AuditChain.GENESIS, 1, AT, e));
    }

    @Test
    void noFieldBleedsIntoItsNeighbour() {
        String ab = AuditChain.hash(AuditChain.GENESIS, 1, AT, event("ab", "c", "t", null, null));
        String a = AuditChain.hash(AuditChain.GENESIS, 1, AT, event("a", "bc", "t", null, null));
        String beforeAfter = AuditChain.hash(AuditChain.GENESIS, 1, AT, event("k", "x", "t", "{}", null));
        String afterOnly = AuditChain.hash(AuditChain.GENESIS, 1, AT, event("k", "x", "t", null, "{}"));

        assertThat(ab).isNotEqualTo(a);
        assertThat(beforeAfter).isNotEqualTo(afterOnly);
    }

    @Test
    void nullIsNotTheEmptyText() {
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("k", "x", "t", null, null)))
                .isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 1, AT, event("k", "x", "t", "", null)));
    }

    @Test
    void theTimeIsKeptToTheMicrosecondAndCountsInTheHash() {
        AuditEntry e = AuditChain.next(1, Instant.parse("2021-07-19T11:00:00.123456789Z"), event("k", "x", "t", null, null), AuditChain.GENESIS);

        assertThat(e.at()).isEqualTo(Instant.parse("2021-07-19T11:00:00.123456Z"));
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, e.at().plusNanos(1000), e.event())).isNotEqualTo(e.hash());
    }

    @Test
    void anIntactChainVerifies() {
        List<AuditEntry> entries = chain(5);
        ChainCheck.Verification v = ChainCheck.of(entries, Optional.of(new ChainCheck.Head(5, entries.get(4).hash())));

        assertThat(v.ok()).isTrue();
        assertThat(v.entries()).isEqualTo(5);
    }

    @Test
    void anEditedEntryIsNamedWithTheReason() {
        List<AuditEntry> entries = new ArrayList<>(chain(5));
        AuditEntry third = entries.get(2);
        entries.set(2, new AuditEntry(3, third.at(), event("lee", "gate.pause", "gate:g3", null, "{}"), third.previousHash(), third.hash()));

        ChainCheck.Verification v = ChainCheck.of(entries, Optional.empty());

        assertThat(v.firstBroken()).contains(new ChainCheck.Broken(3,
                "entry 3 does not match its own hash: it was edited after it was written, or forged"));
        assertThat(v.entries()).isEqualTo(2);
    }

    @Test
    void aRemovedEntryIsNamed() {
        List<AuditEntry> entries = new ArrayList<>(chain(5));
        entries.remove(1);

        assertThat(ChainCheck.of(entries, Optional.empty()).firstBroken().orElseThrow().sequence()).isEqualTo(2);
    }

    @Test
    void aRewrittenAndResealedEntryBreaksTheLinkOfTheNext() {
        List<AuditEntry> entries = new ArrayList<>(chain(4));
        AuditEntry second = entries.get(1);
        entries.set(1, AuditChain.next(2, second.at(), event("lee", "gate.resume", "gate:g2", null, "{}"), second.previousHash()));

        ChainCheck.Broken broken = ChainCheck.of(entries, Optional.empty()).firstBroken().orElseThrow();

        assertThat(broken.sequence()).isEqualTo(3);
        assertThat(broken.reason()).contains("does not link to entry 2");
    }

    @Test
    void entriesCutOffTheEndAreFoundByTheHead() {
        List<AuditEntry> entries = chain(5);
        ChainCheck.Head head = new ChainCheck.Head(5, entries.get(4).hash());

        assertThat(ChainCheck.of(entries.subList(0, 3), Optional.empty()).ok()).isTrue();
        ChainCheck.Broken broken = ChainCheck.of(entries.subList(0, 3), Optional.of(head)).firstBroken().orElseThrow();
        assertThat(broken.sequence()).isEqualTo(4);
        assertThat(broken.reason()).contains("entries 4 to 5 were removed");
    }

    @Test
    void entriesAddedPastTheHeadAreFound() {
        List<AuditEntry> entries = chain(5);

        ChainCheck.Broken broken = ChainCheck.of(entries, Optional.of(new ChainCheck.Head(3, entries.get(2).hash()))).firstBroken().orElseThrow();

        assertThat(broken.sequence()).isEqualTo(4);
    }
}
