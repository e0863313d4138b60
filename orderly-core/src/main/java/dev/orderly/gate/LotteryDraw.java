package dev.orderly.gate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The secret a gate's pre-queue is ordered by, drawn when the gate is configured and committed to
 * in public before anyone joins (see {@code docs/lottery.md}).
 *
 * <p>Commitment: lowercase hex of SHA-256 over the 32 secret bytes followed by the UTF-8 bytes of
 * {@code "|" + gate}. Naming the gate keeps one gate's commitment from standing for another's.
 * The pre-queue key is {@link PreQueueOrder#keyFor(byte[], String, long)} of this secret, the gate
 * and its opening time; the rank of pre-queue number {@code n} is that order's {@code rankOf(n)}.
 * So once the secret is revealed anyone holding a number can recompute their rank, and before
 * that nobody (the secret is 256 random bits) can.
 *
 * @param secret      32 random bytes
 * @param committedAt when it was drawn (and its commitment became public)
 */
public record LotteryDraw(byte[] secret, Instant committedAt) {

    public static final int SECRET_BYTES = 32;

    public LotteryDraw {
        Objects.requireNonNull(committedAt, "committedAt");
        if (secret == null || secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("a lottery secret has " + SECRET_BYTES + " bytes");
        }
        secret = secret.clone();
        // Whole milliseconds: every store keeps them exactly, so a draw read back equals the one saved.
        committedAt = committedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** A fresh draw from {@code random} (a {@link SecureRandom} wherever it counts). */
    public static LotteryDraw draw(SecureRandom random, Instant now) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return new LotteryDraw(secret, now);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    public String secretHex() {
        return HexFormat.of().formatHex(secret);
    }

    /** The public commitment to this secret for {@code gate}. */
    public String commitment(String gate) {
        return commitment(secret, gate);
    }

    public static String commitment(byte[] secret, String gate) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(secret);
            sha.update(("|" + gate).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** The order of {@code gate}'s pre-queue of {@code size}, opening at {@code opensAt}. */
    public PreQueueOrder order(String gate, Instant opensAt, long size) {
        return new PreQueueOrder(PreQueueOrder.keyFor(secret, gate, opensAt.toEpochMilli()), size);
    }

    /** Same secret and commitment time: the compare-and-set of a re-draw compares by value. */
    public boolean sameAs(LotteryDraw other) {
        return other != null && Arrays.equals(secret, other.secret) && committedAt.equals(other.committedAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LotteryDraw d && sameAs(d);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(secret) * 31 + committedAt.hashCode();
    }

    @Override
    public String toString() {
        // The secret stays out of logs and assertion messages.
        return "LotteryDraw[committedAt=" + committedAt + "]";
    }
}
