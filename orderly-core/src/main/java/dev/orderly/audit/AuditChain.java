package dev.orderly.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash chain over the audit log, as pure functions. An entry's hash is SHA-256 over the
 * previous entry's hash and a canonical encoding of the entry's own fields, so changing, removing,
 * inserting or reordering any entry breaks the link of the entry itself or of the one after it.
 *
 * <p>The encoding is unambiguous: a version byte, then each field in a fixed order, each text
 * field as a presence byte (0 for null, 1 for a value) followed by its UTF-8 length in four bytes
 * and the bytes; numbers have fixed widths. No field can bleed into its neighbour ("ab" + "c" and
 * "a" + "bc" encode differently), and null is not the empty text.
 */
public final class AuditChain {

    /** The "previous hash" of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private static final byte VERSION = 1;

    private AuditChain() {
    }

    /**
     * The entry that follows {@code previousHash} at {@code sequence}. Its time is cut to whole
     * microseconds, the precision PostgreSQL keeps, so an entry read back hashes as it was written.
     */
    public static AuditEntry next(long sequence, Instant at, AuditEvent event, String previousHash) {
        if (sequence < 1) {
            throw new IllegalArgumentException("audit sequence numbers count from 1, not " + sequence);
        }
        Instant kept = at.truncatedTo(ChronoUnit.MICROS);
        return new AuditEntry(sequence, kept, event, previousHash, hash(previousHash, sequence, kept, event));
    }

    /** The hash an entry with these fields must carry: lower-case hex SHA-256. */
    public static String hash(String previousHash, long sequence, Instant at, AuditEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(VERSION);
        text(out, previousHash);
        out.writeBytes(ByteBuffer.allocate(Long.BYTES * 2 + Integer.BYTES)
                .putLong(sequence).putLong(at.getEpochSecond()).putInt(at.getNano()).array());
        text(out, e.actor());
        text(out, e.role());
        text(out, e.action());
        text(out, e.target());
        text(out, e.before());
        text(out, e.after());
        text(out, e.address());
        return HexFormat.of().formatHex(sha256().digest(out.toByteArray()));
    }

    /** Whether {@code entry} carries the hash its own fields and link give. */
    public static boolean sealed(AuditEntry entry) {
        return hash(entry.previousHash(), entry.sequence(), entry.at(), entry.event()).equals(entry.hash());
    }

    private static void text(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
