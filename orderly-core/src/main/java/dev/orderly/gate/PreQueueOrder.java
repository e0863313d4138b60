package dev.orderly.gate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The random order of a pre-queue, drawn at opening without storing it: a keyed pseudo-random
 * permutation of {@code 1..size}. Everyone who joined before opening holds a pre-queue number; at
 * opening their rank is {@code rankOf(number)}. Arriving at 19:59:59 is thus no better than 19:30.
 *
 * <p>Construction: a four-round balanced Feistel network over the smallest even number of bits
 * that covers {@code size}, but at least 8, with HMAC-SHA256 as round function, and cycle-walking
 * to stay inside {@code 0..size-1} (fewer than four steps expected once the domain is above the
 * minimum, as it is then under 4 × size). The minimum matters: four rounds over 4 or 6 bits are
 * far from uniform once cycle-walked (over 10,000 keys, chi-square of numbers × ranks was 407 for
 * a pre-queue of 5 and 455 for 17, against critical values of 39 and 332 at p = 0.001); over 8
 * bits they pass. Without the key the order cannot be predicted, and the key is derived from the
 * server's secret, the gate and its opening time, so every node computes the same order and
 * nobody else can.
 */
public final class PreQueueOrder {

    private static final int ROUNDS = 4;
    /** Smallest domain, in bits: 2^8 = 256 values, so a pre-queue of 1 walks 256 steps at most. */
    private static final int MIN_BITS = 8;
    /** Halves up to this many bits (pre-queues up to 65,536) have their round functions tabulated. */
    private static final int TABLE_BITS = 8;

    private final byte[] key;
    private final long size;
    private final int halfBits;
    private final long halfMask;
    private final ThreadLocal<Mac> mac;
    /** round → value → round function, for narrow halves (at most 4 × 256 HMACs up front); else null. */
    private final long[][] table;

    /**
     * @param key  secret key, at least 16 bytes
     * @param size how many joined the pre-queue (ranks 1..size); 0 for none
     */
    public PreQueueOrder(byte[] key, long size) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the pre-queue key must have at least 16 bytes, has " + key.length);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        this.key = key.clone();
        this.size = size;
        int bits = Math.max(MIN_BITS, 64 - Long.numberOfLeadingZeros(Math.max(1, size - 1)));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(this.key, "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks HmacSHA256", e);
            }
        });
        // With the minimum domain, a small pre-queue walks up to 256 steps per rank: look the
        // round functions up instead of computing four HMACs per step.
        this.table = halfBits <= TABLE_BITS ? tabulate() : null;
    }

    private long[][] tabulate() {
        long[][] t = new long[ROUNDS][1 << halfBits];
        for (int round = 0; round < ROUNDS; round++) {
            for (int value = 0; value < t[round].length; value++) {
                t[round][value] = hmac(round, value);
            }
        }
        return t;
    }

    /** The key for {@code gate} opening at {@code opensAtMillis}, derived from {@code secret}. */
    public static byte[] keyFor(byte[] secret, String gate, long opensAtMillis) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return m.doFinal(("pre-queue|" + gate + "|" + opensAtMillis).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    public long size() {
        return size;
    }

    /** The rank (1..size) at opening of the person who joined the pre-queue as {@code number} (1..size). */
    public long rankOf(long number) {
        if (number < 1 || number > size) {
            throw new IllegalArgumentException("pre-queue number " + number + " is outside 1.." + size);
        }
        long x = number - 1;
        do {
            x = encrypt(x);
        } while (x >= size);
        return x + 1;
    }

    /** The pre-queue number (1..size) drawn to {@code rank} (1..size): the inverse of {@link #rankOf}. */
    public long numberAt(long rank) {
        if (rank < 1 || rank > size) {
            throw new IllegalArgumentException("pre-queue rank " + rank + " is outside 1.." + size);
        }
        long x = rank - 1;
        do {
            x = decrypt(x);
        } while (x >= size);
        return x + 1;
    }

    private long decrypt(long y) {
        long left = (y >>> halfBits) & halfMask;
        long right = y & halfMask;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            long previous = right ^ (round(round, left) & halfMask);
            right = left;
            left = previous;
        }
        return (left << halfBits) | right;
    }

    private long encrypt(long x) {
        long left = (x >>> halfBits) & halfMask;
        long right = x & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ (round(round, right) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private long round(int round, long value) {
        return table != null ? table[round][(int) value] : hmac(round, value);
    }

    private long hmac(int round, long value) {
        Mac m = mac.get();
        byte[] out = m.doFinal(ByteBuffer.allocate(9).put((byte) round).putLong(value).array());
        return ByteBuffer.wrap(out).getLong();
    }
}
