package dev.orderly.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The audit log in one node's memory: the reference model, for tests and single-node trials. */
public final class InMemoryAuditLog implements AuditLog {

    private final Clock clock;
    private final List<AuditEntry> entries = new ArrayList<>();
    private ChainCheck.Head head = ChainCheck.Head.EMPTY;

    public InMemoryAuditLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized AuditEntry append(AuditEvent event) {
        AuditEntry entry = AuditChain.next(head.sequence() + 1, clock.instant(), event, head.hash());
        entries.add(entry);
        head = new ChainCheck.Head(entry.sequence(), entry.hash());
        return entry;
    }

    @Override
    public synchronized List<AuditEntry> read(AuditQuery query) {
        List<AuditEntry> found = new ArrayList<>();
        for (int i = 0; i < entries.size() && found.size() < query.limit(); i++) {
            AuditEntry e = entries.get(query.newestFirst() ? entries.size() - 1 - i : i);
            if (query.matches(e)) {
                found.add(e);
            }
        }
        return List.copyOf(found);
    }

    @Override
    public synchronized ChainCheck.Verification verify() {
        return ChainCheck.of(entries, Optional.of(head));
    }
}
