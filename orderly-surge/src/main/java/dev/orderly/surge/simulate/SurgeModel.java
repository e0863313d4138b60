package dev.orderly.surge.simulate;

import dev.orderly.gate.AdmissionPolicy;
import java.util.Objects;

/**
 * Everything one simulated night needs, already scaled: who comes and when, how they behave, how
 * the gates admit, and what the deployment can do. Times are seconds from the start of the
 * pre-queue; the opening is at {@link #preQueue()}.
 *
 * @param people             people who come (eligible or not)
 * @param eligibleShare      share of them eligible to book
 * @param ticketsPerPerson   distinct browsers a person joins from, on average (each holds its own ticket); ≥ 1
 * @param tabsPerPerson      tabs and devices a person opens, on average (each joins once and polls); ≥ tickets
 * @param preQueue           seconds before the opening the gates take joins
 * @param beforeOpening      share of people arriving uniformly during the pre-queue
 * @param halfLife           half-life of the arrival spike after the opening, seconds
 * @param window             nobody arrives later than this many seconds after the opening
 * @param think              mean time a person takes at each step, seconds (drawn exponentially)
 * @param refresherShare     share of waiting people who reload the waiting page every {@code refreshInterval}
 * @param refreshInterval    seconds between a refresher's reloads
 * @param giveUpShare        share of people who leave after waiting {@code patience}
 * @param patience           seconds a giving-up person waits
 * @param attemptsPerBooking booking attempts per person who books (clinic-days found full are tried again)
 * @param retryAfter         seconds a client waits before retrying a request that failed or timed out
 * @param identityAdmission  the identity gate's policy (people per second through verification)
 * @param bookingAdmission   the booking gate's policy (one place per verified person)
 * @param passLifetime       seconds a pass stays valid
 * @param maxPoll            the longest poll interval the server gives, seconds (default 60)
 * @param deployment         what the deployment can do
 * @param maxSeconds         the run stops here even if people are still in line
 * @param seed               seed of the arrival draws
 */
public record SurgeModel(double people, double eligibleShare, double ticketsPerPerson, double tabsPerPerson, double preQueue,
                         double beforeOpening, double halfLife, double window, double think, double refresherShare,
                         double refreshInterval, double giveUpShare, double patience, double attemptsPerBooking,
                         double retryAfter, AdmissionPolicy identityAdmission, AdmissionPolicy bookingAdmission,
                         double passLifetime, double maxPoll, Deployment deployment, double maxSeconds, long seed,
                         double botJoinsPerSecond) {

    /** Bots join at {@code botJoinsPerSecond} for this long of every {@link #BOT_CYCLE} seconds, from the opening through the window (as the replay's do). */
    public static final double BOT_BURST = 10;
    public static final double BOT_CYCLE = 20;

    /** A model without bots. */
    public SurgeModel(double people, double eligibleShare, double ticketsPerPerson, double tabsPerPerson, double preQueue,
                      double beforeOpening, double halfLife, double window, double think, double refresherShare,
                      double refreshInterval, double giveUpShare, double patience, double attemptsPerBooking,
                      double retryAfter, AdmissionPolicy identityAdmission, AdmissionPolicy bookingAdmission,
                      double passLifetime, double maxPoll, Deployment deployment, double maxSeconds, long seed) {
        this(people, eligibleShare, ticketsPerPerson, tabsPerPerson, preQueue, beforeOpening, halfLife, window, think, refresherShare,
                refreshInterval, giveUpShare, patience, attemptsPerBooking, retryAfter, identityAdmission, bookingAdmission, passLifetime,
                maxPoll, deployment, maxSeconds, seed, 0);
    }

    public SurgeModel {
        Objects.requireNonNull(identityAdmission, "identityAdmission");
        Objects.requireNonNull(bookingAdmission, "bookingAdmission");
        Objects.requireNonNull(deployment, "deployment");
        if (!(people >= 0)) {
            throw new IllegalArgumentException("people must be zero or more, was " + people);
        }
        if (!(ticketsPerPerson >= 1 && tabsPerPerson >= ticketsPerPerson)) {
            throw new IllegalArgumentException("need 1 <= ticketsPerPerson <= tabsPerPerson, was " + ticketsPerPerson + " and "
                    + tabsPerPerson);
        }
        if (!(botJoinsPerSecond >= 0)) {
            throw new IllegalArgumentException("botJoinsPerSecond must be zero or more, was " + botJoinsPerSecond);
        }
        if (!(halfLife > 0) || !(window > 0) || !(preQueue >= 0) || !(maxPoll >= 1) || !(maxSeconds > preQueue)) {
            throw new IllegalArgumentException("halfLife, window must be > 0, preQueue >= 0, maxPoll >= 1, maxSeconds > preQueue; was "
                    + halfLife + ", " + window + ", " + preQueue + ", " + maxPoll + ", " + maxSeconds);
        }
    }

    /** Expected arrivals (people per second) at {@code t} seconds from the start. */
    public double arrivalRate(double t) {
        if (t < 0) {
            return 0;
        }
        if (t < preQueue) {
            return people * beforeOpening / preQueue;
        }
        double s = t - preQueue;
        if (s >= window) {
            return 0;
        }
        double lambda = Math.log(2) / halfLife;
        double after = people * (preQueue > 0 ? 1 - beforeOpening : 1);
        return after * lambda * Math.exp(-lambda * s) / (1 - Math.exp(-lambda * window));
    }

    /**
     * Bots' joins (each a new ticket that never polls) at {@code t} seconds from the start: at
     * their rate in bursts from the opening through the arrival window, none otherwise.
     */
    public double botJoinRate(double t) {
        double s = t - preQueue;
        return s >= 0 && s < window && s % BOT_CYCLE < BOT_BURST ? botJoinsPerSecond : 0;
    }

    /** This model with both gates admitting a fixed {@code perSecond}. */
    public SurgeModel withFixedRate(double perSecond) {
        AdmissionPolicy fixed = new AdmissionPolicy.FixedRate(perSecond);
        return new SurgeModel(people, eligibleShare, ticketsPerPerson, tabsPerPerson, preQueue, beforeOpening, halfLife, window, think,
                refresherShare, refreshInterval, giveUpShare, patience, attemptsPerBooking, retryAfter, fixed, fixed, passLifetime,
                maxPoll, deployment, maxSeconds, seed, botJoinsPerSecond);
    }

    /** This model on another deployment. */
    public SurgeModel withDeployment(Deployment d) {
        return new SurgeModel(people, eligibleShare, ticketsPerPerson, tabsPerPerson, preQueue, beforeOpening, halfLife, window, think,
                refresherShare, refreshInterval, giveUpShare, patience, attemptsPerBooking, retryAfter, identityAdmission,
                bookingAdmission, passLifetime, maxPoll, d, maxSeconds, seed, botJoinsPerSecond);
    }
}
