package dev.orderly.watch;

/**
 * The canary's own gate lanes: beside each gate it walks through (identity, booking) a lane of
 * the same kind named {@code canary-<gate>}, which only the canary of the node may use. Its place
 * there is outside the count of the real line: the real gate's admitted mark never moves for it,
 * so nobody waiting is pushed back by one; what it costs real people is the one booking request a
 * minute it adds downstream (its capacity given back at once by the cancel).
 */
public final class CanaryLanes {

    /** The request header carrying the node's canary secret; a request without it never reaches a lane. */
    public static final String HEADER = "Orderly-Canary";
    private static final String PREFIX = "canary-";

    private CanaryLanes() {
    }

    public static String lane(String gate) {
        return PREFIX + gate;
    }

    public static boolean isLane(String gate) {
        return gate.startsWith(PREFIX);
    }
}
