package dev.orderly.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one gate behaves.
 *
 * @param name           the gate's name in URLs and tickets: 1-32 of a-z 0-9 -
 * @param opensAt        no one is admitted before this instant (server clock)
 * @param admitPerSecond people admitted per second once open; must be positive
 * @param passLifetime   how long a pass stays valid after its holder was admitted
 */
public record GateConfig(String name, Instant opensAt, double admitPerSecond, Duration passLifetime) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    public GateConfig {
        Objects.requireNonNull(opensAt, "opensAt");
        Objects.requireNonNull(passLifetime, "passLifetime");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("gate name '" + name + "' must be 1-32 of a-z 0-9 -");
        }
        if (!(admitPerSecond > 0) || Double.isInfinite(admitPerSecond)) {
            throw new IllegalArgumentException("gate '" + name + "': admitPerSecond must be a positive number, was " + admitPerSecond);
        }
        if (passLifetime.isNegative() || passLifetime.isZero()) {
            throw new IllegalArgumentException("gate '" + name + "': passLifetime must be positive, was " + passLifetime);
        }
    }
}
