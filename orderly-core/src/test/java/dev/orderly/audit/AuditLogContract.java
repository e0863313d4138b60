package dev.orderly.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every {@link AuditLog} promises. Bind it with a subclass per adapter. */
public abstract class AuditLogContract {

    private static final Instant T0 = Instant.parse("2021-07-19T11:00:00.123456789Z");

    /** An empty log timed by {@code clock}; called once per test. */
    protected abstract AuditLog newLog(MutableClock clock);

    protected static AuditEvent event(String actor, String action, String target) {
        return new AuditEvent(actor, "operator", action, target, "{\"mode\":\"ACTIVE\"}", "{\"mode\":\"PAUSED\"}", "203.0.113.7");
    }

    @Test
    void anEmptyLogIsIntactAndHasNothingToRead() {
        AuditLog log = newLog(MutableClock.at(T0));

        assertThat(log.read(AuditQuery.newest())).isEmpty();
        ChainCheck.Verification v = log.verify();
        assertThat(v.ok()).isTrue();
        assertThat(v.entries()).isZero();
        assertThat(v.last()).isEqualTo(ChainCheck.Head.EMPTY);
    }

    @Test
    void entriesAreNumberedFromOneTimedByTheClockAndChained() {
        MutableClock clock = MutableClock.at(T0);
        AuditLog log = newLog(clock);

        AuditEntry first = log.append(event("kim", "gate.pause", "gate:identity"));
        clock.advance(Duration.ofSeconds(5));
        AuditEntry second = log.append(event("lee", "gate.resume", "gate:identity"));

        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.previousHash()).isEqualTo(AuditChain.GENESIS);
        assertThat(first.at()).isEqualTo(Instant.parse("2021-07-19T11:00:00.123456Z"));
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.previousHash()).isEqualTo(first.hash());
        assertThat(second.at()).isEqualTo(Instant.parse("2021-07-19T11:00:05.123456Z"));
        assertThat(AuditChain.sealed(first)).isTrue();
        assertThat(AuditChain.sealed(second)).isTrue();
        ChainCheck.Verification v = log.verify();
        assertThat(v.ok()).isTrue();
        assertThat(v.entries()).isEqualTo(2);
        assertThat(v.last()).isEqualTo(new ChainCheck.Head(2, second.hash()));
    }

    @Test
    void anEntryIsReadBackExactlyAsItWasWritten() {
        AuditLog log = newLog(MutableClock.at(T0));
        AuditEntry created = log.append(new AuditEvent("박지민", "clinic", "cohort.create", "cohort:교사", null,
                "{\"name\":\"교사 \\\"A\\\", 2021\",\"note\":\"line\\nbreak\"}", "2001:db8::1"));
        AuditEntry deleted = log.append(new AuditEvent("machine", "operator", "cohort.delete", "cohort:교사", "{}", null, ""));

        assertThat(log.read(AuditQuery.newest().oldestFirst())).containsExactly(created, deleted);
        assertThat(log.read(AuditQuery.newest())).containsExactly(deleted, created);
    }

    @Test
    void readsFilterByActorActionTargetPrefixAndTime() {
        MutableClock clock = MutableClock.at(T0);
        AuditLog log = newLog(clock);
        AuditEntry a = log.append(event("kim", "gate.pause", "gate:identity"));
        clock.advance(Duration.ofMinutes(1));
        AuditEntry b = log.append(event("lee", "capacity.set", "clinic:12/capacity/PFZ/2021-07-26..2021-07-26"));
        clock.advance(Duration.ofMinutes(1));
        AuditEntry c = log.append(event("kim", "capacity.set", "clinic:120/capacity/MOD/2021-07-26..2021-07-27"));
        clock.advance(Duration.ofMinutes(1));
        AuditEntry d = log.append(event("kim", "cohort.create", "cohort:50%_s"));

        AuditQuery all = AuditQuery.newest().oldestFirst();
        assertThat(log.read(all.actor("kim"))).containsExactly(a, c, d);
        assertThat(log.read(all.actor("ki"))).isEmpty();
        assertThat(log.read(all.action("capacity.set"))).containsExactly(b, c);
        assertThat(log.read(all.targetPrefix("clinic:12"))).containsExactly(b, c);
        assertThat(log.read(all.targetPrefix("clinic:12/"))).containsExactly(b);
        assertThat(log.read(all.targetPrefix("cohort:50%_"))).containsExactly(d);
        assertThat(log.read(all.targetPrefix("cohort:50_"))).isEmpty();
        assertThat(log.read(all.targetPrefix("cohort:5%"))).isEmpty();
        assertThat(log.read(all.from(b.at()))).containsExactly(b, c, d);
        assertThat(log.read(all.to(c.at()))).containsExactly(a, b);
        assertThat(log.read(all.from(b.at()).to(d.at()).actor("kim").action("capacity.set"))).containsExactly(c);
    }

    @Test
    void aTargetPrefixIsTakenLiterallyWildcardsAndEscapesIncluded() {
        AuditLog log = newLog(MutableClock.at(T0));
        AuditEntry slash = log.append(event("kim", "cohort.create", "cohort:a\\b"));
        AuditEntry other = log.append(event("kim", "cohort.create", "cohort:ab"));
        AuditQuery all = AuditQuery.newest().oldestFirst();

        assertThat(log.read(all.targetPrefix("cohort:a\\"))).containsExactly(slash);
        assertThat(log.read(all.targetPrefix("cohort:a\\b"))).containsExactly(slash);
        assertThat(log.read(all.targetPrefix("cohort:a"))).containsExactly(slash, other);
        assertThat(log.read(all.targetPrefix("cohort:a_"))).isEmpty();
        assertThat(log.read(all.targetPrefix("cohort:%"))).isEmpty();
    }

    @Test
    void readsPageBySequenceFromEitherEnd() {
        AuditLog log = newLog(MutableClock.at(T0));
        List<AuditEntry> written = IntStream.rangeClosed(1, 7).mapToObj(i -> log.append(event("kim", "gate.pause", "gate:g" + i))).toList();

        assertThat(log.read(AuditQuery.newest().limit(3))).containsExactly(written.get(6), written.get(5), written.get(4));
        assertThat(log.read(AuditQuery.newest().limit(3).before(5))).containsExactly(written.get(3), written.get(2), written.get(1));
        assertThat(log.read(AuditQuery.newest().limit(3).before(2))).containsExactly(written.get(0));
        assertThat(log.read(AuditQuery.newest().oldestFirst().limit(2).after(3))).containsExactly(written.get(3), written.get(4));
        assertThat(log.read(AuditQuery.newest().limit(2).after(3))).containsExactly(written.get(6), written.get(5));
        assertThat(log.read(AuditQuery.newest().after(2).before(5))).containsExactly(written.get(3), written.get(2));
        assertThat(log.read(AuditQuery.newest().after(7))).isEmpty();
    }

    @Test
    void readingAllPagesThroughTheWholeSelectionOldestFirst() {
        AuditLog log = newLog(MutableClock.at(T0));
        for (int i = 1; i <= AuditQuery.MAX_LIMIT + 5; i++) {
            log.append(event(i % 2 == 0 ? "kim" : "lee", "capacity.set", "clinic:" + i));
        }
        List<Long> seen = new java.util.ArrayList<>();

        long count = log.readAll(AuditQuery.newest().limit(3).actor("kim").after(2), e -> seen.add(e.sequence()));

        assertThat(count).isEqualTo((AuditQuery.MAX_LIMIT + 4) / 2 - 1);
        assertThat(seen).isEqualTo(IntStream.rangeClosed(2, AuditQuery.MAX_LIMIT + 4).filter(i -> i % 2 == 0 && i > 2)
                .mapToObj(i -> (long) i).toList());
    }

    @Test
    void appendsFromManyThreadsAtOnceFormOneUnbrokenChain() {
        AuditLog log = newLog(MutableClock.at(T0));

        List<List<Long>> sequences = Race.run(8, Duration.ofSeconds(60), t -> IntStream.range(0, 10)
                .mapToObj(i -> log.append(event("node-" + t, "capacity.set", "clinic:" + t + "/" + i)).sequence()).toList());

        assertThat(sequences.stream().flatMap(List::stream).sorted().toList())
                .isEqualTo(IntStream.rangeClosed(1, 80).mapToObj(i -> (long) i).toList());
        ChainCheck.Verification v = log.verify();
        assertThat(v.ok()).as("%s", v).isTrue();
        assertThat(v.entries()).isEqualTo(80);
    }
}
