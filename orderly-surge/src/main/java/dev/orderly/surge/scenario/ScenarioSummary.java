package dev.orderly.surge.scenario;

import java.util.Locale;

/** A few lines that say what a scenario will do at its scale, for the console and reports. */
public final class ScenarioSummary {
    private ScenarioSummary() {
    }

    public static String describe(Scenario s) {
        long people = s.scaled(s.peopleAtScaleOne());
        long eligible = s.scaled(s.population().eligible());
        double tabs = s.population().meanTabs();
        return String.format(Locale.ROOT,
                "scenario %s at scale %s: %,d people (%,d eligible), %.2f tabs or devices each (~%,d waiting);%n"
                        + "  pre-queue %s (%.0f%% arrive in it), then a spike with half-life %s for %s; run %s;%n"
                        + "  cheaters %.1f%% of people, %,d bot(s) at %s requests/s each; gates %s/s identity, %s/s booking",
                s.name(), fmt(s.scale()), people, eligible, tabs, Math.round(people * tabs),
                Durations.format(s.arrivals().preQueue()), s.arrivals().beforeOpening() * 100,
                Durations.format(s.arrivals().halfLife()), Durations.format(s.arrivals().window()),
                Durations.format(s.duration()),
                s.cheaters().total() * 100, s.scaled(s.bots().count()), fmt(s.bots().rate()),
                fmt(s.scaledRate(s.gates().identityRate())), fmt(s.scaledRate(s.gates().bookingRate())));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
