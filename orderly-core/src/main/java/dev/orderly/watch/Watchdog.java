package dev.orderly.watch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates the rules on each new set of figures and keeps the alert book in step: a finding
 * with no active alert raises one (and every sink gets it), an active alert of one of these rules
 * with no finding any more is resolved (and every sink hears so).
 *
 * <p>One evaluator at a time: the caller holds the {@link EvaluatorLease} before it calls
 * {@link #evaluate}; the book is shared, so an evaluator that takes over from another resolves
 * what that one raised. The readings are this evaluator's own: after a take-over, rules that need a
 * minute of history wait a minute. A sink that throws is logged and skipped: one dead webhook
 * must not keep the SMS from going out.
 */
public final class Watchdog {

    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    private final List<Rule> rules;
    private final AlertBook book;
    private final List<AlertSink> sinks;
    private final Clock clock;
    private final Readings readings;

    public Watchdog(List<Rule> rules, AlertBook book, List<AlertSink> sinks, Clock clock) {
        this.rules = List.copyOf(rules);
        this.book = book;
        this.sinks = List.copyOf(sinks);
        this.clock = clock;
        this.readings = new Readings(Duration.ofMinutes(62));
    }

    /** What one evaluation changed. */
    public record Changes(List<Alert> raised, List<Alert> resolved) {
    }

    /** Adds {@code figures} to the readings, checks every rule, raises and resolves. */
    public Changes evaluate(Figures figures) {
        readings.add(figures);
        Map<String, Alert> found = new HashMap<>();
        for (Rule rule : rules) {
            List<Rule.Finding> findings;
            try {
                findings = rule.check(readings);
            } catch (RuntimeException e) {
                // A rule with a bug must not blind the others.
                LOG.log(System.Logger.Level.WARNING, "rule " + rule.id() + " failed: " + e);
                continue;
            }
            for (Rule.Finding f : findings) {
                Alert a = new Alert(rule.id(), f.subject(), f.detail(), rule.id(), clock.instant(), null);
                found.putIfAbsent(a.key(), a);
            }
        }
        Set<String> ours = new java.util.HashSet<>(rules.stream().map(Rule::id).toList());
        List<Alert> raised = new ArrayList<>();
        List<Alert> resolved = new ArrayList<>();
        Map<String, Alert> active = new HashMap<>();
        book.active().forEach(a -> active.put(a.key(), a));
        for (Alert a : found.values()) {
            if (!active.containsKey(a.key()) && book.raise(a)) {
                raised.add(a);
            }
        }
        for (Alert a : active.values()) {
            if (ours.contains(a.rule()) && !found.containsKey(a.key())) {
                Alert done = a.resolvedAt(clock.instant());
                if (book.resolve(a.key(), done.resolvedAt())) {
                    resolved.add(done);
                }
            }
        }
        raised.forEach(this::send);
        resolved.forEach(this::send);
        return new Changes(List.copyOf(raised), List.copyOf(resolved));
    }

    private void send(Alert alert) {
        for (AlertSink sink : sinks) {
            try {
                sink.deliver(alert);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "alert " + alert.key() + " not taken by " + sink.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
