package dev.orderly.surge.simulate;

import dev.orderly.gate.DownstreamHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A national-scale night without a server: arrivals from the scenario's curve, the two gates as
 * {@link GateLine}s, the steps behind them as flows of people, and the deployment's components as
 * {@link Resource}s, all advanced on one {@link EventLoop} in simulated time.
 *
 * <p>Flow of a person (as the walk in the README): each tab joins the identity gate (the first
 * tab of a browser draws a ticket, the others get the cookie's ticket back); every tab polls when
 * told; refreshers reload (a join answered from the cookie) every interval. Admitted and noticed,
 * the person opens the identity page, asks for a code (the provider sends it; PostgreSQL writes the
 * challenge), types it (PostgreSQL checks it, the identity pass is spent), joins the booking gate
 * (keyed by person), waits, then opens eligibility and search; the ineligible leave there, the
 * eligible book ({@code attemptsPerBooking} attempts). Between steps each person takes an
 * exponentially distributed think time.
 *
 * <p>Costs. Every request costs its node {@code 1 / capacity-of-its-kind} node-seconds (a node's
 * CPU is shared by every kind). With the Redis store: a new ticket one {@code INCR}; a keyed join a
 * four-command script; every request behind a gate one {@code GETBIT} (the pass's spent bit); a
 * poll that finds its ticket admitted five commands (admission time, spent bit); each node's tick
 * eight commands per gate every 100 ms. A waiting poll costs Redis nothing: it compares with the
 * node's cached mark. A request that a component drops (it would wait longer than the client's
 * timeout) is an error; the client retries after {@code retryAfter}, except polls, whose ticket keeps
 * its place anyway.
 *
 * <p>The tick is 100 ms, the gates' own tick. Arrivals per tick are Poisson draws from the seeded
 * generator; everything else is expected values, so one seed gives one answer.
 */
public final class SurgeSimulation {

    static final double TICK = 0.1;
    private static final double REDIS_NEW_TICKET = 1;
    private static final double REDIS_KEYED_JOIN = 4;
    private static final double REDIS_PASS_CHECK = 1;
    private static final double REDIS_ADMITTED_POLL = 5;
    private static final double REDIS_TICK_PER_GATE = 8;
    /**
     * Share of failed requests whose person tries again (the rest leave the night): ten attempts on
     * average before giving up. Without such a bound, retries of everyone stuck behind an overloaded
     * component would grow without limit, which no real crowd does.
     */
    static final double RETRY_SHARE = 0.9;
    private static final int HEALTH_STEPS = 100; // the 10-second window of the server's StepHealth

    /** A step people go through: what is due when, and how much is still to come. */
    private static final class Stage {
        final Calendar due = new Calendar(TICK);
        double pending;

        void add(double time, double people) {
            due.add(time, people);
            pending += people;
        }

        void addExponential(double time, double mean, double people) {
            due.addExponential(time, mean, people);
            pending += people;
        }

        /** What came due in step {@code index}, [index × TICK, (index + 1) × TICK). */
        double take(long index) {
            double n = due.take(index);
            pending -= n;
            return n;
        }
    }

    /** The last ten seconds of a protected step, as the server's StepHealth sees it. */
    private static final class Health {
        final double[] count = new double[HEALTH_STEPS];
        final double[] errors = new double[HEALTH_STEPS];
        final double[] latency = new double[HEALTH_STEPS];
        int next;

        void record(double requests, double failed, double seconds) {
            count[next] = requests;
            errors[next] = failed;
            latency[next] = seconds;
            next = (next + 1) % HEALTH_STEPS;
        }

        DownstreamHealth health() {
            double total = 0;
            double failed = 0;
            Integer[] order = new Integer[HEALTH_STEPS];
            for (int i = 0; i < HEALTH_STEPS; i++) {
                total += count[i];
                failed += errors[i];
                order[i] = i;
            }
            if (total < 1) {
                return DownstreamHealth.UNKNOWN;
            }
            Arrays.sort(order, (a, b) -> Double.compare(latency[a], latency[b]));
            double seen = 0;
            double p95 = 0;
            for (Integer i : order) {
                seen += count[i];
                p95 = latency[i];
                if (seen >= 0.95 * total) {
                    break;
                }
            }
            return new DownstreamHealth(Duration.ofNanos(Math.round(p95 * 1e9)), failed / total, Math.round(total));
        }
    }

    private final SurgeModel m;
    private final Deployment d;
    private final EventLoop loop = new EventLoop();
    private final SplittableRandom random;
    private final Calendar identityPolls = new Calendar(TICK);
    private final Calendar bookingPolls = new Calendar(TICK);
    private final WaitRecorder identityWaits = new WaitRecorder();
    private final WaitRecorder bookingWaits = new WaitRecorder();
    private final Health identityHealth = new Health();
    private final Health bookingHealth = new Health();
    private final GateLine identity;
    private final GateLine booking;
    private final Resource nodes;
    private final Resource redis;
    private final Resource postgres;
    private final Resource provider;

    private final Stage joins = new Stage();
    private final Stage identityPage = new Stage();
    private final Stage challenge = new Stage();
    private final Stage verify = new Stage();
    private final Stage bookingJoin = new Stage();
    private final Stage bookingPage = new Stage();
    private final Stage book = new Stage();

    private long ticks;
    private double leftAfterErrors;
    private boolean truncated;
    private double arrived;
    private double booked;
    private double notEligible;
    private double lastIdentityAdmittedPolls;
    private double lastBookingAdmittedPolls;
    private double liveWaitingCache;
    private boolean unhealthy;
    private final double[] peakRequests = new double[Kind.values().length];
    private final double[] totalRequests = new double[Kind.values().length];
    private final double[] failedRequests = new double[Kind.values().length];
    private final double[] secondRequests = new double[Kind.values().length];
    private final List<SimulationResult.Sample> samples = new ArrayList<>();
    private double firstUnhealthy = Double.NaN;
    private final boolean stopWhenUnhealthy;

    /** Request kinds, for the per-kind figures. */
    public enum Kind { JOIN, STATUS, IDENTITY, BOOKING }

    public SurgeSimulation(SurgeModel model) {
        this(model, false);
    }

    /** @param stopWhenUnhealthy end the run at the first unhealthy window of a protected step (for the rate search) */
    SurgeSimulation(SurgeModel model, boolean stopWhenUnhealthy) {
        this.m = model;
        this.d = model.deployment();
        this.stopWhenUnhealthy = stopWhenUnhealthy;
        this.random = new SplittableRandom(model.seed());
        double opensAt = model.preQueue();
        identity = new GateLine(new GateLine.Settings("identity", model.identityAdmission(), opensAt, model.passLifetime(), model.maxPoll(),
                model.ticketsPerPerson(), model.tabsPerPerson() / model.ticketsPerPerson(), model.giveUpShare(), model.patience(), 1.0),
                loop, TICK, identityPolls, identityHealth::health, (people, t) -> identityPage.add(t, people), identityWaits);
        // The booking gate is keyed by person (one place for all their tabs) and opens with the identity gate;
        // a verified person no longer gives up, and polls from the one tab they book in.
        booking = new GateLine(new GateLine.Settings("booking", model.bookingAdmission(), opensAt, model.passLifetime(), model.maxPoll(),
                1, 1, 0, model.patience(), 1.0),
                loop, TICK, bookingPolls, bookingHealth::health, (people, t) -> bookingPage.add(t, people), bookingWaits);
        nodes = new Resource("app nodes", d.nodes(), d.requestTimeout());
        redis = new Resource("redis", d.redisOps(), d.requestTimeout());
        postgres = new Resource("postgresql", 1.0, d.requestTimeout());
        provider = new Resource("identity provider", d.identityVerifications(), d.requestTimeout());
    }

    /** Runs the night to the end (everyone through, or {@code maxSeconds}) and returns what happened. */
    public SimulationResult run() {
        loop.at(TICK, this::tick);
        loop.runAll();
        return result();
    }

    private void tick(EventLoop l) {
        // Tick times are whole multiples of the step, never sums of steps: a sum drifts, and an event
        // that lands between the drifted and the true boundary would be filed in a step already taken.
        long step = ++ticks;
        double t = step * TICK;
        double from = t - TICK;
        double half = t - TICK / 2;
        long previous = step - 1;

        double expected = (m.arrivalRate(from) + m.arrivalRate(t)) / 2 * TICK;
        double people = poisson(expected);
        arrived += people;
        joins.add(half, people * m.tabsPerPerson());

        double joining = joins.take(previous);
        double idPolls = identityPolls.take(previous);
        double bPolls = bookingPolls.take(previous);
        double refresh = m.refresherShare() * liveWaitingCache / m.refreshInterval() * TICK;
        double admittedPolls = identity.admittedPolls() - lastIdentityAdmittedPolls + booking.admittedPolls() - lastBookingAdmittedPolls;
        lastIdentityAdmittedPolls = identity.admittedPolls();
        lastBookingAdmittedPolls = booking.admittedPolls();
        double page = identityPage.take(previous);
        double challenges = challenge.take(previous);
        double verifies = verify.take(previous);
        double bJoins = bookingJoin.take(previous);
        double bPages = bookingPage.take(previous);
        double attempts = book.take(previous) * m.attemptsPerBooking();

        // Bots join without cookies at their rate: every accepted join is a new ticket that never polls.
        double botJoins = m.botJoinRate(half) * TICK;
        double joinRequests = joining + refresh + botJoins;
        double statusRequests = idPolls + bPolls + admittedPolls;
        double identityRequests = page + challenges + verifies + bJoins;
        double bookingRequests = 2 * bPages + attempts;
        count(Kind.JOIN, joinRequests);
        count(Kind.STATUS, statusRequests);
        count(Kind.IDENTITY, identityRequests);
        count(Kind.BOOKING, bookingRequests);

        nodes.offer(joinRequests / d.joinPerNode() + statusRequests / d.statusPerNode()
                + (identityRequests + bookingRequests) / d.otherPerNode());
        boolean useRedis = d.gateStore() == Deployment.GateStore.REDIS;
        if (useRedis) {
            double newTickets = joining * m.ticketsPerPerson() / m.tabsPerPerson() + botJoins;
            redis.offer(newTickets * REDIS_NEW_TICKET + admittedPolls * REDIS_ADMITTED_POLL
                    + (page + challenges + verifies + bPages * 2 + attempts) * REDIS_PASS_CHECK + bJoins * REDIS_KEYED_JOIN
                    + d.nodes() * 2 * REDIS_TICK_PER_GATE);
        }
        postgres.offer((challenges + verifies) / d.postgresVerifications() + attempts / d.postgresBookings());
        provider.offer(challenges);

        nodes.advance(TICK);
        redis.advance(TICK);
        postgres.advance(TICK);
        provider.advance(TICK);

        double okNode = 1 - nodes.dropRatio();
        double okRedis = useRedis ? 1 - redis.dropRatio() : 1;
        double okPg = 1 - postgres.dropRatio();
        double okProvider = 1 - provider.dropRatio();
        double redisDelay = useRedis ? redis.delay() : 0;

        double okJoin = okNode * (useRedis ? okRedis : 1);
        double okOther = okNode * okRedis;
        double okChallenge = okOther * okPg * okProvider;
        double okVerify = okOther * okPg;
        double okBook = okOther * okPg;
        fail(Kind.JOIN, joinRequests * (1 - okJoin));
        fail(Kind.STATUS, statusRequests * (1 - okNode));
        fail(Kind.IDENTITY, page * (1 - okOther) + bJoins * (1 - okOther) + challenges * (1 - okChallenge) + verifies * (1 - okVerify));
        fail(Kind.BOOKING, 2 * bPages * (1 - okOther) + attempts * (1 - okBook));

        // Joins: a failed join is tried again; a successful one holds a ticket (the browser's first) or the cookie's.
        double joined = joining * okJoin;
        joins.add(half + m.retryAfter(), retry(joining - joined));
        double peopleTickets = joined * m.ticketsPerPerson() / m.tabsPerPerson();
        double botTickets = botJoins * okJoin;
        if (peopleTickets + botTickets > 0) {
            identity.issue(peopleTickets + botTickets, botTickets / (peopleTickets + botTickets));
        }

        advance(identityPage, challenge, page, okOther, t);
        advance(challenge, verify, challenges, okChallenge, t);
        double verified = verifies * okVerify;
        verify.add(half + m.retryAfter(), retry(verifies - verified));
        identity.spent(verified);
        bookingJoin.addExponential(t, m.think(), verified);
        double bJoined = bJoins * okOther;
        bookingJoin.add(half + m.retryAfter(), retry(bJoins - bJoined));
        booking.issue(bJoined);
        double pagesOk = bPages * okOther;
        bookingPage.add(half + m.retryAfter(), retry(bPages - pagesOk));
        notEligible += pagesOk * (1 - m.eligibleShare());
        book.addExponential(t, m.think(), pagesOk * m.eligibleShare());
        double bookedNow = attempts / m.attemptsPerBooking() * okBook;
        book.add(half + m.retryAfter(), retry(attempts / m.attemptsPerBooking() - bookedNow));
        booked += bookedNow;
        booking.spent(bookedNow);

        double base = d.otherLatency() + nodes.delay() + redisDelay;
        identityHealth.record(challenges + verifies, challenges * (1 - okChallenge) + verifies * (1 - okVerify),
                base + postgres.delay() + provider.delay());
        bookingHealth.record(bPages + attempts, bPages * (1 - okOther) + attempts * (1 - okBook),
                base + postgres.delay() + (attempts > 0 ? d.bookingLatency() : 0));

        identity.tick();
        booking.tick();

        if (step % 10 == 0) {
            everySecond(t);
        }
        if (stopWhenUnhealthy && unhealthy) {
            l.stop();
            return;
        }
        boolean arrivalsOver = t > m.preQueue() + m.window();
        boolean done = arrivalsOver && joins.pending < 1e-3 && identityPage.pending < 1e-3 && challenge.pending < 1e-3
                && verify.pending < 1e-3 && bookingJoin.pending < 1e-3 && bookingPage.pending < 1e-3 && book.pending < 1e-3
                && identity.issued() - identity.noticedTickets() < 1e-3 && booking.issued() - booking.noticedTickets() < 1e-3;
        if (!done && t + TICK <= m.maxSeconds() + 1e-9) {
            l.at((step + 1) * TICK, this::tick);
        } else {
            // Cohorts of people still in line would poll on forever without ticks to admit them.
            truncated = !done;
            l.stop();
        }
    }

    private void advance(Stage from, Stage to, double people, double ok, double t) {
        double through = people * ok;
        from.add(t - TICK / 2 + m.retryAfter(), retry(people - through));
        to.addExponential(t, m.think(), through);
    }

    /** What of {@code failed} tries again; the rest left. */
    private double retry(double failed) {
        leftAfterErrors += failed * (1 - RETRY_SHARE);
        return failed * RETRY_SHARE;
    }

    private void count(Kind kind, double requests) {
        totalRequests[kind.ordinal()] += requests;
        secondRequests[kind.ordinal()] += requests;
    }

    private void fail(Kind kind, double requests) {
        failedRequests[kind.ordinal()] += requests;
    }

    private void everySecond(double t) {
        identity.compact();
        booking.compact();
        liveWaitingCache = identity.liveWaitingPeople();
        for (int k = 0; k < secondRequests.length; k++) {
            peakRequests[k] = Math.max(peakRequests[k], secondRequests[k]);
        }
        if (t > m.preQueue()) {
            DownstreamHealth ih = identityHealth.health();
            DownstreamHealth bh = bookingHealth.health();
            boolean bad = !healthy(ih) || !healthy(bh);
            if (bad && Double.isNaN(firstUnhealthy)) {
                firstUnhealthy = t - m.preQueue();
            }
            unhealthy |= bad;
        }
        samples.add(new SimulationResult.Sample(t - m.preQueue(), identity.waiting(), liveWaitingCache, booking.waiting(),
                identity.currentRate(), secondRequests[0], secondRequests[1], secondRequests[2], secondRequests[3],
                nodes.delay(), nodes.dropRatio(), booked));
        Arrays.fill(secondRequests, 0);
    }

    private boolean healthy(DownstreamHealth h) {
        return h.samples() == 0 || (h.p95Latency().toNanos() / 1e9 <= d.latencyTarget() && h.errorRatio() <= d.maxErrorRatio());
    }

    private double poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 500) {
            // Normal approximation: at this mean the Poisson's skew is below 5 %.
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
        }
        double limit = Math.exp(-mean);
        double p = random.nextDouble();
        int k = 0;
        while (p > limit) {
            p *= random.nextDouble();
            k++;
        }
        return k;
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    boolean unhealthy() {
        return unhealthy;
    }

    private SimulationResult result() {
        double opensAt = m.preQueue();
        List<SimulationResult.Component> components = new ArrayList<>();
        for (Resource r : d.gateStore() == Deployment.GateStore.REDIS ? List.of(nodes, redis, postgres, provider)
                : List.of(nodes, postgres, provider)) {
            components.add(new SimulationResult.Component(r.name(), r.capacity(), r.peakOffered(), r.peakServed(), r.peakDelay(),
                    r.totalOffered() > 0 ? r.totalDropped() / r.totalOffered() : 0));
        }
        List<SimulationResult.Requests> requests = new ArrayList<>();
        for (Kind k : Kind.values()) {
            requests.add(new SimulationResult.Requests(k.name().toLowerCase(java.util.Locale.ROOT), totalRequests[k.ordinal()],
                    peakRequests[k.ordinal()], failedRequests[k.ordinal()]));
        }
        return new SimulationResult(m.deployment().nodes(), m.deployment().gateStore().name().toLowerCase(java.util.Locale.ROOT),
                arrived, identity.issued(), identity.usefulAdmitted(), identity.duplicateAdmitted(), identity.unusedAdmitted(),
                booked, notEligible, leftAfterErrors,
                SimulationResult.Waits.of(identityWaits), SimulationResult.Waits.of(bookingWaits),
                Double.isNaN(identity.drainedAt()) ? Double.NaN : identity.drainedAt() - opensAt,
                Double.isNaN(booking.drainedAt()) ? Double.NaN : booking.drainedAt() - opensAt,
                ticks * TICK - opensAt, truncated, identity.meanUnnoticed(), firstUnhealthy,
                components, requests, samples, loop.fired());
    }

    /** Arrival-weighted Little's law figures of the identity line, for tests: λ (tickets/s over the run), L, W. */
    double[] identityLittle() {
        return new double[] {identity.issued() / loop.now(), identity.meanUnnoticed(), identityWaits.mean()};
    }
}
