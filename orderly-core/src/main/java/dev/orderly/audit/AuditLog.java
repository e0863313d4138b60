package dev.orderly.audit;

import java.util.List;
import java.util.function.Consumer;

/**
 * Port: the append-only log of what staff and machine tokens changed. Shared by every node
 * (PostgreSQL in a deployment). Entries are never changed or removed; each one is chained to the
 * one before by {@link AuditChain}, so {@link #verify} finds any that were.
 */
public interface AuditLog {

    /**
     * Appends {@code event} as the next entry, timed by the log's clock and chained to the entry
     * before; appends from many threads or nodes at once each get their own place in one chain.
     */
    AuditEntry append(AuditEvent event);

    /** The entries {@code query} asks for, in its order. */
    List<AuditEntry> read(AuditQuery query);

    /**
     * Hands every entry {@code query} selects to {@code each}, oldest first, reading
     * {@link AuditQuery#MAX_LIMIT} at a time (the query's own limit and order are not used); answers how many.
     */
    default long readAll(AuditQuery query, Consumer<AuditEntry> each) {
        AuditQuery page = query.limit(AuditQuery.MAX_LIMIT).oldestFirst();
        long count = 0;
        while (true) {
            List<AuditEntry> entries = read(page);
            entries.forEach(each);
            count += entries.size();
            if (entries.size() < page.limit()) {
                return count;
            }
            page = page.after(entries.getLast().sequence());
        }
    }

    /** Walks the whole log and its recorded head; names the first entry that breaks the chain. */
    ChainCheck.Verification verify();
}
