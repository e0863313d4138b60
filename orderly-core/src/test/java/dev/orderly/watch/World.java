package dev.orderly.watch;

import dev.orderly.gate.GatePhase;
import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment seen by the watchdog every {@link #TICK}, driven by the test: healthy traffic by
 * default (bookings, answers, checks, an identity and a booking gate admitting), each part
 * breakable on its own.
 */
final class World {

    static final Duration TICK = Duration.ofSeconds(5);

    final MutableClock clock = MutableClock.at("2021-07-26T11:00:00Z");
    final Map<String, Double> counts = new HashMap<>();
    final Map<String, Double> providerMs = new HashMap<>();
    final Map<String, Duration> skew = new HashMap<>(Map.of("node-a", Duration.ofMillis(20)));
    final Map<String, Integer> canary = new HashMap<>(Map.of("node-a", 0));
    GatePhase bookingPhase = GatePhase.OPEN;
    Instant expectedBack;
    long bookingAdmitted;
    long identityAdmitted;
    long waiting = 40;
    long backlog = 3;
    double bookingRate = 2;

    boolean bookingsSucceed = true;
    boolean bookingGateMoves = true;
    double errorsPerTick = 0;
    double unavailablePerTick = 0;
    double verifiedShare = 0.9;
    double providerMeanMs = 150;
    long backlogGrowthPerTick = 0;

    /** Advances one tick of traffic and answers the figures at its end. */
    Figures tick() {
        clock.advance(TICK);
        if (bookingPhase == GatePhase.OPEN && bookingGateMoves) {
            bookingAdmitted += 10;
        }
        identityAdmitted += 10;
        add(Figures.ATTEMPTS, 10);
        if (bookingsSucceed) {
            add(Figures.BOOKED, 9);
            add(Figures.REFUSED + "DayFull", 1);
        } else {
            add(Figures.REFUSED + "NotEligible", 10);
        }
        add(Figures.HTTP, 200);
        add(Figures.HTTP_5XX, errorsPerTick + unavailablePerTick);
        add(Figures.HTTP_503, unavailablePerTick);
        add(Figures.CHECKS, 20);
        add(Figures.VERIFIED, 20 * verifiedShare);
        add(Figures.PROVIDER_CALLS + "identity", 20);
        providerMs.merge("identity", 20 * providerMeanMs, Double::sum);
        backlog = backlogGrowthPerTick > 0 ? backlog + backlogGrowthPerTick : (backlog == 3 ? 5 : 3);
        List<Figures.GateReading> gates = new ArrayList<>();
        gates.add(new Figures.GateReading("identity", GatePhase.OPEN, waiting, identityAdmitted, null, 2));
        gates.add(new Figures.GateReading("booking", bookingPhase, waiting, bookingAdmitted, expectedBack, bookingRate));
        return new Figures(clock.instant(), counts, gates, providerMs, backlog, skew, canary);
    }

    private void add(String key, double n) {
        counts.merge(key, n, Double::sum);
    }
}
