package dev.orderly.booking;

import java.util.random.RandomGenerator;

/** Booking references: {@code OR-} and eight characters that cannot be misread (no 0/O, 1/I/L). */
public final class BookingReferences {

    private static final char[] ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ".toCharArray();

    private final RandomGenerator random;

    public BookingReferences(RandomGenerator random) {
        this.random = random;
    }

    public String next() {
        char[] chars = new char[8];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return "OR-" + new String(chars);
    }
}
