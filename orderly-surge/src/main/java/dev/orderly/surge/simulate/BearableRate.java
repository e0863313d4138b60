package dev.orderly.surge.simulate;

/**
 * The highest admission rate the backend bears: the largest fixed rate (people per second, both
 * gates) at which, through the arrival spike and ten minutes after it, every 10-second window of
 * both protected steps stays healthy by the gates' own rule (p95 latency within the target, errors
 * within the maximum share). Found by bisection on a log scale, each probe a full simulation that
 * stops at its first unhealthy window; health falls as the rate rises (more people in the steps at
 * once), which is what makes bisection valid.
 */
public final class BearableRate {

    /** The answer: the rate, or 0 when even {@code low} is unhealthy (the front alone overloads the nodes). */
    public record Answer(double perSecond, boolean belowSearchRange, boolean aboveSearchRange, int probes) {
    }

    private BearableRate() {
    }

    public static Answer search(SurgeModel model, double low, double high, int steps) {
        double horizon = Math.min(model.maxSeconds(), model.preQueue() + model.window() + 600);
        SurgeModel bounded = new SurgeModel(model.people(), model.eligibleShare(), model.ticketsPerPerson(), model.tabsPerPerson(),
                model.preQueue(), model.beforeOpening(), model.halfLife(), model.window(), model.think(), model.refresherShare(),
                model.refreshInterval(), model.giveUpShare(), model.patience(), model.attemptsPerBooking(), model.retryAfter(),
                model.identityAdmission(), model.bookingAdmission(), model.passLifetime(), model.maxPoll(), model.deployment(), horizon,
                model.seed(), model.botJoinsPerSecond());
        int probes = 0;
        if (!healthy(bounded, low)) {
            return new Answer(0, true, false, 1);
        }
        probes++;
        if (healthy(bounded, high)) {
            return new Answer(high, false, true, 2);
        }
        probes++;
        double lo = Math.log(low);
        double hi = Math.log(high);
        for (int i = 0; i < steps; i++) {
            double mid = (lo + hi) / 2;
            probes++;
            if (healthy(bounded, Math.exp(mid))) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return new Answer(Math.exp(lo), false, false, probes);
    }

    static boolean healthy(SurgeModel model, double perSecond) {
        SurgeSimulation sim = new SurgeSimulation(model.withFixedRate(perSecond), true);
        sim.run();
        return !sim.unhealthy();
    }
}
