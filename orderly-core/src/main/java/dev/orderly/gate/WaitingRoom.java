package dev.orderly.gate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The virtual waiting room: hands out signed tickets, tells each ticket its place, admits people
 * at each gate's rate, and turns admitted tickets into passes.
 *
 * <p>Design: per waiting person the server keeps nothing; the ticket is the state. The shared
 * state is two counters per gate in the {@link GateStore}. A status answer is a comparison of the
 * ticket's number with the mark. Each node remembers when the mark passed which number (one entry
 * per tick, not per person) so that a pass's expiry is the same however often it is asked for;
 * a node that does not know (it restarted) dates the admission to now, which errs in the
 * person's favour.
 *
 * <p>Time comes from the injected clock alone; nothing a client says about time is read.
 */
public final class WaitingRoom {

    private static final Duration MIN_POLL = Duration.ofSeconds(1);
    private static final Duration MAX_POLL = Duration.ofSeconds(30);
    private static final int MAX_HISTORY = 100_000;

    private final Map<String, GateConfig> gates;
    private final GateStore store;
    private final GateTokens tokens;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, FixedRateAdmission> policies;
    private final Map<String, FixedRateAdmission.State> policyStates = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentNavigableMap<Long, Instant>> admittedAt = new ConcurrentHashMap<>();

    public WaitingRoom(Iterable<GateConfig> gates, GateStore store, GateTokens tokens, Clock clock, RandomGenerator random) {
        this.gates = java.util.stream.StreamSupport.stream(gates.spliterator(), false)
                .collect(Collectors.toUnmodifiableMap(GateConfig::name, Function.identity()));
        this.store = Objects.requireNonNull(store);
        this.tokens = Objects.requireNonNull(tokens);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        this.policies = this.gates.values().stream()
                .collect(Collectors.toUnmodifiableMap(GateConfig::name, g -> new FixedRateAdmission(g.admitPerSecond())));
        // Nothing is owed for time before this room existed: a node started (or restarted) after
        // opening would otherwise admit (now - opensAt) x rate people, the whole line, on its first tick.
        Instant startedAt = clock.instant();
        this.gates.values().forEach(g -> {
            Instant owedFrom = g.opensAt().isAfter(startedAt) ? g.opensAt() : startedAt;
            policyStates.put(g.name(), policies.get(g.name()).start(owedFrom));
            admittedAt.put(g.name(), new ConcurrentSkipListMap<>());
        });
    }

    public Optional<GateConfig> gate(String name) {
        return Optional.ofNullable(gates.get(name));
    }

    /** A new place at the back of the line, for the browser {@code browserId}. */
    public Optional<JoinedTicket> join(String gate, String browserId) {
        if (!gates.containsKey(gate)) {
            return Optional.empty();
        }
        Ticket ticket = new Ticket(gate, store.issue(gate), clock.instant(), browserId);
        return Optional.of(new JoinedTicket(tokens.encode(ticket), ticket));
    }

    /** A freshly issued ticket and its signed form. */
    public record JoinedTicket(String token, Ticket ticket) {
    }

    /** Where the ticket stands now, asked by the browser {@code browserId}. */
    public GateStatus status(String gate, String ticketToken, String browserId) {
        GateConfig config = gates.get(gate);
        if (config == null) {
            return new GateStatus.Refused(GateStatus.Reason.UNKNOWN_GATE);
        }
        Optional<Ticket> decoded = tokens.decodeTicket(ticketToken);
        if (decoded.isEmpty()) {
            return new GateStatus.Refused(GateStatus.Reason.INVALID_TICKET);
        }
        Ticket ticket = decoded.get();
        if (!ticket.gate().equals(gate)) {
            return new GateStatus.Refused(GateStatus.Reason.OTHER_GATE);
        }
        if (!ticket.browserId().equals(browserId)) {
            return new GateStatus.Refused(GateStatus.Reason.OTHER_BROWSER);
        }
        Instant now = clock.instant();
        long mark = store.admittedUpTo(gate);
        if (ticket.sequence() <= mark) {
            Instant admitted = admittedAtOf(gate, ticket.sequence(), now);
            Pass pass = new Pass(gate, ticket.sequence(), browserId, admitted.plus(config.passLifetime()));
            if (!pass.validAt(now)) {
                return new GateStatus.Refused(GateStatus.Reason.PASS_EXPIRED);
            }
            return new GateStatus.Admitted(gate, ticket.sequence(), tokens.encode(pass), pass);
        }
        long ahead = ticket.sequence() - mark - 1;
        boolean open = !now.isBefore(config.opensAt());
        Duration untilOpen = open ? Duration.ZERO : Duration.between(now, config.opensAt());
        Duration eta = untilOpen.plus(Duration.ofMillis((long) Math.ceil((ahead + 1) * 1000.0 / config.admitPerSecond())));
        return new GateStatus.Waiting(gate, ticket.sequence(), ahead, eta, pollAfter(eta), open, config.opensAt());
    }

    /**
     * The pass behind {@code passToken} when it was issued by {@code gate} to {@code browserId}
     * and is still valid; empty otherwise.
     */
    public Optional<Pass> acceptPass(String gate, String passToken, String browserId) {
        Instant now = clock.instant();
        return tokens.decodePass(passToken)
                .filter(p -> p.gate().equals(gate))
                .filter(p -> p.browserId().equals(browserId))
                .filter(p -> p.validAt(now));
    }

    /** Moves every open gate's mark forward by what its policy owes since the last tick. */
    public void tick() {
        Instant now = clock.instant();
        for (GateConfig g : gates.values()) {
            FixedRateAdmission.Step step = policies.get(g.name()).step(policyStates.get(g.name()), now);
            policyStates.put(g.name(), step.next());
            if (step.admit() > 0) {
                long before = store.admittedUpTo(g.name());
                long after = store.admit(g.name(), step.admit());
                if (after > before) {
                    record(g.name(), after, now);
                }
            }
        }
    }

    /** Live figures of one gate. */
    public record Figures(String gate, long issued, long admitted, long waiting, double admitPerSecond) {
    }

    public Optional<Figures> figures(String gate) {
        GateConfig g = gates.get(gate);
        if (g == null) {
            return Optional.empty();
        }
        long issued = store.issued(gate);
        long admitted = store.admittedUpTo(gate);
        return Optional.of(new Figures(gate, issued, admitted, Math.max(0, issued - admitted), g.admitPerSecond()));
    }

    private void record(String gate, long mark, Instant now) {
        ConcurrentNavigableMap<Long, Instant> history = admittedAt.get(gate);
        history.putIfAbsent(mark, now);
        while (history.size() > MAX_HISTORY) {
            history.pollFirstEntry();
        }
    }

    private Instant admittedAtOf(String gate, long sequence, Instant now) {
        Map.Entry<Long, Instant> firstAtOrAbove = admittedAt.get(gate).ceilingEntry(sequence);
        return firstAtOrAbove == null ? now : firstAtOrAbove.getValue();
    }

    private Duration pollAfter(Duration eta) {
        // A quarter of the remaining wait, so people far back ask rarely; +-20% jitter so that
        // a crowd that joined together does not poll together.
        long base = Math.clamp(eta.toMillis() / 4, MIN_POLL.toMillis(), MAX_POLL.toMillis());
        long jitter = (long) (base * 0.2);
        return Duration.ofMillis(Math.max(MIN_POLL.toMillis() / 2, base - jitter + random.nextLong(2 * jitter + 1)));
    }
}
