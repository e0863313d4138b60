package dev.orderly.gate;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The virtual waiting room: hands out signed tickets, tells each ticket its place, admits people
 * at each gate's policy, and turns admitted tickets into passes.
 *
 * <p>Design. Per waiting person the server keeps nothing: the ticket is the state. A gate's
 * shared state lives in the {@link GateStore}: its counter, its progress (mark, pre-queue size,
 * policy memory) changed only by compare-and-set, checkpoints of when the mark moved, and a bitmap
 * of spent passes. Each node keeps a {@link View} of every gate, refreshed on each tick, so the
 * common status answer — still waiting — is an HMAC check and a comparison with the cached mark,
 * with no store lookup.
 *
 * <p>Order. People who join before opening hold pre-queue numbers; at the first tick after
 * opening (or the first join after opening, if that comes first) the pre-queue's size is fixed
 * and each number's rank is drawn by a keyed permutation ({@link PreQueueOrder}) of the gate's
 * lottery secret ({@link LotteryDraw}), drawn and committed to in public when the gate is first
 * configured and revealed once the pre-queue is drawn; later joiners rank by their number.
 * Admission moves the mark over ranks.
 *
 * <p>Nodes. Any number of nodes may tick the same gate: the tick's {@link GateTransition} is
 * applied by compare-and-set on the progress version, so one tick wins per interval and the total rate is
 * the policy's, not nodes × policy. Nodes' clocks should agree (NTP); a node whose clock runs
 * behind simply admits nothing on its ticks.
 *
 * <p>Claims. With a claim grace set, every answer that keeps a ticket waiting claims its number
 * until twice the poll interval it was told plus the grace ({@link Claims}); claims are gathered
 * in memory and written by this node's next tick, so a poll still costs no store call. A tick that
 * moves the mark counts only claimed numbers (and numbers issued within the grace, whose claims may
 * still be on their way from another node) toward what the policy owes, and passes over the rest
 * ({@link GateStore#lapse}): a ticket nobody asks about holds no place ahead of people who do.
 * Being passed over is being admitted in one's absence: a passed-over ticket that comes back while
 * the pass it would have had is valid gets that pass ({@link GateStore#revive}), so an answer that
 * came late (an overloaded server) never costs a place; later, its pass expired like anyone's
 * (docs/decisions.md, "Bot tickets are worth nothing"). A tick reads at most
 * {@link #MAX_SCAN} numbers, so a line of millions of unclaimed tickets drains over several ticks.
 *
 * <p>Time comes from the injected clock alone; nothing a client says about time is read.
 */
public final class WaitingRoom {

    private static final Duration RATE_WINDOW = Duration.ofSeconds(60);
    /** A reading of the mark further before the rate window's start than this is not used (the node was stalled). */
    private static final Duration MARK_READ_WITHIN = Duration.ofSeconds(1);
    /** The most numbers one tick reads claims of. */
    static final int MAX_SCAN = 20_000;

    /** What a node knows of a gate between ticks. */
    record View(GateConfig config, GateProgress progress, long issued, double measuredPerSecond, long outstanding,
                PreQueueOrder order) {
    }

    /** A new ticket and where it stands. */
    public sealed interface JoinOutcome {
    }

    public record Joined(String token, Ticket ticket, GateStatus status) implements JoinOutcome {
    }

    public record JoinRefused(GateStatus.Refused refusal) implements JoinOutcome {
    }

    private final GateStore store;
    private final GateTokens tokens;
    private final PassSigner passes;
    /** Lottery secrets must be unpredictable: not the poll jitter's generator. */
    private final SecureRandom draws = new SecureRandom();
    private final Clock clock;
    private final RandomGenerator random;
    private final Function<String, DownstreamHealth> health;
    private final Map<String, View> views = new ConcurrentHashMap<>();
    /** Null: nobody is passed over (every ticket keeps its place whether anyone asks or not). */
    private final Duration claimGrace;
    /** Claims answered since this node's last tick, by gate and number; the latest answer wins. */
    private final Map<String, Map<Long, Instant>> pendingClaims = new ConcurrentHashMap<>();
    /** Per gate, the counter as this node's ticks read it: which numbers are older than the grace. */
    private final Map<String, Readings> issuedHistory = new ConcurrentHashMap<>();
    /** Per gate, the mark as this node read it over the last rate window: the measured rate's start. */
    private final Map<String, Readings> markHistory = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> passedOver = new ConcurrentHashMap<>();
    /** How long a count of the outstanding passes is used, grown by each admission, before it is made again. */
    private final Duration outstandingRecount;
    /** Per gate, this node's last count of the outstanding passes. */
    private final Map<String, OutstandingCount> outstandingCounts = new ConcurrentHashMap<>();

    /** A count of the outstanding passes made at {@code at}, with the mark and pass lifetime it was made for. */
    private record OutstandingCount(Instant at, long mark, Duration lifetime, long outstanding) {
    }

    /**
     * A waiting room that keeps every ticket's place whether anyone asks about it or not.
     *
     * @param random poll jitter (needs no secrecy)
     * @param health each gate's downstream health, for the adaptive policy
     */
    public WaitingRoom(GateStore store, GateTokens tokens, PassSigner passes, Clock clock,
                       RandomGenerator random, Function<String, DownstreamHealth> health) {
        this(store, tokens, passes, clock, random, health, null);
    }

    /**
     * @param claimGrace how long past twice its poll interval a ticket stays claimed; null for never
     *                   passing anyone over
     */
    public WaitingRoom(GateStore store, GateTokens tokens, PassSigner passes, Clock clock,
                       RandomGenerator random, Function<String, DownstreamHealth> health, Duration claimGrace) {
        this(store, tokens, passes, clock, random, health, claimGrace, Duration.ZERO);
    }

    /**
     * @param claimGrace         how long past twice its poll interval a ticket stays claimed; null for
     *                           never passing anyone over
     * @param outstandingRecount how long a tick may use a count of the outstanding passes (made by an
     *                           earlier tick and grown by every admission since) before it counts again;
     *                           zero counts at every tick. Counting reads every spent mark of the last
     *                           pass lifetime (in PostgreSQL, one index entry each), so at a national
     *                           rate it is the costliest statement of a tick; the grown count is never
     *                           below the true one but for passes given back or revived meanwhile.
     */
    public WaitingRoom(GateStore store, GateTokens tokens, PassSigner passes, Clock clock,
                       RandomGenerator random, Function<String, DownstreamHealth> health, Duration claimGrace,
                       Duration outstandingRecount) {
        if (outstandingRecount.isNegative()) {
            throw new IllegalArgumentException("the outstanding recount must not be negative, was " + outstandingRecount);
        }
        this.outstandingRecount = outstandingRecount;
        if (claimGrace != null && claimGrace.isNegative()) {
            throw new IllegalArgumentException("claim grace must not be negative, was " + claimGrace);
        }
        this.claimGrace = claimGrace;
        this.store = Objects.requireNonNull(store);
        this.tokens = Objects.requireNonNull(tokens);
        this.passes = Objects.requireNonNull(passes);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        this.health = Objects.requireNonNull(health);
        store.configs().forEach(c -> refresh(c.name()));
    }

    // ------------------------------------------------------------------ configuration

    /** What became of a configuration asked for. */
    public sealed interface ConfigureOutcome {
    }

    /** Saved; every node uses it from its next tick. */
    public record Configured(GateConfig config) implements ConfigureOutcome {
    }

    /** Refused: the gate opened and drew its pre-queue at {@code opensAt}, which can no longer move. */
    public record OpeningFixed(Instant opensAt) implements ConfigureOutcome {
    }

    /** Refused: the gate's state kept changing under this call (ticks of other nodes); nothing was saved. */
    public record Contended(int tries) implements ConfigureOutcome {
    }

    private static final int CONFIGURE_TRIES = 20;

    /**
     * Creates or replaces a gate. Changing the opening time after the pre-queue was drawn is refused.
     *
     * <p>The save is a compare-and-set on the progress that also moves its version on
     * ({@link GateStore#saveConfigIf}), and a tick that may draw the pre-queue reads the
     * configuration after the progress: so a tick drawing with the old opening time and a move of
     * the opening time cannot both succeed, whichever node runs either.
     */
    public ConfigureOutcome configure(GateConfig config) {
        String gate = config.name();
        // Drawn before the configuration is saved: nobody can join a gate whose draw is not committed.
        lotteryOf(gate);
        for (int attempt = 1; attempt <= CONFIGURE_TRIES; attempt++) {
            GateProgress progress = store.progress(gate);
            Optional<GateConfig> before = store.config(gate);
            if (before.isPresent() && !before.get().opensAt().equals(config.opensAt()) && progress.preQueueFixed()) {
                return new OpeningFixed(before.get().opensAt());
            }
            GateProgress bumped = progress.next(progress.mark(), progress.preQueueSize(), progress.memory());
            if (store.saveConfigIf(config, progress, bumped)) {
                refresh(gate);
                return new Configured(config);
            }
        }
        return new Contended(CONFIGURE_TRIES);
    }

    public Optional<GateConfig> gate(String name) {
        View v = views.get(name);
        if (v == null) {
            return store.config(name).map(c -> refresh(c.name()).config());
        }
        return Optional.of(v.config());
    }

    public List<GateConfig> gates() {
        return store.configs();
    }

    // ------------------------------------------------------------------ joining and waiting

    /**
     * A place at the back of the line for {@code browserId}; on keyed gates, {@code holder}'s one
     * place (the same for every browser of the holder).
     */
    public JoinOutcome join(String gate, String browserId, String holder) {
        Optional<GateConfig> found = gate(gate);
        if (found.isEmpty()) {
            return new JoinRefused(new GateStatus.Refused(GateStatus.Reason.UNKNOWN_GATE));
        }
        GateConfig config = found.get();
        Instant now = clock.instant();
        Optional<JoinRefused> refused = refusal(config, now, holder);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (mustFixPreQueue(config, now)) {
            // The pre-queue is who joined before opening: fix its size before handing out a number
            // after opening, or this joiner would be drawn in with them (the first tick may be 100 ms off).
            tick(config);
        }
        boolean keyed = config.keyedByPerson();
        long sequence = keyed ? store.issueFor(gate, holder) : store.issue(gate);
        Ticket ticket = new Ticket(gate, sequence, now, browserId, keyed ? holder : "");
        GateStatus status = statusOf(ticket, now);
        if (keyed && status instanceof GateStatus.Refused r
                && (r.reason() == GateStatus.Reason.PASS_EXPIRED || r.reason() == GateStatus.Reason.PASS_SPENT)) {
            // The holder's turn came and went (used, or let expire, passed over or not): one new place at the back.
            ticket = new Ticket(gate, store.reissueFor(gate, holder, sequence), now, browserId, holder);
            status = statusOf(ticket, now);
        }
        return new Joined(tokens.encode(ticket), ticket, claimed(ticket, status, now));
    }

    /**
     * The same as {@link #join(String, String, String)} for a browser without a holder, when it
     * needs nothing from the store but a number ({@link GateStore#issueLater}): the caller need not
     * wait on a thread of its own. Empty when the join needs more (a gate this node has not seen
     * yet, a keyed gate, the pre-queue to be fixed): then call {@code join}.
     *
     * <p>The stage may complete on the thread that delivered the number (an event loop, for a
     * remote store), so no store is called there: a status that needs the store (the line moved
     * past the number while it was on its way, and the pass must be dated) is worked out on
     * {@code blocking} instead.
     */
    public Optional<CompletionStage<JoinOutcome>> joinLater(String gate, String browserId, Executor blocking) {
        View v = views.get(gate);
        if (v == null || v.config().keyedByPerson()) {
            return Optional.empty();
        }
        GateConfig config = v.config();
        Instant now = clock.instant();
        Optional<JoinRefused> refused = refusal(config, now, null);
        if (refused.isPresent()) {
            return Optional.of(CompletableFuture.completedFuture(refused.get()));
        }
        if (mustFixPreQueue(config, now)) {
            return Optional.empty();
        }
        return Optional.of(store.issueLater(gate).thenCompose(sequence -> {
            Ticket ticket = new Ticket(gate, sequence, now, browserId, "");
            String token = tokens.encode(ticket);
            View view = views.get(gate);
            long rank = rankOf(view, sequence);
            if (admittedIn(view, rank)) {
                return CompletableFuture.supplyAsync(() -> new Joined(token, ticket, admitted(view, ticket, rank, now, null)), blocking);
            }
            return CompletableFuture.completedFuture(new Joined(token, ticket, claimed(ticket, notAdmitted(view, ticket, rank, now), now)));
        }));
    }

    private static Optional<JoinRefused> refusal(GateConfig config, Instant now, String holder) {
        GatePhase phase = config.phaseAt(now);
        if (phase == GatePhase.SCHEDULED) {
            return Optional.of(new JoinRefused(new GateStatus.Refused(GateStatus.Reason.NOT_YET_JOINABLE,
                    "joins open at " + config.joinFrom())));
        }
        if (phase == GatePhase.CLOSED) {
            return Optional.of(new JoinRefused(new GateStatus.Refused(GateStatus.Reason.GATE_CLOSED, config.message())));
        }
        if (config.keyedByPerson() && (holder == null || holder.isEmpty())) {
            return Optional.of(new JoinRefused(new GateStatus.Refused(GateStatus.Reason.NEEDS_HOLDER)));
        }
        return Optional.empty();
    }

    private boolean mustFixPreQueue(GateConfig config, Instant now) {
        return config.phaseAt(now) == GatePhase.OPEN && !views.get(config.name()).progress().preQueueFixed();
    }

    /** Where the ticket stands now, asked by the browser {@code browserId}. */
    public GateStatus status(String gate, String ticketToken, String browserId) {
        return status(gate, ticketToken, browserId, true).orElseThrow();
    }

    /**
     * The same as {@link #status(String, String, String)} when the answer needs no store call —
     * the ticket is still waiting (by this node's view), or is refused — so a caller on an event
     * loop can answer the common poll at once. Empty when the answer needs the store (a gate this
     * node has not seen yet, or a ticket whose turn came): then call {@code status}.
     */
    public Optional<GateStatus> statusFromView(String gate, String ticketToken, String browserId) {
        return views.containsKey(gate) ? status(gate, ticketToken, browserId, false) : Optional.empty();
    }

    private Optional<GateStatus> status(String gate, String ticketToken, String browserId, boolean mayUseStore) {
        if (gate(gate).isEmpty()) {
            return Optional.of(new GateStatus.Refused(GateStatus.Reason.UNKNOWN_GATE));
        }
        Optional<Ticket> decoded = tokens.decodeTicket(ticketToken);
        if (decoded.isEmpty()) {
            return Optional.of(new GateStatus.Refused(GateStatus.Reason.INVALID_TICKET));
        }
        Ticket ticket = decoded.get();
        if (!ticket.gate().equals(gate)) {
            return Optional.of(new GateStatus.Refused(GateStatus.Reason.OTHER_GATE));
        }
        if (!ticket.browserId().equals(browserId)) {
            return Optional.of(new GateStatus.Refused(GateStatus.Reason.OTHER_BROWSER));
        }
        View view = views.get(gate);
        long rank = rankOf(view, ticket.sequence());
        Instant now = clock.instant();
        if (admittedIn(view, rank)) {
            return mayUseStore ? Optional.of(admitted(view, ticket, rank, now, null)) : Optional.empty();
        }
        return Optional.of(claimed(ticket, notAdmitted(view, ticket, rank, now), now));
    }

    /**
     * Claims {@code ticket}'s number until twice the poll interval {@code status} asks for, plus the
     * grace, if it keeps the ticket waiting; gathered for the next tick, so no store call here.
     */
    private GateStatus claimed(Ticket ticket, GateStatus status, Instant now) {
        if (claimGrace != null && status instanceof GateStatus.Waiting w) {
            pendingClaims.computeIfAbsent(ticket.gate(), g -> new ConcurrentHashMap<>())
                    .put(ticket.sequence(), now.plus(w.pollAfter().multipliedBy(2)).plus(claimGrace));
        }
        return status;
    }

    /**
     * Keeps {@code ticket}'s place without polls: its holder left the line and will be called back.
     * Lasts until the holder's browser polls again (the call-back restores the place).
     */
    public void hold(Ticket ticket) {
        if (claimGrace != null) {
            pendingClaims.computeIfAbsent(ticket.gate(), g -> new ConcurrentHashMap<>()).put(ticket.sequence(), Claims.HELD);
        }
    }

    /** How many places this node's ticks passed over in {@code gate} since it started (for metrics). */
    public long passedOver(String gate) {
        AtomicLong n = passedOver.get(gate);
        return n == null ? 0 : n.get();
    }

    private GateStatus statusOf(Ticket ticket, Instant now) {
        View view = views.get(ticket.gate());
        long rank = rankOf(view, ticket.sequence());
        return admittedIn(view, rank) ? admitted(view, ticket, rank, now, null) : notAdmitted(view, ticket, rank, now);
    }

    // ------------------------------------------------------------------ leaving the line and coming back

    /**
     * How long the holder of {@code sequence} still waits by the gate's own estimate (what the
     * waiting page shows); zero once admitted; empty for an unknown or closed gate, or one paused
     * with no time it is expected back. From this
     * node's view alone: a watcher may ask it of many places often.
     */
    public Optional<Duration> remainingWait(String gate, long sequence) {
        View view = views.get(gate);
        if (view == null) {
            return Optional.empty();
        }
        long rank = rankOf(view, sequence);
        if (admittedIn(view, rank)) {
            return Optional.of(Duration.ZERO);
        }
        Instant now = clock.instant();
        GateConfig config = view.config();
        if (config.phaseAt(now) == GatePhase.PAUSED && (config.notice().expectedBack() == null || !now.isBefore(config.notice().expectedBack()))) {
            // Paused with no time it moves again: nobody knows the wait, so nobody is called back for it.
            return Optional.empty();
        }
        return notAdmitted(view, new Ticket(gate, sequence, now, "", ""), rank, now) instanceof GateStatus.Waiting w
                ? Optional.of(w.eta()) : Optional.empty();
    }

    /**
     * The place of {@code original}, handed to {@code browserId} (the holder came back, maybe on
     * another device): the same number and holder, so the same rank, and one pass by rank as ever.
     * If the turn came, the pass lasts its lifetime from {@code notBefore} (when the holder was
     * called back) if that is later than the admission: nobody loses a turn for being away until
     * called.
     */
    public Joined restore(Ticket original, String browserId, Instant notBefore) {
        Instant now = clock.instant();
        Ticket ticket = new Ticket(original.gate(), original.sequence(), now, browserId, original.holder());
        View view = views.get(ticket.gate());
        if (view == null) {
            view = refresh(ticket.gate());
        }
        long rank = rankOf(view, ticket.sequence());
        GateStatus status = admittedIn(view, rank) ? admitted(view, ticket, rank, now, notBefore) : notAdmitted(view, ticket, rank, now);
        return new Joined(tokens.encode(ticket), ticket, claimed(ticket, status, now));
    }

    private static boolean admittedIn(View view, long rank) {
        return rank > 0 && rank <= view.progress().mark();
    }

    /** Waiting (or the gate closed): answered from the view alone, with no store call. */
    private GateStatus notAdmitted(View view, Ticket ticket, long rank, Instant now) {
        GateConfig config = view.config();
        GateProgress progress = view.progress();
        GatePhase phase = config.phaseAt(now);
        if (phase == GatePhase.CLOSED) {
            return new GateStatus.Refused(GateStatus.Reason.GATE_CLOSED, config.message());
        }
        double rate = ratePerSecond(view);
        Duration untilOpen = now.isBefore(config.opensAt()) ? Duration.between(now, config.opensAt()) : Duration.ZERO;
        Instant back = config.notice().expectedBack();
        if (phase == GatePhase.PAUSED && back != null && now.isBefore(back) && back.isAfter(now.plus(untilOpen))) {
            // Paused with a time the operators expect to resume: nobody moves before then.
            untilOpen = Duration.between(now, back);
        }
        if (rank == 0) {
            // In the pre-queue: the order is drawn at opening; on average half of it goes first.
            long inPreQueue = Math.max(view.issued(), ticket.sequence());
            Duration afterOpening = secondsFor(inPreQueue / 2.0, rate);
            Duration poll = PollSchedule.preQueue(untilOpen, afterOpening, config.maxPollInterval()).pick(random);
            return new GateStatus.Waiting(ticket.gate(), 0, inPreQueue - 1, untilOpen.plus(afterOpening), poll, phase,
                    config.opensAt(), config.notice());
        }
        long ahead = rank - progress.mark() - 1;
        Duration eta = untilOpen.plus(secondsFor(ahead + 1, rate));
        Duration poll = (phase == GatePhase.PAUSED ? PollSchedule.paused(config.maxPollInterval())
                : PollSchedule.ranked(eta, config.maxPollInterval())).pick(random);
        return new GateStatus.Waiting(ticket.gate(), rank, ahead, eta, poll, phase, config.opensAt(), config.notice());
    }

    /** @param notBefore the pass's lifetime runs from no earlier than this (a called-back holder); null for none */
    private GateStatus admitted(View view, Ticket ticket, long rank, Instant now, Instant notBefore) {
        String gate = ticket.gate();
        Optional<Instant> admittedAt = store.admittedAt(gate, rank);
        // A checkpoint trimmed away is older than any pass lifetime; only a later call-back can still date the pass.
        Instant from = admittedAt.map(at -> notBefore != null && notBefore.isAfter(at) ? notBefore : at).orElse(notBefore);
        if (from == null) {
            return new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED);
        }
        Instant expiresAt = from.plus(view.config().passLifetime());
        if (!now.isBefore(expiresAt)) {
            return new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED);
        }
        if (store.spent(gate, rank)) {
            // Passed over = admitted in its absence: back within the pass's lifetime, it gets the pass
            // it would have had. Revived once (the store's revive is atomic), so whichever of two tabs
            // revives it, the spent mark still lets the pass open the step once.
            if (store.claimedUntil(gate, List.of(ticket.sequence())).getFirst().equals(Claims.LAPSED)) {
                store.revive(gate, ticket.sequence(), rank);
            }
            if (store.spent(gate, rank)) {
                return new GateStatus.Refused(GateStatus.Reason.PASS_SPENT);
            }
        }
        Pass pass = new Pass(gate, rank, ticket.browserId(), ticket.holder(), now, expiresAt);
        return new GateStatus.Admitted(gate, rank, passes.sign(pass), pass);
    }

    /** The ticket's rank, or 0 while it waits in a pre-queue not yet drawn. */
    private static long rankOf(View view, long sequence) {
        long size = view.progress().preQueueSize();
        if (size < 0) {
            // Not drawn yet: everyone who joined so far will be in the pre-queue when it is.
            return 0;
        }
        return sequence <= size ? view.order().rankOf(sequence) : sequence;
    }

    private static Duration secondsFor(double people, double perSecond) {
        return Duration.ofMillis((long) Math.ceil(people * 1000.0 / Math.max(perSecond, 1e-3)));
    }

    /**
     * The rate to estimate waits by. The measured rate alone underestimates a gate whose line ran
     * empty for part of the window (it admitted everyone there was), so for policies whose rate is
     * known — fixed, or the adaptive policy's current rate — the larger of the two is used; a
     * concurrency target's pace is only known by measuring it.
     */
    private static double ratePerSecond(View view) {
        double known = view.config().admission().knownPerSecond(view.progress().memory());
        double rate = Math.max(view.measuredPerSecond(), known);
        return rate > 0 ? rate : view.config().admitPerSecond();
    }

    // ------------------------------------------------------------------ passes

    /** Whether {@code passToken} lets {@code browserId} into the step behind {@code gate}. */
    public PassCheck check(String gate, String passToken, String browserId) {
        if (passToken == null || passToken.isEmpty()) {
            return new PassCheck.Refused(PassCheck.Reason.MISSING);
        }
        Optional<Pass> verified = passes.verify(passToken);
        if (verified.isEmpty()) {
            return new PassCheck.Refused(PassCheck.Reason.FORGED);
        }
        Pass pass = verified.get();
        if (!pass.gate().equals(gate)) {
            return new PassCheck.Refused(PassCheck.Reason.OTHER_GATE);
        }
        if (!pass.browserId().equals(browserId)) {
            return new PassCheck.Refused(PassCheck.Reason.OTHER_BROWSER);
        }
        if (!pass.validAt(clock.instant())) {
            return new PassCheck.Refused(PassCheck.Reason.EXPIRED);
        }
        if (store.spent(gate, pass.rank())) {
            return new PassCheck.Refused(PassCheck.Reason.SPENT);
        }
        return new PassCheck.Valid(pass);
    }

    /** Marks the pass used: the step it admitted to is complete. True the first time. */
    public boolean spend(Pass pass) {
        return store.spend(pass.gate(), pass.rank());
    }

    /**
     * Runs {@code step} as the one use of {@code pass}: of any number of callers with the same pass,
     * on any nodes, exactly one runs it; the others get empty. If the step throws (its write
     * failed), the pass is given back before the exception goes on, so the failure costs its holder
     * no turn.
     */
    public <T> Optional<T> useOnce(Pass pass, Supplier<T> step) {
        if (!store.spend(pass.gate(), pass.rank())) {
            return Optional.empty();
        }
        try {
            return Optional.of(step.get());
        } catch (RuntimeException | Error e) {
            try {
                store.unspend(pass.gate(), pass.rank());
            } catch (RuntimeException giveBack) {
                e.addSuppressed(giveBack);
            }
            throw e;
        }
    }

    /**
     * Whether {@code gate} lets people through without waiting just now: open, and nobody in its
     * line (everyone who took a place has been admitted). A step that may skip the line only then
     * asks this; it reads this node's view (up to one tick old), no store.
     */
    public boolean idle(String gate) {
        View v = views.get(gate);
        return v != null && v.config().phaseAt(clock.instant()) == GatePhase.OPEN && v.issued() <= v.progress().mark();
    }

    // ------------------------------------------------------------------ admission

    /** Moves every open gate's mark forward by what its policy owes, and refreshes this node's views. */
    public void tick() {
        for (GateConfig config : store.configs()) {
            tick(config);
        }
    }

    private void tick(GateConfig seen) {
        String gate = seen.name();
        Instant now = clock.instant();
        // The configuration is read with or after the progress: a change saved in between (which
        // moves the version on, see configure) makes this tick's compare-and-set fail rather than
        // draw the pre-queue with an old opening time, and a view is never made of a newer progress
        // and an older configuration (a pause would be undone in this node's view until the next tick).
        GateStore.Reading reading = store.reading(gate);
        GateProgress progress = reading.progress();
        GateConfig config = reading.config().orElse(seen);
        flushClaims(gate);
        long issued = store.issued(gate);
        long outstanding = outstanding(config, progress, now);
        GateProgress next = GateTransition.next(progress, config, issued, outstanding, health.apply(gate), now).next();
        List<GateStore.PassedOver> passed = List.of();
        if (next != null && claimGrace != null && next.mark() > progress.mark()) {
            Admission admission = passOverUnclaimed(config, progress, next, issued, now);
            next = admission.next();
            passed = admission.passedOver();
        }
        if (claimGrace != null) {
            issuedHistory.computeIfAbsent(gate, g -> new Readings()).record(now, issued, now.minus(claimGrace));
        }
        if (next != null) {
            if (store.advance(gate, progress, next, now)) {
                if (!passed.isEmpty()) {
                    store.lapse(gate, passed);
                    passedOver.computeIfAbsent(gate, g -> new AtomicLong()).addAndGet(passed.size());
                }
                // Everyone this tick admitted holds a fresh pass.
                outstanding += next.mark() - progress.mark() - passed.size();
                progress = next;
            } else {
                // Another tick or a change won this round: show what it made, with the configuration
                // as it is now (a change moves the version on too).
                GateStore.Reading after = store.reading(gate);
                progress = after.progress();
                config = after.config().orElse(config);
                outstanding = outstanding(config, progress, now);
            }
        }
        if (now.getEpochSecond() % 10 == 0) {
            Duration keep = max(config.passLifetime(), RATE_WINDOW).plus(RATE_WINDOW);
            store.trimCheckpoints(gate, now.minus(keep));
        }
        publish(config, progress, issued, outstanding, now);
    }

    private void flushClaims(String gate) {
        Map<Long, Instant> pending = pendingClaims.remove(gate);
        if (pending != null && !pending.isEmpty()) {
            store.claim(gate, pending);
        }
    }

    private record Admission(GateProgress next, List<GateStore.PassedOver> passedOver) {
    }

    /**
     * Moves the mark over as many claimed places as {@code next} admits, passing over unclaimed ones
     * on the way. Numbers issued within the grace count as claimed (their join's claim may not be
     * written yet); so does every number until this node has watched the counter for a grace.
     */
    private Admission passOverUnclaimed(GateConfig config, GateProgress progress, GateProgress next, long issued, Instant now) {
        String gate = config.name();
        Readings history = issuedHistory.get(gate);
        long oldUpTo = history == null ? -1 : history.valueAtOrBefore(now.minus(claimGrace), Instant.MIN);
        if (oldUpTo <= progress.mark()) {
            return new Admission(next, List.of());
        }
        long want = next.mark() - progress.mark();
        long preQueue = next.preQueueSize();
        PreQueueOrder order = preQueue > 0 ? orderOf(config, preQueue) : null;
        long limit = Math.min(issued, progress.mark() + MAX_SCAN);
        long rank = progress.mark();
        long admitted = 0;
        List<GateStore.PassedOver> passed = new ArrayList<>();
        while (admitted < want && rank < limit) {
            int chunk = (int) Math.min(limit - rank, Math.max(64, 2 * (want - admitted)));
            List<Long> numbers = new ArrayList<>(chunk);
            for (long r = rank + 1; r <= rank + chunk; r++) {
                numbers.add(r <= preQueue ? order.numberAt(r) : r);
            }
            List<Instant> until = store.claimedUntil(gate, numbers);
            for (int i = 0; i < chunk && admitted < want; i++) {
                rank++;
                long number = numbers.get(i);
                if (number > oldUpTo || Claims.holds(until.get(i), now)) {
                    admitted++;
                } else {
                    passed.add(new GateStore.PassedOver(number, rank));
                }
            }
        }
        return new Admission(progress.next(rank, next.preQueueSize(), next.memory()), passed);
    }

    private PreQueueOrder orderOf(GateConfig config, long preQueue) {
        View view = views.get(config.name());
        if (view != null && view.order() != null && view.order().size() == preQueue && view.config().opensAt().equals(config.opensAt())) {
            return view.order();
        }
        return lotteryOf(config.name()).order(config.name(), config.opensAt(), preQueue);
    }

    /**
     * The mark at {@code at} for the measured rate: as this node's own ticks read it, when one read
     * it shortly before {@code at}, else from the store's checkpoints. Every tick of every gate asked
     * the store (issue #17); another node's admissions in the moment between that reading and
     * {@code at} count as inside the window: a tick's worth on a node that ticks on time, never
     * more than {@link #MARK_READ_WITHIN}'s.
     */
    private long markAt(String gate, Instant at) {
        Readings history = markHistory.computeIfAbsent(gate, g -> new Readings());
        long read = history.valueAtOrBefore(at, at.minus(MARK_READ_WITHIN));
        if (read >= 0) {
            return read;
        }
        // A node younger than the window (just started, or the gate opened less than a window ago)
        // has no reading of its start: the store's answer serves as one until the window has moved
        // on by MARK_READ_WITHIN, so such a node asks once a second, not on every tick.
        long stored = store.markAt(gate, at);
        history.recordEarlier(at, stored);
        return stored;
    }

    /**
     * A figure of one gate as this node read it, with when: what the store held a while ago without
     * asking it again (the counter a grace ago, the mark a rate window ago).
     */
    private static final class Readings {
        /** Two readings out of order by less than this are a tick and a refresh racing; by more, the clock went back. */
        private static final Duration RACE = Duration.ofSeconds(1);

        private record Reading(Instant at, long value) {
        }

        private final Deque<Reading> readings = new ArrayDeque<>();

        /** Adds a reading; keeps the latest one at or before {@code keepFrom} and every later one. */
        synchronized void record(Instant at, long value, Instant keepFrom) {
            if (!readings.isEmpty() && at.isBefore(readings.peekLast().at())) {
                if (at.isAfter(readings.peekLast().at().minus(RACE))) {
                    return; // the later reading is already here
                }
                // The clock went back: what was read "later" cannot be placed any more.
                readings.clear();
            }
            readings.addLast(new Reading(at, value));
            while (readings.size() > 1) {
                Reading first = readings.pollFirst();
                if (readings.peekFirst().at().isAfter(keepFrom)) {
                    readings.addFirst(first);
                    break;
                }
            }
        }

        /** Adds a reading older than the latest one (asked of the store afterwards), in its place by time. */
        synchronized void recordEarlier(Instant at, long value) {
            List<Reading> later = new ArrayList<>();
            while (!readings.isEmpty() && readings.peekLast().at().isAfter(at)) {
                later.addFirst(readings.pollLast());
            }
            readings.addLast(new Reading(at, value));
            readings.addAll(later);
        }

        /** The value of the latest reading at or before {@code at}, if it is not before {@code notBefore}; -1 otherwise. */
        synchronized long valueAtOrBefore(Instant at, Instant notBefore) {
            for (Iterator<Reading> it = readings.descendingIterator(); it.hasNext(); ) {
                Reading r = it.next();
                if (!r.at().isAfter(at)) {
                    return r.at().isBefore(notBefore) ? -1 : r.value();
                }
            }
            return -1;
        }
    }

    private long outstanding(GateConfig config, GateProgress progress, Instant now) {
        String gate = config.name();
        OutstandingCount last = outstandingCounts.get(gate);
        if (last != null && last.lifetime().equals(config.passLifetime()) && progress.mark() >= last.mark()
                && !now.isBefore(last.at()) && now.isBefore(last.at().plus(outstandingRecount))) {
            // Everyone admitted since holds a pass; passes spent or expired since are still counted,
            // which only holds admission back until the next count.
            return last.outstanding() + progress.mark() - last.mark();
        }
        long since = store.markAt(gate, now.minus(config.passLifetime()));
        long counted = Math.max(0, progress.mark() - since - store.spentAbove(gate, since));
        outstandingCounts.put(gate, new OutstandingCount(now, progress.mark(), config.passLifetime(), counted));
        return counted;
    }

    /** Reads a gate afresh from the store into this node's view. */
    private View refresh(String gate) {
        GateStore.Reading reading = store.reading(gate);
        GateConfig config = reading.config().orElseThrow(() -> new IllegalStateException("gate '" + gate + "' is not configured"));
        GateProgress progress = reading.progress();
        Instant now = clock.instant();
        return publish(config, progress, store.issued(gate), outstanding(config, progress, now), now);
    }

    private View publish(GateConfig config, GateProgress progress, long issued, long outstanding, Instant now) {
        String gate = config.name();
        Instant windowStart = now.minus(RATE_WINDOW);
        if (windowStart.isBefore(config.opensAt())) {
            windowStart = config.opensAt();
        }
        Duration window = Duration.between(windowStart, now);
        double measured = 0;
        if (window.toMillis() >= 2_000 && config.phaseAt(now) == GatePhase.OPEN) {
            measured = (progress.mark() - markAt(gate, windowStart)) * 1000.0 / window.toMillis();
        }
        markHistory.computeIfAbsent(gate, g -> new Readings()).record(now, progress.mark(), now.minus(RATE_WINDOW).minus(MARK_READ_WITHIN));
        View before = views.get(gate);
        PreQueueOrder order = before != null && before.order() != null && before.order().size() == progress.preQueueSize()
                && before.config().opensAt().equals(config.opensAt())
                ? before.order()
                : progress.preQueueFixed()
                        ? lotteryOf(gate).order(gate, config.opensAt(), progress.preQueueSize())
                        : null;
        View view = new View(config, progress, issued, measured, outstanding, order);
        // A tick that read the store before an operator's change may finish after the change was
        // published: its older view must not replace the newer one (the versions only go up).
        return views.merge(gate, view, (old, made) -> made.progress().version() >= old.progress().version() ? made : old);
    }

    /** The gate's committed draw; drawn now for a gate saved without {@link #configure} (every node agrees on one). */
    private LotteryDraw lotteryOf(String gate) {
        return store.lottery(gate).orElseGet(() -> store.commitLottery(gate, LotteryDraw.draw(draws, clock.instant())));
    }

    // ------------------------------------------------------------------ the lottery in public

    /**
     * What anyone may know of a gate's lottery: always its commitment; once the pre-queue is drawn
     * (its size fixed, so nobody else can enter it), the secret itself.
     *
     * @param secretHex    the secret in hex once revealed; else empty
     * @param preQueueSize the pre-queue's size once drawn; else -1
     */
    public record LotteryState(String gate, String commitment, Instant committedAt, Instant joinFrom, Instant opensAt,
                               boolean revealed, String secretHex, long preQueueSize) {
    }

    public Optional<LotteryState> lottery(String gate) {
        Optional<GateConfig> found = gate(gate);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        GateConfig config = found.get();
        LotteryDraw draw = lotteryOf(gate);
        GateProgress progress = views.get(gate).progress();
        boolean revealed = progress.preQueueFixed();
        return Optional.of(new LotteryState(gate, draw.commitment(gate), draw.committedAt(), config.joinFrom(), config.opensAt(),
                revealed, revealed ? draw.secretHex() : "", revealed ? progress.preQueueSize() : -1));
    }

    /**
     * The place a ticket stands for, whoever shows it: its number, and its rank as this gate admits
     * by (0 while the pre-queue is not drawn). Nothing here is secret once the lottery is revealed:
     * anyone can recompute the rank from the number.
     */
    public record DrawnPlace(String gate, long number, long rank, boolean inPreQueue) {
    }

    /** Empty for a ticket this server did not sign, or one of another gate. */
    public Optional<DrawnPlace> placeOf(String gate, String ticketToken) {
        if (gate(gate).isEmpty()) {
            return Optional.empty();
        }
        return tokens.decodeTicket(ticketToken).filter(t -> t.gate().equals(gate)).map(t -> {
            View view = views.get(gate);
            long size = view.progress().preQueueSize();
            return new DrawnPlace(gate, t.sequence(), rankOf(view, t.sequence()), size < 0 || t.sequence() <= size);
        });
    }

    /** What became of an operator's re-draw. */
    public sealed interface RedrawOutcome {
    }

    /** A new secret replaced the old one; nobody could join yet, so no order was ever drawn from the old. */
    public record Redrawn(LotteryState before, LotteryState after) implements RedrawOutcome {
    }

    /** Refused: joins opened at {@code since} (or someone holds a number), and the committed draw is final. */
    public record LotteryFixed(Instant since, String commitment) implements RedrawOutcome {
    }

    public record NoSuchGate(String gate) implements RedrawOutcome {
    }

    /**
     * Draws a new secret for {@code gate}, allowed only before its joins open and while nobody holds
     * a number (a suspected leak of an unused secret, say). After that the commitment is binding:
     * whoever runs the gate cannot draw again until the order suits them.
     */
    public RedrawOutcome redrawLottery(String gate) {
        Optional<LotteryState> before = lottery(gate);
        if (before.isEmpty()) {
            return new NoSuchGate(gate);
        }
        GateConfig config = gate(gate).orElseThrow();
        LotteryDraw current = lotteryOf(gate);
        Instant now = clock.instant();
        if (!now.isBefore(config.joinFrom()) || store.issued(gate) > 0 || store.progress(gate).preQueueFixed()) {
            return new LotteryFixed(config.joinFrom(), current.commitment(gate));
        }
        if (!store.redrawLottery(gate, current, LotteryDraw.draw(draws, now))) {
            // Another operator's re-draw won: theirs stands.
            return new LotteryFixed(config.joinFrom(), lotteryOf(gate).commitment(gate));
        }
        return new Redrawn(before.get(), lottery(gate).orElseThrow());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    // ------------------------------------------------------------------ figures

    public Optional<GateFigures> figures(String gate) {
        if (gate(gate).isEmpty()) {
            return Optional.empty();
        }
        View v = views.get(gate);
        long waiting = Math.max(0, v.issued() - v.progress().mark());
        double rate = ratePerSecond(v);
        return Optional.of(new GateFigures(gate, v.config().phaseAt(clock.instant()), v.issued(), v.progress().mark(), waiting,
                v.measuredPerSecond() > 0 ? v.measuredPerSecond() : rate, secondsFor(waiting, rate), v.outstanding(),
                v.progress().preQueueSize(), v.config().message()));
    }
}
