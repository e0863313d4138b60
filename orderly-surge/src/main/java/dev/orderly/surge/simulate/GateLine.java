package dev.orderly.surge.simulate;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.DownstreamHealth;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateProgress;
import dev.orderly.gate.GateTransition;
import dev.orderly.gate.PollSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * One gate of the waiting room, simulated the way {@code WaitingRoom} runs it, for millions of
 * tickets without an object per ticket.
 *
 * <p>What is the real system's, not a model of it: the admission tick is {@link GateTransition}
 * itself, the function {@code WaitingRoom.tick} applies (the pre-queue's size fixed at the first
 * tick after opening, time owed from the opening if on time, a gap owing at most one second, owed
 * places nobody waits for not carried); the poll
 * window is {@link PollSchedule}'s, which {@code WaitingRoom} answers by (pre-queue: half the time
 * to the opening, then one poll after it spread over a quarter of the expected wait; in line: a
 * quarter of the estimated wait, within [1 s, max poll], spread ±20 %); the wait estimate uses
 * the larger of the measured 60-second rate and the policy's known rate.
 *
 * <p>Cohorts. Tickets issued within one {@code cohortSeconds} hold consecutive numbers, so they
 * are one cohort: a rank range, a count, an arrival time. A cohort is one event per poll round;
 * its members' polls are spread over the round's jitter in a {@link Calendar}, which is the load
 * the nodes see. When the mark passes part of a cohort's range, that share is admitted and
 * notices it at the cohort's next poll. At the opening the pre-queue's cohorts are replaced by
 * {@code PRE_QUEUE_SLICES} slices of the drawn order, each holding the whole pre-queue's mix of
 * arrival times (the draw is a uniform permutation). Give-ups: a share of people leaves after its
 * patience; their tickets stay in line (the server keeps nothing per ticket, so it cannot know)
 * and are admitted unused. Of a person's several tickets (devices), the first admitted is used and
 * the rest are admitted as duplicates.
 *
 * <p>Counts are real numbers (expected values within a cohort); arrivals are drawn by the caller.
 */
final class GateLine {

    static final int PRE_QUEUE_SLICES = 200;
    private static final double RATE_WINDOW = 60.0;

    /** Told the people who noticed their admission: how many, when, and their waits. */
    interface Admitted {
        void admitted(double people, double time);
    }

    /** What the line was set up with. */
    record Settings(String name, AdmissionPolicy admission, double opensAt, double passLifetime, double maxPoll,
                    double ticketsPerPerson, double tabsPerTicket, double giveUpShare, double patience, double cohortSeconds) {
    }

    /** A run of tickets with consecutive ranks (lo, hi], or a pre-queue arrival when not yet drawn. */
    private static final class Cohort {
        double lo;
        double hi;
        double tickets;
        double arrival;
        /** Share of the cohort's tickets held by bots: they take places but never poll or use them. */
        double dead;
        final ArrivalMix mix;
        boolean active = true;

        Cohort(double lo, double hi, double tickets, double arrival, ArrivalMix mix) {
            this.lo = lo;
            this.hi = hi;
            this.tickets = tickets;
            this.arrival = arrival;
            this.mix = mix;
        }

        /** Share of arrivals at or before {@code time}. */
        double arrivedBy(double time) {
            return mix == null ? (arrival <= time ? 1 : 0) : mix.cdf(time);
        }
    }

    /** Arrival times of the drawn pre-queue, weighted by the tickets from each. */
    static final class ArrivalMix {
        final double[] times;
        final double[] weights;
        final double[] cumulative;

        ArrivalMix(double[] times, double[] weights) {
            this.times = times;
            this.weights = weights;
            this.cumulative = new double[weights.length];
            double sum = 0;
            for (double w : weights) {
                sum += w;
            }
            double c = 0;
            for (int i = 0; i < weights.length; i++) {
                weights[i] = sum > 0 ? weights[i] / sum : 1.0 / weights.length;
                c += weights[i];
                cumulative[i] = c;
            }
        }

        double cdf(double time) {
            int i = Arrays.binarySearch(times, time);
            int at = i >= 0 ? i : -i - 2;
            while (i >= 0 && at + 1 < times.length && times[at + 1] == time) {
                at++;
            }
            return at < 0 ? 0 : cumulative[at];
        }
    }

    private final Settings settings;
    /** The gate as the server would hold it, for {@link GateTransition}. */
    private final GateConfig config;
    private final EventLoop loop;
    private final double tick;
    private final Calendar polls;
    private final Supplier<DownstreamHealth> health;
    private final Admitted onAdmitted;
    private final WaitRecorder waits;

    private final List<Cohort> preQueue = new ArrayList<>();
    private Cohort open;
    private double openStarted;
    private boolean openInPreQueue;
    private final List<Cohort> active = new ArrayList<>();

    private double issued;
    private double mark;
    private boolean drawn;
    /**
     * The policy's memory (last tick, carry, rate) and whether the pre-queue is fixed, as the
     * server stores it; its mark stays 0, as the line's own mark is counted in expected values.
     */
    private GateProgress progress = GateProgress.INITIAL;
    private double[] markAtTick = new double[1024];
    private double[] admittedAtTick = new double[1024];
    private double[] spentAtTick = new double[1024];
    private int ticks;
    private int windowStart;
    private double windowOutstanding;

    private double noticedTickets;
    private double area;
    private double lastAreaChange;
    private double usefulAdmitted;
    private double duplicateAdmitted;
    private double unusedAdmitted;
    private double admittedPolls;
    private double drainedAt = Double.NaN;

    GateLine(Settings settings, EventLoop loop, double tick, Calendar polls, Supplier<DownstreamHealth> health,
             Admitted onAdmitted, WaitRecorder waits) {
        this.settings = settings;
        Instant opens = instant(settings.opensAt());
        this.config = new GateConfig(settings.name(), opens, opens, settings.admission(), duration(settings.passLifetime()), false,
                GateMode.ACTIVE, "", duration(settings.maxPoll()));
        this.loop = loop;
        this.tick = tick;
        this.polls = polls;
        this.health = health;
        this.onAdmitted = onAdmitted;
        this.waits = waits;
    }

    // ------------------------------------------------------------------ joining

    /** {@code tickets} new tickets (successful joins that drew a number) at the current time. */
    void issue(double tickets) {
        issue(tickets, 0);
    }

    /**
     * {@code tickets} new tickets of which the share {@code deadShare} are bots': in line like any,
     * admitted in turn, never polled or used (the server cannot tell them apart).
     */
    void issue(double tickets, double deadShare) {
        if (tickets <= 0) {
            return;
        }
        double now = loop.now();
        accountArea(now);
        boolean inPreQueue = !drawn;
        if (open != null && (now - openStarted >= settings.cohortSeconds() - 1e-9 || openInPreQueue != inPreQueue)) {
            open = null;
        }
        if (open == null) {
            Cohort c = new Cohort(issued, issued, 0, now, null);
            open = c;
            openStarted = now;
            openInPreQueue = inPreQueue;
            (inPreQueue ? preQueue : active).add(c);
            // The join's own answer is the first poll; the cohort's next round comes after the interval it gives.
            loop.at(now + pollWindow(c, now).mean(), l -> poll(c));
        }
        // The cohort's arrival is its people's tickets' mean issue time, so waits are measured from when each joined.
        double liveBefore = open.tickets * (1 - open.dead);
        double liveNew = tickets * (1 - deadShare);
        if (liveBefore + liveNew > 0) {
            open.arrival = (open.arrival * liveBefore + now * liveNew) / (liveBefore + liveNew);
        }
        open.dead = (open.dead * open.tickets + deadShare * tickets) / (open.tickets + tickets);
        open.hi += tickets;
        open.tickets += tickets;
        issued += tickets;
        Window w = pollWindow(open, now);
        polls.addUniform(now + w.lo, now + w.hi, liveNew * settings.tabsPerTicket() * peopleLiveShare(open, now));
    }

    // ------------------------------------------------------------------ ticking

    /** One admission tick at the current time, as {@code WaitingRoom.tick} does it. */
    void tick() {
        double now = loop.now();
        grow();
        if (now + 1e-9 >= settings.opensAt()) {
            if (!drawn) {
                draw(now);
            }
            // Only the policies that read a signal pay for measuring it.
            long outstanding = settings.admission() instanceof AdmissionPolicy.ConcurrencyTarget ? Math.round(outstanding()) : 0;
            DownstreamHealth h = settings.admission() instanceof AdmissionPolicy.Adaptive ? health.get() : DownstreamHealth.UNKNOWN;
            // The line's counts are expected values (fractions of tickets), the transition's whole tickets: it is asked
            // about the whole tickets waiting, from a mark of 0. Owed no more than those, it admits what it owes; owed
            // more, the line ran empty and the mark catches up with everyone issued, fraction included, as the server's
            // mark catches up with its counter (whole < owed exactly when waiting < owed, the policy owing whole people).
            long whole = (long) Math.max(0, Math.floor(issued - mark));
            GateProgress relative = new GateProgress(0, progress.preQueueSize(), progress.memory(), progress.version());
            GateTransition.Transition t = GateTransition.next(relative, config, whole, outstanding, h, instant(now));
            double newMark = t.admitted() < t.owed() ? issued : mark + t.admitted();
            if (t.next() != null) {
                progress = t.next();
            }
            admittedAtTick[ticks] = newMark - mark;
            windowOutstanding += newMark - mark;
            mark = newMark;
            if (Double.isNaN(drainedAt) && mark >= issued && now > settings.opensAt()) {
                drainedAt = now;
            } else if (mark < issued) {
                drainedAt = Double.NaN;
            }
        }
        markAtTick[ticks] = mark;
        ticks++;
    }

    private void grow() {
        if (ticks + 1 >= markAtTick.length) {
            int n = markAtTick.length * 2;
            markAtTick = Arrays.copyOf(markAtTick, n);
            admittedAtTick = Arrays.copyOf(admittedAtTick, n);
            spentAtTick = Arrays.copyOf(spentAtTick, n);
        }
    }

    /** People who used their pass (completed the step behind the gate) now. */
    void spent(double people) {
        spentAtTick[Math.max(0, ticks - 1)] += people;
        windowOutstanding -= people;
    }

    /** Admitted within the pass lifetime and not spent: what a concurrency target steers by. */
    private double outstanding() {
        // A running sum over the window: what leaves it (passes expired) is subtracted once.
        int window = (int) Math.ceil(settings.passLifetime() / tick);
        while (windowStart < ticks - window) {
            windowOutstanding -= admittedAtTick[windowStart] - spentAtTick[windowStart];
            windowStart++;
        }
        return Math.max(0, windowOutstanding);
    }

    private void draw(double now) {
        drawn = true;
        double size = issued;
        if (preQueue.isEmpty() || size <= 0) {
            preQueue.clear();
            open = null;
            return;
        }
        double[] times = new double[preQueue.size()];
        double[] weights = new double[preQueue.size()];
        double dead = 0;
        for (int i = 0; i < preQueue.size(); i++) {
            Cohort c = preQueue.get(i);
            times[i] = c.arrival;
            weights[i] = c.tickets * (1 - c.dead);
            dead += c.tickets * c.dead;
            c.active = false;
        }
        double deadShare = dead / size;
        ArrivalMix mix = new ArrivalMix(times, weights);
        preQueue.clear();
        open = null;
        int slices = (int) Math.min(PRE_QUEUE_SLICES, Math.max(1, Math.ceil(size)));
        double spread = seconds(PollSchedule.preQueue(Duration.ZERO, duration(size / 2 / Math.max(estimateRate(), 1e-3)),
                duration(settings.maxPoll())).latest());
        for (int s = 0; s < slices; s++) {
            double lo = size * s / slices;
            double hi = size * (s + 1) / slices;
            Cohort c = new Cohort(lo, hi, hi - lo, Double.NaN, mix);
            c.dead = deadShare;
            active.add(c);
            // Pre-queue pages were told to come back after the opening, spread over this window
            // (their load was counted when they were told); a slice of ranks stands for a uniform draw of them.
            double first = spread * (s + 0.5) / slices;
            loop.at(now + first, l -> poll(c));
        }
    }

    // ------------------------------------------------------------------ polling

    private void poll(Cohort c) {
        if (!c.active) {
            return;
        }
        double now = loop.now();
        double share = liveShare(c, now);
        if (drawn && mark > c.lo) {
            double a = Math.min(1, (mark - c.lo) / (c.hi - c.lo));
            double n = c.tickets * a;
            accountArea(now);
            noticedTickets += n;
            double live = n * share;
            unusedAdmitted += n - live;
            double useful = live / settings.ticketsPerPerson();
            duplicateAdmitted += live - useful;
            usefulAdmitted += useful;
            admittedPolls += live * settings.tabsPerTicket();
            if (c.mix == null) {
                waits.record(now - c.arrival, useful);
            } else {
                for (int i = 0; i < c.mix.times.length; i++) {
                    waits.record(now - c.mix.times[i], useful * c.mix.weights[i]);
                }
            }
            c.tickets -= n;
            c.lo += a * (c.hi - c.lo);
            if (useful > 0) {
                onAdmitted.admitted(useful, now);
            }
        }
        if (c.tickets <= 1e-9 || c.lo >= c.hi - 1e-9) {
            c.active = false;
            if (c == open) {
                open = null; // later joins start a cohort of their own, with its own polls
            }
            return;
        }
        Window w = pollWindow(c, now);
        polls.addUniform(now + w.lo, now + w.hi, c.tickets * liveShare(c, now) * settings.tabsPerTicket());
        loop.at(now + w.mean(), l -> poll(c));
    }

    /** A poll window in seconds from now. */
    private record Window(double lo, double hi) {
        double mean() {
            return (lo + hi) / 2;
        }
    }

    private Window pollWindow(Cohort c, double now) {
        double untilOpen = Math.max(0, settings.opensAt() - now);
        Duration maxPoll = duration(settings.maxPoll());
        double rate = Math.max(estimateRate(), 1e-3);
        PollSchedule.Window w = drawn
                ? PollSchedule.ranked(duration(untilOpen + (Math.max(0, c.lo - mark) + 1) / rate), maxPoll)
                : PollSchedule.preQueue(duration(untilOpen), duration(issued / 2 / rate), maxPoll);
        return new Window(seconds(w.earliest()), seconds(w.latest()));
    }

    private static Duration duration(double seconds) {
        return Duration.ofNanos((long) (Math.min(seconds, 1e9) * 1e9));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** The larger of the measured rate over the last minute and the policy's known rate, as {@code WaitingRoom}. */
    private double estimateRate() {
        double known = settings.admission().knownPerSecond(progress.memory());
        double measured = 0;
        double now = loop.now();
        double since = Math.max(now - RATE_WINDOW, settings.opensAt());
        if (now - since >= 2 && ticks > 0) {
            int back = (int) Math.min(ticks - 1, Math.round((now - since) / tick));
            measured = (mark - markAtTick[ticks - 1 - back]) / (now - since);
        }
        double r = Math.max(measured, known);
        return r > 0 ? r : settings.admission().nominalPerSecond();
    }

    /** Share of a cohort's remaining tickets whose holder still waits at {@code now}: not a bot, not gone. */
    private double liveShare(Cohort c, double now) {
        return (1 - c.dead) * peopleLiveShare(c, now);
    }

    /** Share of a cohort's people's tickets whose holder has not given up by {@code now}. */
    private double peopleLiveShare(Cohort c, double now) {
        double g = settings.giveUpShare();
        return g <= 0 ? 1 : (1 - g) + g * (1 - c.arrivedBy(now - settings.patience()));
    }

    private void accountArea(double now) {
        area += (issued - noticedTickets) * (now - lastAreaChange);
        lastAreaChange = now;
    }

    private static Instant instant(double seconds) {
        return Instant.ofEpochSecond(0, Math.round(seconds * 1e9));
    }

    // ------------------------------------------------------------------ figures

    String name() {
        return settings.name();
    }

    double issued() {
        return issued;
    }

    double mark() {
        return mark;
    }

    /** Tickets issued and not yet admitted: the gate's own "waiting" figure. */
    double waiting() {
        return Math.max(0, issued - mark);
    }

    /** People still waiting (live holders of un-noticed tickets, counted once per person). */
    double liveWaitingPeople() {
        double now = loop.now();
        double sum = 0;
        for (Cohort c : preQueue) {
            if (c.active) {
                sum += c.tickets * liveShare(c, now);
            }
        }
        for (Cohort c : active) {
            if (c.active) {
                sum += c.tickets * liveShare(c, now);
            }
        }
        return sum / settings.ticketsPerPerson();
    }

    /** Drops cohorts that finished, so the live count stays cheap. */
    void compact() {
        active.removeIf(c -> !c.active);
    }

    /** Time-average number of tickets issued and not yet noticed as admitted, from 0 to now. */
    double meanUnnoticed() {
        accountArea(loop.now());
        return loop.now() > 0 ? area / loop.now() : 0;
    }

    double noticedTickets() {
        return noticedTickets;
    }

    double usefulAdmitted() {
        return usefulAdmitted;
    }

    double duplicateAdmitted() {
        return duplicateAdmitted;
    }

    double unusedAdmitted() {
        return unusedAdmitted;
    }

    /** Polls that found their ticket admitted (each costs the store a look-up of the admission time and spent bit). */
    double admittedPolls() {
        return admittedPolls;
    }

    /** The current admission rate of an adaptive policy, else the nominal rate. */
    double currentRate() {
        return progress.memory().rate() > 0 ? progress.memory().rate() : settings.admission().nominalPerSecond();
    }

    /** When the mark last caught up with every ticket issued (seconds since the run's start), or NaN. */
    double drainedAt() {
        return drainedAt;
    }

    boolean hasActiveCohorts() {
        for (Cohort c : active) {
            if (c.active) {
                return true;
            }
        }
        return !preQueue.isEmpty();
    }
}
