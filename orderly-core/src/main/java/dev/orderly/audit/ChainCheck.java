package dev.orderly.audit;

import java.util.Optional;

/**
 * Walks an audit log in sequence order, one entry at a time (so a log of any length is checked in
 * pages), and names the first entry that breaks the chain: a gap or an entry out of place (one
 * removed, moved or inserted), an entry whose link is not its predecessor's hash, or one whose hash
 * does not match its own fields (edited). At the end the walk is set against the log's recorded
 * head, when the store keeps one: entries cut off the end leave every remaining link intact, and
 * only the head tells.
 */
public final class ChainCheck {

    /** Where the log ends, as its store recorded it at the last append. */
    public record Head(long sequence, String hash) {
        public static final Head EMPTY = new Head(0, AuditChain.GENESIS);
    }

    /** The first entry that breaks the chain, and how. */
    public record Broken(long sequence, String reason) {
    }

    /** The outcome of a check: how many entries were read and, when it is not intact, the first break. */
    public record Verification(long entries, Head last, Optional<Broken> firstBroken) {

        public boolean ok() {
            return firstBroken.isEmpty();
        }
    }

    private long entries;
    private Head last = Head.EMPTY;
    private Broken broken;

    /** Checks the next entry; false once the chain is broken (the rest need not be read). */
    public boolean accept(AuditEntry entry) {
        if (broken != null) {
            return false;
        }
        long expected = last.sequence() + 1;
        if (entry.sequence() != expected) {
            broken = new Broken(expected, "expected entry " + expected + " but found entry " + entry.sequence()
                    + " there: entry " + expected + " was removed, moved or replaced");
        } else if (!entry.previousHash().equals(last.hash())) {
            broken = new Broken(expected, "entry " + expected + " does not link to "
                    + (expected == 1 ? "the start of the log" : "entry " + (expected - 1))
                    + ": its previous hash is not that entry's hash (that entry was rewritten, or this one inserted)");
        } else if (!AuditChain.sealed(entry)) {
            broken = new Broken(expected, "entry " + expected + " does not match its own hash: it was edited after it was written, or forged");
        } else {
            entries++;
            last = new Head(entry.sequence(), entry.hash());
            return true;
        }
        return false;
    }

    /** The outcome, checked against the store's recorded head when there is one. */
    public Verification finish(Optional<Head> recorded) {
        if (broken == null && recorded.isPresent() && !recorded.get().equals(last)) {
            Head head = recorded.get();
            if (head.sequence() > last.sequence()) {
                broken = new Broken(last.sequence() + 1, "the log ends at entry " + last.sequence() + " but its head records entry "
                        + head.sequence() + ": entries " + (last.sequence() + 1) + " to " + head.sequence() + " were removed");
            } else if (head.sequence() < last.sequence()) {
                broken = new Broken(head.sequence() + 1, "the log goes on past its recorded head (entry " + head.sequence()
                        + "): entries from " + (head.sequence() + 1) + " were added behind the log's back");
            } else {
                broken = new Broken(last.sequence(), "the head records another hash for entry " + last.sequence()
                        + ": the entry or the head was rewritten");
            }
        }
        return new Verification(entries, last, Optional.ofNullable(broken));
    }

    /** Checks a whole log held in memory. */
    public static Verification of(Iterable<AuditEntry> entries, Optional<Head> recorded) {
        ChainCheck check = new ChainCheck();
        for (AuditEntry e : entries) {
            if (!check.accept(e)) {
                break;
            }
        }
        return check.finish(recorded);
    }
}
