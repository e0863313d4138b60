package dev.orderly.watch;

import dev.orderly.gate.GatePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the watchdog sees of the whole deployment at one instant. Counters are totals since the
 * watcher began (never reset, so a rule reads "how many in the last minute" as a difference of
 * two readings); the rest are levels at {@code at}.
 *
 * @param at            when the figures were read (the watcher's clock)
 * @param counts        running totals by key, e.g. {@link #BOOKED}, {@code refused|NotEligible}, {@link #HTTP}
 * @param gates         every gate as its store has it
 * @param providerMs    per identity provider, the total milliseconds of its calls (a running total too)
 * @param outboxBacklog messages not yet sent; -1 when it could not be read
 * @param clockSkew     per node, its clock minus the database's
 * @param canaryFailuresInARow per node running a canary, how many of its last walks failed in a row
 */
public record Figures(Instant at, Map<String, Double> counts, List<GateReading> gates, Map<String, Double> providerMs,
                      long outboxBacklog, Map<String, Duration> clockSkew, Map<String, Integer> canaryFailuresInARow) {

    /** Bookings made. */
    public static final String BOOKED = "booked";
    /** Booking requests answered, of every outcome. */
    public static final String ATTEMPTS = "booking.attempts";
    /** Prefix of booking refusals by reason, e.g. {@code refused|NotEligible}. */
    public static final String REFUSED = "refused|";
    /** Every HTTP answer. */
    public static final String HTTP = "http";
    /** HTTP answers with a 5xx status. */
    public static final String HTTP_5XX = "http|5xx";
    /** HTTP answers 503 (a subset of {@link #HTTP_5XX}). */
    public static final String HTTP_503 = "http|503";
    /** Identity checks (codes entered, certificates presented) of every outcome. */
    public static final String CHECKS = "checks";
    /** Identity checks that verified the person. */
    public static final String VERIFIED = "verified";
    /** Prefix of provider call counts, e.g. {@code provider.calls|identity}. */
    public static final String PROVIDER_CALLS = "provider.calls|";

    public Figures {
        Objects.requireNonNull(at, "at");
        counts = Map.copyOf(counts);
        gates = List.copyOf(gates);
        providerMs = Map.copyOf(providerMs);
        clockSkew = Map.copyOf(clockSkew);
        canaryFailuresInARow = Map.copyOf(canaryFailuresInARow);
    }

    public double count(String key) {
        return counts.getOrDefault(key, 0.0);
    }

    public Optional<GateReading> gate(String name) {
        return gates.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /**
     * One gate at one instant.
     *
     * @param admitted     the admitted mark (everyone up to it admitted)
     * @param expectedBack when its operator said a paused gate resumes; null when not said
     * @param setPerSecond the admission rate its operator set (people per second)
     */
    public record GateReading(String name, GatePhase phase, long waiting, long admitted, Instant expectedBack, double setPerSecond) {
    }
}
