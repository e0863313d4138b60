package dev.orderly.surge.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An opening night to replay or simulate, as read by {@link ScenarioParser}. Every part is
 * immutable; the defaults (see {@link #defaults()} and {@code docs/surge.md}) describe the 2021
 * night at scale 1.
 *
 * <p>Counts are given at scale 1 and multiplied by {@link #scale()} where they are used
 * ({@link #scaled(long)}); durations are never scaled, so a scaled-down night keeps its shape in
 * time (the same spike, the same half-life) with proportionally fewer people and lower rates.
 *
 * @param name      what the scenario is called in reports
 * @param scale     multiplier of every count and rate of people (not of durations, not of a bot's
 *                  own rate); &gt; 0, default 1
 * @param duration  how long a run lasts from its start (the start of the pre-queue); people still
 *                  walking then are reported as unfinished; default 45 min
 * @param population who comes
 * @param arrivals   when they come
 * @param behaviour  how they wait, refresh, give up and book
 * @param cheaters   who tries to jump the line, and how
 * @param bots       scripted clients, one address each, at a high rate
 * @param gates      gate settings applied through the operator API when a token is given
 * @param capacity   what the deployment can do, for the simulator (the replay measures it instead)
 */
public record Scenario(
        String name,
        double scale,
        Duration duration,
        Population population,
        Arrivals arrivals,
        Behaviour behaviour,
        Cheaters cheaters,
        Bots bots,
        Gates gates,
        Capacity capacity) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(population, "population");
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(behaviour, "behaviour");
        Objects.requireNonNull(cheaters, "cheaters");
        Objects.requireNonNull(bots, "bots");
        Objects.requireNonNull(gates, "gates");
        Objects.requireNonNull(capacity, "capacity");
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
    }

    /** The 2021 night at scale 1: what an empty scenario file means. */
    public static Scenario defaults() {
        return new Scenario("seed-night", 1.0, Duration.ofMinutes(45),
                Population.DEFAULT, Arrivals.DEFAULT, Behaviour.DEFAULT, Cheaters.DEFAULT,
                Bots.DEFAULT, Gates.DEFAULT, Capacity.DEFAULT);
    }

    /** This scenario with another scale (the CLI's {@code --scale}). */
    public Scenario withScale(double newScale) {
        return new Scenario(name, newScale, duration, population, arrivals, behaviour, cheaters,
                bots, gates, capacity);
    }

    /** This scenario with another run length (the CLI's {@code --duration}). */
    public Scenario withDuration(Duration newDuration) {
        return new Scenario(name, scale, newDuration, population, arrivals, behaviour, cheaters,
                bots, gates, capacity);
    }

    /** A count at scale 1 scaled by {@link #scale()}, rounded; a positive count never becomes 0. */
    public long scaled(long countAtScaleOne) {
        if (countAtScaleOne <= 0) {
            return 0;
        }
        return Math.max(1, Math.round(countAtScaleOne * scale));
    }

    /** A rate at scale 1 scaled by {@link #scale()}; a positive rate never becomes less than 1/s. */
    public double scaledRate(double rateAtScaleOne) {
        if (rateAtScaleOne <= 0) {
            return 0;
        }
        return Math.max(1.0, rateAtScaleOne * scale);
    }

    /** People who try: the eligible ones plus those who are not eligible and try anyway. */
    public long peopleAtScaleOne() {
        return Math.round(population.eligible() / (1.0 - population.notEligibleShare()));
    }

    /**
     * Who comes.
     *
     * @param eligible          people of the open cohort who come to book (scale 1); default 1,500,000
     * @param notEligibleShare  share of everyone who comes that is not eligible and tries anyway,
     *                          in [0, 1); default 0.25 (2,000,000 people in all)
     * @param tabs              how many tabs or devices a person opens; shares sum to 1;
     *                          default 1: 0.35, 2: 0.25, 4: 0.25, 8: 0.15 (3.05 a person, ~6.1M
     *                          waiting)
     * @param otherDeviceShare  share of a person's extra tabs that are another device (own
     *                          browser, own browser-id cookie) rather than a tab of the same
     *                          browser, in [0, 1]; default 0.3
     */
    public record Population(long eligible, double notEligibleShare, List<TabShare> tabs,
            double otherDeviceShare) {
        public static final Population DEFAULT = new Population(1_500_000, 0.25,
                List.of(new TabShare(1, 0.35), new TabShare(2, 0.25), new TabShare(4, 0.25),
                        new TabShare(8, 0.15)),
                0.3);

        public Population {
            tabs = List.copyOf(tabs);
        }

        /** Mean tabs (or devices) a person opens. */
        public double meanTabs() {
            return tabs.stream().mapToDouble(t -> t.tabs() * t.share()).sum();
        }
    }

    /** A share of people who open {@code tabs} tabs or devices. */
    public record TabShare(int tabs, double share) {
    }

    /**
     * When people come. The run starts {@code preQueue} before the opening; a share
     * {@code beforeOpening} of the people arrive uniformly during the pre-queue (the server
     * shuffles them at the opening), the rest in a spike at the opening decaying exponentially
     * with {@code halfLife}, cut off at {@code window} after the opening.
     *
     * @param preQueue       how long before the opening the gates accept joins; default 10 min
     * @param beforeOpening  share of people arriving during the pre-queue, in [0, 1]; default 0.3
     * @param halfLife       half-life of the arrival rate after the opening; default 90 s
     * @param window         no one arrives later than this after the opening; default 20 min
     */
    public record Arrivals(Duration preQueue, double beforeOpening, Duration halfLife,
            Duration window) {
        public static final Arrivals DEFAULT = new Arrivals(Duration.ofMinutes(10), 0.3,
                Duration.ofSeconds(90), Duration.ofMinutes(20));
    }

    /**
     * How people behave while they wait and book.
     *
     * @param thinkTime        mean time a person takes at each step (reading, typing the code);
     *                         drawn exponentially around it; default 3 s
     * @param refreshers       people who reload the waiting page again and again
     * @param giveUp           people who leave when the wait is too long
     * @param bookingAttempts  clinic-days a person tries when the chosen one is full; default 5
     */
    public record Behaviour(Duration thinkTime, Refreshers refreshers, GiveUp giveUp,
            int bookingAttempts) {
        public static final Behaviour DEFAULT = new Behaviour(Duration.ofSeconds(3),
                new Refreshers(0.3, Duration.ofSeconds(20)), new GiveUp(0.1, Duration.ofMinutes(15)),
                5);
    }

    /**
     * People who reload the waiting page (a fresh join with the same browser) every
     * {@code interval} instead of only obeying the poll time.
     *
     * @param share     share of people, in [0, 1]; default 0.3
     * @param interval  time between reloads; default 20 s
     */
    public record Refreshers(double share, Duration interval) {
    }

    /**
     * People who close every tab after waiting {@code patience} without being admitted.
     *
     * @param share     share of people, in [0, 1]; default 0.1
     * @param patience  how long they wait; default 15 min
     */
    public record GiveUp(double share, Duration patience) {
    }

    /**
     * Cheaters by kind, each a share of people in [0, 1] (a cheater is one person, honest in
     * everything but the trick); all must gain nothing.
     *
     * @param clockSkew        send {@code Date}, {@code X-Client-Time} and {@code now=} far from
     *                         the server's time; default 0.01
     * @param replayTicket     present another browser's ticket and pass with their own cookie;
     *                         default 0.005
     * @param forgeTicket      present tickets and passes with a bad signature or {@code alg: none};
     *                         default 0.005
     * @param directBooking    call the booking step without a pass; default 0.005
     * @param airplane         stop polling for {@code airplaneOffline}, then resume with the same
     *                         ticket; default 0.02
     * @param airplaneOffline  how long an airplane-mode cheater stays offline; default 60 s
     */
    public record Cheaters(double clockSkew, double replayTicket, double forgeTicket,
            double directBooking, double airplane, Duration airplaneOffline) {
        public static final Cheaters DEFAULT = new Cheaters(0.01, 0.005, 0.005, 0.005, 0.02,
                Duration.ofSeconds(60));

        /** Share of people who cheat in any way. */
        public double total() {
            return clockSkew + replayTicket + forgeTicket + directBooking + airplane;
        }
    }

    /**
     * Bots: scripted clients hammering the join from one address each.
     *
     * @param count  bots at scale 1 (scaled, at least 1 when &gt; 0); default 100
     * @param rate   requests per second each bot sends (not scaled); default 50
     */
    public record Bots(long count, double rate) {
        public static final Bots DEFAULT = new Bots(100, 50);
    }

    /**
     * Gate settings the replay applies through the operator API before it starts, when it is
     * given an operator token (without one the gates are used as they are and the report says
     * so). The opening is set to the run's start plus {@link Arrivals#preQueue()}.
     *
     * @param identityRate  people per second admitted through the identity gate at scale 1
     *                      (scaled); default 2,000
     * @param bookingRate   the same for the booking gate; default 2,000
     * @param configure     whether to apply them at all (false: leave the gates as they are even
     *                      with a token); default true
     */
    public record Gates(double identityRate, double bookingRate, boolean configure) {
        public static final Gates DEFAULT = new Gates(2_000, 2_000, true);
    }

    /**
     * What the deployment can do, for the simulator (no server). Rates are per second and not
     * scaled: they describe machines, not people.
     *
     * @param nodes                   application nodes; default 1
     * @param joinPerNode             gate joins one node answers per second; default 20,000
     * @param statusPerNode           gate status polls one node answers per second; default 40,000
     * @param otherPerNode            other API requests one node answers per second; default 5,400 (the walk
     *                                benchmark at capacity, 2026-12-04: a 2-core node's Orderly CPU per walk net
     *                                of idle, over the walk's six requests past the gates; docs/capacity.md)
     * @param redisOps                Redis operations per second (shared); default 100,000
     * @param postgresBookings        bookings PostgreSQL commits per second; default 3,300 (PostgreSQL CPU per
     *                                booking over HTTP, whole path with the relay, on 2 cores: the walk
     *                                benchmark's burst, 2026-12-04)
     * @param identityVerifications   verifications the identity provider completes per second;
     *                                default 500
     */
    public record Capacity(int nodes, double joinPerNode, double statusPerNode, double otherPerNode,
            double redisOps, double postgresBookings, double identityVerifications) {
        public static final Capacity DEFAULT = new Capacity(1, 20_000, 40_000, 5_400, 100_000,
                3_300, 500);
    }
}
