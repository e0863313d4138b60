package dev.orderly.watch;

import dev.orderly.gate.GatePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One condition the watchdog looks for, as data: its thresholds are the record's components, its
 * {@link #id()} is also its runbook anchor ({@code docs/runbook.md#<id>}). {@link #check} reads the
 * figures of the last hour and answers what is wrong now, one finding per subject; the watchdog
 * raises an alert for a new finding and resolves it when the finding is gone.
 */
public sealed interface Rule {

    /** The rule's name and its runbook anchor, e.g. {@code booking-stalled}. */
    String id();

    /** What is wrong in the latest figures; empty when all is well or the figures cannot tell yet. */
    List<Finding> check(Readings r);

    /** @param subject what the finding is about: a gate, a node, a provider, a refusal reason, or "deployment" */
    record Finding(String subject, String detail) {
    }

    /** The rules with the thresholds the runbook explains. */
    static List<Rule> defaults(String bookingGate) {
        Duration minute = Duration.ofSeconds(60);
        Duration hour = Duration.ofHours(1);
        // 40 s, not 60: with a reading every 5 s and a second for the figures to travel, the alert
        // is out within a minute of the fault, not a minute after "a minute without bookings".
        Duration quiet = Duration.ofSeconds(40);
        return List.of(
                new BookingStalled(bookingGate, quiet, 5, 10),
                new GateStuck(quiet),
                new PausedPastRestart(Duration.ZERO),
                new ShareJump("errors-jump", Figures.HTTP_5XX, Figures.HTTP, minute, hour, 0.05, 5, 20),
                new ShareJump("unavailable-jump", Figures.HTTP_503, Figures.HTTP, minute, hour, 0.05, 5, 20),
                new ShareJump("refusals-jump", Figures.REFUSED, Figures.ATTEMPTS, minute, hour, 0.5, 3, 10),
                new IdentityOutOfBounds(minute, 0.5, 20, 3000, 5),
                new OutboxGrowing(quiet, 10),
                new ClockSkew(Duration.ofSeconds(2)),
                new CanaryFailing(2));
    }

    /**
     * The 2021 failure: the booking gate is open and lets people through, and no booking has
     * succeeded for {@code quiet}. "Lets people through" is at least {@code minRefused} booking
     * requests refused in that time, or at least {@code minAdmitted} people admitted in its first
     * half (who had the other half to book): someone admitted a second ago and not yet booked is
     * no stall, nor is one person at night who was admitted and went away.
     */
    record BookingStalled(String gate, Duration quiet, double minRefused, long minAdmitted) implements Rule {
        @Override
        public String id() {
            return "booking-stalled";
        }

        @Override
        public List<Finding> check(Readings r) {
            Figures now = r.latest();
            Optional<Figures.GateReading> g = now.gate(gate);
            if (g.isEmpty() || g.get().phase() != GatePhase.OPEN || !r.covers(quiet)) {
                return List.of();
            }
            if (r.growth(Figures.BOOKED, quiet) > 0) {
                return List.of();
            }
            double refused = r.growth(Figures.ATTEMPTS, quiet);
            long admittedEarly = admitted(r.atOrBefore(now.at().minus(quiet.dividedBy(2))), gate)
                    - admitted(r.atOrBefore(now.at().minus(quiet)), gate);
            if (refused < minRefused && admittedEarly < minAdmitted) {
                return List.of();
            }
            StringBuilder reasons = new StringBuilder();
            for (String k : r.keys(Figures.REFUSED)) {
                double n = r.growth(k, quiet);
                if (n > 0) {
                    reasons.append(reasons.isEmpty() ? "" : ", ").append(k.substring(Figures.REFUSED.length())).append(' ').append(fmt(n));
                }
            }
            return List.of(new Finding(gate, "no booking succeeded in " + quiet.toSeconds() + " s while the booking gate is open: "
                    + fmt(refused) + " booking requests answered without a booking" + (reasons.isEmpty() ? "" : " (" + reasons + ")")
                    + ", " + Math.max(0, admittedEarly) + " people admitted more than " + quiet.dividedBy(2).toSeconds() + " s ago"));
        }

        private static long admitted(Figures f, String gate) {
            return f.gate(gate).map(Figures.GateReading::admitted).orElse(0L);
        }
    }

    /**
     * A gate open with people waiting whose admitted mark has not moved for {@code stuckFor}. A gate
     * set to admit fewer than two people in that time is not judged: its mark may rightly stand still.
     */
    record GateStuck(Duration stuckFor) implements Rule {
        @Override
        public String id() {
            return "gate-stuck";
        }

        @Override
        public List<Finding> check(Readings r) {
            if (!r.covers(stuckFor)) {
                return List.of();
            }
            List<Figures> window = r.within(stuckFor);
            window.addFirst(r.atOrBefore(r.latest().at().minus(stuckFor)));
            List<Finding> out = new ArrayList<>();
            for (Figures.GateReading g : r.latest().gates()) {
                if (g.setPerSecond() * stuckFor.toSeconds() < 2) {
                    continue;
                }
                boolean stuck = window.stream().allMatch(f -> f.gate(g.name())
                        .filter(x -> x.phase() == GatePhase.OPEN && x.waiting() > 0 && x.admitted() == g.admitted()).isPresent());
                if (stuck) {
                    out.add(new Finding(g.name(), g.waiting() + " people waiting and nobody admitted for " + stuckFor.toSeconds()
                            + " s (admitted mark " + g.admitted() + "); the gate is open, not paused"));
                }
            }
            return out;
        }
    }

    /** A paused gate still paused {@code grace} after the time its operator announced it back. */
    record PausedPastRestart(Duration grace) implements Rule {
        @Override
        public String id() {
            return "paused-past-restart";
        }

        @Override
        public List<Finding> check(Readings r) {
            Instant now = r.latest().at();
            List<Finding> out = new ArrayList<>();
            for (Figures.GateReading g : r.latest().gates()) {
                if (g.phase() == GatePhase.PAUSED && g.expectedBack() != null && now.isAfter(g.expectedBack().plus(grace))) {
                    out.add(new Finding(g.name(), "paused; announced back at " + g.expectedBack() + ", "
                            + Duration.between(g.expectedBack(), now).toSeconds() + " s ago; " + g.waiting() + " people waiting"));
                }
            }
            return out;
        }
    }

    /**
     * The share of {@code part} in {@code whole} over the last {@code recent} far above its level
     * over the {@code baseline} before: at least {@code minShare} and {@code factor} times the
     * baseline share, on at least {@code minWhole} events. A {@code part} ending in {@code |} is a
     * family (refusals by reason): each member is judged alone and is its own subject.
     */
    record ShareJump(String id, String part, String whole, Duration recent, Duration baseline, double minShare, double factor,
                     double minWhole) implements Rule {
        @Override
        public List<Finding> check(Readings r) {
            double recentWhole = r.growth(whole, recent);
            if (recentWhole < minWhole) {
                return List.of();
            }
            double baseWhole = r.growth(whole, recent.plus(baseline), recent);
            List<String> parts = part.endsWith("|") ? r.keys(part) : List.of(part);
            List<Finding> out = new ArrayList<>();
            for (String p : parts) {
                double share = r.growth(p, recent) / recentWhole;
                double baseShare = baseWhole <= 0 ? 0 : r.growth(p, recent.plus(baseline), recent) / baseWhole;
                if (share >= minShare && share >= factor * baseShare) {
                    String subject = part.endsWith("|") ? p.substring(part.length()) : "deployment";
                    out.add(new Finding(subject, p + " was " + pct(share) + " of " + fmt(recentWhole) + " " + whole + " in the last "
                            + recent.toSeconds() + " s, against " + pct(baseShare) + " in the hour before"));
                }
            }
            return out;
        }
    }

    /**
     * Identity failing: over {@code over}, fewer than {@code minSuccessRate} of at least
     * {@code minChecks} checks verified the person, or a provider's calls took more than
     * {@code maxMeanLatencyMs} on average (over at least {@code minCalls} calls).
     */
    record IdentityOutOfBounds(Duration over, double minSuccessRate, double minChecks, double maxMeanLatencyMs, double minCalls)
            implements Rule {
        @Override
        public String id() {
            return "identity-out-of-bounds";
        }

        @Override
        public List<Finding> check(Readings r) {
            List<Finding> out = new ArrayList<>();
            double checks = r.growth(Figures.CHECKS, over);
            if (checks >= minChecks) {
                double rate = r.growth(Figures.VERIFIED, over) / checks;
                if (rate < minSuccessRate) {
                    out.add(new Finding("deployment", "only " + pct(rate) + " of " + fmt(checks) + " identity checks verified in the last "
                            + over.toSeconds() + " s (bound " + pct(minSuccessRate) + ")"));
                }
            }
            Figures now = r.latest();
            Figures before = r.atOrBefore(now.at().minus(over));
            for (Map.Entry<String, Double> e : now.providerMs().entrySet()) {
                String provider = e.getKey();
                double calls = r.growth(Figures.PROVIDER_CALLS + provider, over);
                if (calls >= minCalls) {
                    double mean = (e.getValue() - before.providerMs().getOrDefault(provider, 0.0)) / calls;
                    if (mean > maxMeanLatencyMs) {
                        out.add(new Finding(provider, "provider " + provider + " answered in " + fmt(mean) + " ms on average over "
                                + fmt(calls) + " calls (bound " + fmt(maxMeanLatencyMs) + " ms)"));
                    }
                }
            }
            return out;
        }
    }

    /** Messages waiting to be sent grew at every reading for {@code over}, by {@code minGrowth} or more. */
    record OutboxGrowing(Duration over, long minGrowth) implements Rule {
        @Override
        public String id() {
            return "outbox-growing";
        }

        @Override
        public List<Finding> check(Readings r) {
            if (!r.covers(over)) {
                return List.of();
            }
            List<Figures> window = r.within(over);
            window.addFirst(r.atOrBefore(r.latest().at().minus(over)));
            long previous = -1;
            for (Figures f : window) {
                if (f.outboxBacklog() < 0 || f.outboxBacklog() < previous) {
                    return List.of();
                }
                previous = f.outboxBacklog();
            }
            long growth = window.getLast().outboxBacklog() - window.getFirst().outboxBacklog();
            return growth >= minGrowth
                    ? List.of(new Finding("deployment", "the outbox grew by " + growth + " to " + window.getLast().outboxBacklog()
                            + " unsent messages in " + over.toSeconds() + " s without ever shrinking"))
                    : List.of();
        }
    }

    /** A node's clock more than {@code max} away from the database's. */
    record ClockSkew(Duration max) implements Rule {
        @Override
        public String id() {
            return "clock-skew";
        }

        @Override
        public List<Finding> check(Readings r) {
            List<Finding> out = new ArrayList<>();
            r.latest().clockSkew().forEach((node, skew) -> {
                if (skew.abs().compareTo(max) > 0) {
                    out.add(new Finding(node, "node " + node + " is " + skew.toMillis() + " ms off the database's clock (bound "
                            + max.toMillis() + " ms)"));
                }
            });
            return out;
        }
    }

    /** A node's canary failed its last {@code inARow} walks. */
    record CanaryFailing(int inARow) implements Rule {
        @Override
        public String id() {
            return "canary-failing";
        }

        @Override
        public List<Finding> check(Readings r) {
            List<Finding> out = new ArrayList<>();
            r.latest().canaryFailuresInARow().forEach((node, failures) -> {
                if (failures >= inARow) {
                    out.add(new Finding(node, "the canary on " + node + " failed its last " + failures + " walks"));
                }
            });
            return out;
        }
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
