package dev.orderly.clinic;

import java.time.Instant;
import java.util.Objects;

/** When something happened at a clinic desk and which member of staff (login) recorded it. */
public record Stamp(Instant at, String by) {
    public Stamp {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
    }
}
