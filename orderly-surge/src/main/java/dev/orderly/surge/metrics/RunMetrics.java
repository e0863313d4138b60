package dev.orderly.surge.metrics;

import java.util.ArrayList;
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

    /** Figures of one endpoint. */
    public static final class Endpoint {
        public final Histogram latency = new Histogram(MAX_MICROS, 3);
        public final Map<Integer, Long> statuses = new TreeMap<>();
        public final List<Long> perSecond = new ArrayList<>();
        long thisSecond;
    }

    /** One second of the run. */
    public record Second(int t, long arrivals, long admittedIdentity, long admittedBooking, long booked,
            long waiting, long serverWaiting, long requests, long unexpected, double p50Ms, double p90Ms,
            double p99Ms, double maxMs, double processCpuCores, double loopCpu, double loopLagMs, boolean botsActive) {
    }

    public final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    /** A person's wait, first join to the first tab admitted, in milliseconds (up to a day). */
    public final Histogram identityWait = new Histogram(MAX_WAIT_MILLIS, 3);
    /** The same on the booking gate: verified to admitted. */
    public final Histogram bookingWait = new Histogram(MAX_WAIT_MILLIS, 3);
    public final Histogram honestGateQuiet = new Histogram(MAX_MICROS, 3);
    public final Histogram honestGateDuringBots = new Histogram(MAX_MICROS, 3);
    private final Histogram secondLatency = new Histogram(MAX_MICROS, 3);
    public final List<Second> seconds = new ArrayList<>();
    public final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    public final Map<Cheat, Long> cheatPeople = new EnumMap<>(Cheat.class);
    public final Map<Cheat, Long> cheatAttempts = new EnumMap<>(Cheat.class);
    public final Map<Cheat, Long> cheatAccepted = new EnumMap<>(Cheat.class);
    public final Map<String, Long> unexpectedByKind = new TreeMap<>();
    public final Map<String, Long> bouncedByGate = new TreeMap<>();
    public final Map<String, List<Fairness.Join>> fairnessJoins = new TreeMap<>();
    public final Map<String, List<Fairness.TimedJoin>> honestJoins = new TreeMap<>();
    public final Map<String, List<Fairness.TimedJoin>> cheaterJoins = new TreeMap<>();

    public long arrivals;
    public long tabs;
    public long waiting;
    public long admittedIdentity;
    public long verified;
    public long admittedBooking;
    public long booked;
    public long unexpected;
    public long placesLostOnReconnect;
    public long reconnects;
    public long rankChanges;
    public long sharedPlaceChecks;
    public long sharedPlaceViolations;
    /** People whose first identity join was answered in the pre-queue (placed by the shuffle at the opening). */
    public long preQueueJoiners;
    public long peopleRateLimited;
    public long rateLimitedAnswers;
    public long notEligibleRefusedAsExpected;
    public long botRequests;
    public long botRefused;

    private long secArrivals;
    private long secAdmittedIdentity;
    private long secAdmittedBooking;
    private long secBooked;
    private long secRequests;
    private long secUnexpected;

    /** Records one answer (status 0: no answer, a transport failure) of {@code endpoint}. */
    public void request(String endpoint, int status, long micros, Boolean gateWhileBots) {
        Endpoint e = endpoints.computeIfAbsent(endpoint, k -> new Endpoint());
        long clamped = Math.max(1, Math.min(micros, MAX_MICROS));
        e.latency.recordValue(clamped);
        e.statuses.merge(status, 1L, Long::sum);
        e.thisSecond++;
        secRequests++;
        if (gateWhileBots != null) {
            secondLatency.recordValue(clamped);
            (gateWhileBots ? honestGateDuringBots : honestGateQuiet).recordValue(clamped);
        } else if (!endpoint.startsWith("bot") && !endpoint.startsWith("cheat")) {
            secondLatency.recordValue(clamped);
        }
    }

    /** An answer the walk did not expect (a 5xx, a transport failure, a refusal without reason). */
    public void unexpected(String endpoint, int status, String problemType) {
        unexpected++;
        secUnexpected++;
        unexpectedByKind.merge(endpoint + " " + (status == 0 ? "no answer" : status)
                + (problemType == null ? "" : " " + problemType), 1L, Long::sum);
    }

    public void arrived(int tabCount) {
        arrivals++;
        secArrivals++;
        tabs += tabCount;
        waiting++;
    }

    public void admittedIdentity(long waitedMillis) {
        identityWait.recordValue(Math.max(0, Math.min(waitedMillis, MAX_WAIT_MILLIS)));
        admittedIdentity++;
        secAdmittedIdentity++;
        waiting--;
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
        outcomes.merge(o, 1L, Long::sum);
    }

    public void leftWhileWaiting() {
        waiting--;
    }

    public void bounced(String gate) {
        bouncedByGate.merge(gate, 1L, Long::sum);
    }

    public long bounced() {
        return bouncedByGate.values().stream().mapToLong(Long::longValue).sum();
    }

    public void cheatAttempt(Cheat c, boolean accepted) {
        cheatAttempts.merge(c, 1L, Long::sum);
        if (accepted) {
            cheatAccepted.merge(c, 1L, Long::sum);
        }
    }

    /** A new place in line answered by a join sent at {@code sentAt} and answered at {@code answeredAt} (nanoseconds). */
    public void joined(String gate, long sentAt, long answeredAt, long rank, boolean cheater) {
        fairnessJoins.computeIfAbsent(gate, g -> new ArrayList<>()).add(new Fairness.Join(sentAt, rank));
        (cheater ? cheaterJoins : honestJoins).computeIfAbsent(gate, g -> new ArrayList<>())
                .add(new Fairness.TimedJoin(sentAt, answeredAt, rank));
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

    /** Closes the current second. */
    public void second(int t, long serverWaiting, double processCpuCores, double loopCpu, double loopLagMs, boolean botsActive) {
        for (Endpoint e : endpoints.values()) {
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
}
