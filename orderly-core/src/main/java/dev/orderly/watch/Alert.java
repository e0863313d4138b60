package dev.orderly.watch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A condition the watchdog raised: which rule, about what ({@code subject}: a gate, a node, a
 * provider, or {@code "deployment"}), why, and where the runbook says what to do.
 *
 * @param runbook    the anchor of the rule's entry in {@code docs/runbook.md}, e.g. {@code booking-stalled}
 * @param resolvedAt null while the alert is active
 */
public record Alert(String rule, String subject, String detail, String runbook, Instant raisedAt, Instant resolvedAt) {

    public Alert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(raisedAt, "raisedAt");
    }

    /** One alert per rule and subject may be active at a time. */
    public String key() {
        return rule + "|" + subject;
    }

    public boolean active() {
        return resolvedAt == null;
    }

    public Optional<Instant> resolved() {
        return Optional.ofNullable(resolvedAt);
    }

    public Alert resolvedAt(Instant at) {
        return new Alert(rule, subject, detail, runbook, raisedAt, at);
    }
}
