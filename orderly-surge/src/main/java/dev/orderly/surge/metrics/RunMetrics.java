package dev.orderly.surge.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything a replay counts. Not thread-safe by design: the replay runs on one event loop and
 * only that loop touches this object (the progress line and the per-second sample run there too).
 * Latencies are recorded in microseconds, from 1 µs to 5 minutes, 3 significant digits.
 *
 * <p>The walk tells it what happened (the verbs); the report reads the figures through the
 * accessors, which answer read-only views (histograms as copies), so only the walk counts.
 */
public final class RunMetrics {
    private static final long MAX_MICROS = 300_000_000L;
    private static final long MAX_WAIT_MILLIS = 86_400_000L;

    /** What happened to a person in the end. */
    public enum Outcome {
        BOOKED, NOT_ELIGIBLE, ALREADY_BOOKED, NO_PLACE_FOUND, GAVE_UP, BOUNCED, FAILED, UNFINISHED
    }

    /** The kinds of cheating a replay tries. */
    public enum Cheat { CLOCK_SKEW, REPLAY_TICKET, FORGE_TICKET, DIRECT_BOOKING, AIRPLANE }

    /** Figures of one endpoint: latency (µs), answers by status (0: no answer), requests in each second of the run. */
    public static final class EndpointFigures {
        private final Histogram latency = new Histogram(MAX_MICROS, 3);
        private final Map<Integer, Long> statuses = new TreeMap<>();
        private final List<Long> perSecond = new ArrayList<>();
        private long thisSecond;

        public Histogram latency() {
            return latency.copy();
        }

        public Map<Integer, Long> statuses() {
            return Collections.unmodifiableMap(statuses);
        }

        public List<Long> perSecond() {
            return Collections.unmodifiableList(perSecond);
        }
    }

    /** One second of the run. */
    public record Second(int t, long arrivals, long admittedIdentity, long admittedBooking, long booked,
            long waiting, long serverWaiting, long requests, long unexpected, double p50Ms, double p90Ms,
            double p99Ms, double maxMs, double processCpuCores, double loopCpu, double loopLagMs, boolean botsActive) {
    }

    /**
     * The run's counters so far. {@code waiting}: people at the identity gate now;
     * {@code preQueueJoiners}: people whose first identity join was answered in the pre-queue
     * (placed by the shuffle at the opening); the others count events.
     */
    public record Totals(long arrivals, long tabs, long waiting, long admittedIdentity, long verified, long admittedBooking,
            long booked, long unexpected, long placesLostOnReconnect, long reconnects, long rankChanges, long sharedPlaceChecks,
            long sharedPlaceViolations, long preQueueJoiners, long peopleRateLimited, long rateLimitedAnswers,
            long notEligibleRefusedAsExpected, long botRequests, long botRefused) {
    }

    private final Map<Endpoint, EndpointFigures> endpoints = new LinkedHashMap<>();
    /** A person's wait, first join to the first tab admitted, in milliseconds (up to a day). */
    private final Histogram identityWait = new Histogram(MAX_WAIT_MILLIS, 3);
    /** The same on the booking gate: verified to admitted. */
    private final Histogram bookingWait = new Histogram(MAX_WAIT_MILLIS, 3);
    private final Histogram honestGateQuiet = new Histogram(MAX_MICROS, 3);
    private final Histogram honestGateDuringBots = new Histogram(MAX_MICROS, 3);
    private final Histogram secondLatency = new Histogram(MAX_MICROS, 3);
    private final List<Second> seconds = new ArrayList<>();
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    private final Map<Cheat, Long> cheatPeople = new EnumMap<>(Cheat.class);
    private final Map<Cheat, Long> cheatAttempts = new EnumMap<>(Cheat.class);
    private final Map<Cheat, Long> cheatAccepted = new EnumMap<>(Cheat.class);
    private final Map<String, Long> unexpectedByKind = new TreeMap<>();
    // Keyed by the gate's slug, so that the report lists gates in the order it always has (by name).
    private final Map<String, Long> bouncedByGate = new TreeMap<>();
    private final Map<String, List<Fairness.Join>> fairnessJoins = new TreeMap<>();
    private final Map<String, List<Fairness.TimedJoin>> honestJoins = new TreeMap<>();
    private final Map<String, List<Fairness.TimedJoin>> cheaterJoins = new TreeMap<>();

    private long arrivals;
    private long tabs;
    private long waiting;
    private long admittedIdentity;
    private long verified;
    private long admittedBooking;
    private long booked;
    private long unexpected;
    private long placesLostOnReconnect;
    private long reconnects;
    private long rankChanges;
    private long sharedPlaceChecks;
    private long sharedPlaceViolations;
    private long preQueueJoiners;
    private long peopleRateLimited;
    private long rateLimitedAnswers;
    private long notEligibleRefusedAsExpected;
    private long botRequests;
    private long botRefused;

    private long secArrivals;
    private long secAdmittedIdentity;
    private long secAdmittedBooking;
    private long secBooked;
    private long secRequests;
    private long secUnexpected;

    // ---- what happened ----

    /**
     * Records one answer (status 0: no answer, a transport failure) of {@code endpoint};
     * {@code botsBursting} sorts an honest identity-gate request into quiet or during the bots' bursts.
     */
    public void request(Endpoint endpoint, int status, long micros, boolean botsBursting) {
        EndpointFigures e = endpoints.computeIfAbsent(endpoint, k -> new EndpointFigures());
        long clamped = Math.max(1, Math.min(micros, MAX_MICROS));
        e.latency.recordValue(clamped);
        e.statuses.merge(status, 1L, Long::sum);
        e.thisSecond++;
        secRequests++;
        if (endpoint.identityGate()) {
            secondLatency.recordValue(clamped);
            (botsBursting ? honestGateDuringBots : honestGateQuiet).recordValue(clamped);
        } else if (endpoint.honest()) {
            secondLatency.recordValue(clamped);
        }
    }

    /** An answer the walk did not expect (a 5xx, a transport failure, a refusal without reason). */
    public void unexpected(Endpoint endpoint, int status, String problemType) {
        unexpected++;
        secUnexpected++;
        unexpectedByKind.merge(endpoint.key() + " " + (status == 0 ? "no answer" : status)
                + (problemType == null ? "" : " " + problemType), 1L, Long::sum);
    }

    public void arrived(int tabCount) {
        arrivals++;
        secArrivals++;
        tabs += tabCount;
        waiting++;
    }

    public void cheaterArrived(Cheat cheat) {
        cheatPeople.merge(cheat, 1L, Long::sum);
    }

    public void admittedIdentity(long waitedMillis) {
        identityWait.recordValue(Math.max(0, Math.min(waitedMillis, MAX_WAIT_MILLIS)));
        admittedIdentity++;
        secAdmittedIdentity++;
        waiting--;
    }

    public void verified() {
        verified++;
    }

    public void admittedBooking(long waitedMillis) {
        bookingWait.recordValue(Math.max(0, Math.min(waitedMillis, MAX_WAIT_MILLIS)));
        admittedBooking++;
        secAdmittedBooking++;
    }

    public void booked() {
        booked++;
        secBooked++;
    }

    public void outcome(Outcome o) {
        outcome(o, 1);
    }

    public void outcome(Outcome o, long people) {
        outcomes.merge(o, people, Long::sum);
    }

    public void leftWhileWaiting() {
        waiting--;
    }

    /** Someone not in the open cohort was refused at identity, as they should be. */
    public void notEligibleRefused() {
        notEligibleRefusedAsExpected++;
    }

    public void bounced(Gate gate) {
        bouncedByGate.merge(gate.slug(), 1L, Long::sum);
    }

    public void cheatAttempt(Cheat c, boolean accepted) {
        cheatAttempts.merge(c, 1L, Long::sum);
        if (accepted) {
            cheatAccepted.merge(c, 1L, Long::sum);
        }
    }

    /** A new place in line answered by a join sent at {@code sentAt} and answered at {@code answeredAt} (nanoseconds). */
    public void joined(Gate gate, long sentAt, long answeredAt, long rank, boolean cheater) {
        fairnessJoins.computeIfAbsent(gate.slug(), g -> new ArrayList<>()).add(new Fairness.Join(sentAt, rank));
        (cheater ? cheaterJoins : honestJoins).computeIfAbsent(gate.slug(), g -> new ArrayList<>())
                .add(new Fairness.TimedJoin(sentAt, answeredAt, rank));
    }

    public void joinedPreQueue() {
        preQueueJoiners++;
    }

    public void rankChanged() {
        rankChanges++;
    }

    public void reconnected() {
        reconnects++;
    }

    public void placeLostOnReconnect() {
        placesLostOnReconnect++;
    }

    /** The tabs of one verified person were checked for sharing one place on the booking gate. */
    public void sharedPlaceChecked(boolean shared) {
        sharedPlaceChecks++;
        if (!shared) {
            sharedPlaceViolations++;
        }
    }

    /** An answer 429 to a person's join. */
    public void rateLimitedAnswer() {
        rateLimitedAnswers++;
    }

    /** A person's first 429 (each person counts once). */
    public void personRateLimited() {
        peopleRateLimited++;
    }

    public void botJoinSent() {
        botRequests++;
    }

    public void botJoinRefused() {
        botRefused++;
    }

    /** Closes the current second. */
    public void second(int t, long serverWaiting, double processCpuCores, double loopCpu, double loopLagMs, boolean botsActive) {
        for (EndpointFigures e : endpoints.values()) {
            while (e.perSecond.size() < t) {
                e.perSecond.add(0L);
            }
            e.perSecond.add(e.thisSecond);
            e.thisSecond = 0;
        }
        boolean any = secondLatency.getTotalCount() > 0;
        seconds.add(new Second(t, secArrivals, secAdmittedIdentity, secAdmittedBooking, secBooked, waiting, serverWaiting,
                secRequests, secUnexpected,
                any ? secondLatency.getValueAtPercentile(50) / 1000.0 : 0,
                any ? secondLatency.getValueAtPercentile(90) / 1000.0 : 0,
                any ? secondLatency.getValueAtPercentile(99) / 1000.0 : 0,
                any ? secondLatency.getMaxValue() / 1000.0 : 0,
                processCpuCores, loopCpu, loopLagMs, botsActive));
        secondLatency.reset();
        secArrivals = 0;
        secAdmittedIdentity = 0;
        secAdmittedBooking = 0;
        secBooked = 0;
        secRequests = 0;
        secUnexpected = 0;
    }

    // ---- the figures ----

    public Totals totals() {
        return new Totals(arrivals, tabs, waiting, admittedIdentity, verified, admittedBooking, booked, unexpected,
                placesLostOnReconnect, reconnects, rankChanges, sharedPlaceChecks, sharedPlaceViolations, preQueueJoiners,
                peopleRateLimited, rateLimitedAnswers, notEligibleRefusedAsExpected, botRequests, botRefused);
    }

    /** Per endpoint, in the order each was first requested. */
    public Map<Endpoint, EndpointFigures> endpoints() {
        return Collections.unmodifiableMap(endpoints);
    }

    /** A person's wait at the identity gate, first join to the first tab admitted, in milliseconds (up to a day). */
    public Histogram identityWait() {
        return identityWait.copy();
    }

    /** A person's wait at the booking gate, verified to admitted, in milliseconds. */
    public Histogram bookingWait() {
        return bookingWait.copy();
    }

    /** Honest identity-gate requests' latency (µs) while the bots were quiet. */
    public Histogram honestGateQuiet() {
        return honestGateQuiet.copy();
    }

    /** Honest identity-gate requests' latency (µs) during the bots' bursts. */
    public Histogram honestGateDuringBots() {
        return honestGateDuringBots.copy();
    }

    public List<Second> seconds() {
        return Collections.unmodifiableList(seconds);
    }

    public Map<Outcome, Long> outcomes() {
        return Collections.unmodifiableMap(outcomes);
    }

    public Map<Cheat, Long> cheatPeople() {
        return Collections.unmodifiableMap(cheatPeople);
    }

    public Map<Cheat, Long> cheatAttempts() {
        return Collections.unmodifiableMap(cheatAttempts);
    }

    public Map<Cheat, Long> cheatAccepted() {
        return Collections.unmodifiableMap(cheatAccepted);
    }

    /** Unexpected answers by {@code "endpoint status problem"}. */
    public Map<String, Long> unexpectedByKind() {
        return Collections.unmodifiableMap(unexpectedByKind);
    }

    /** People bounced, by gate slug. */
    public Map<String, Long> bouncedByGate() {
        return Collections.unmodifiableMap(bouncedByGate);
    }

    public long bounced() {
        return bouncedByGate.values().stream().mapToLong(Long::longValue).sum();
    }

    /** New places after the pre-queue, by gate slug, for Kendall's tau. */
    public Map<String, List<Fairness.Join>> fairnessJoins() {
        return Collections.unmodifiableMap(fairnessJoins);
    }

    /** Cheaters placed ahead of an honest join answered before they sent theirs, every gate. */
    public long cheatersPlacedAhead() {
        long ahead = 0;
        for (var e : cheaterJoins.entrySet()) {
            ahead += Fairness.aheadOfEarlierHonest(honestJoins.getOrDefault(e.getKey(), List.of()), e.getValue());
        }
        return ahead;
    }

    public long cheatsAccepted() {
        return cheatAccepted.values().stream().mapToLong(Long::longValue).sum();
    }
}
