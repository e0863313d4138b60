package dev.orderly.watch;

/**
 * Where raised and resolved alerts are sent (a webhook, on-call phones). A sink takes the alert
 * for delivery and returns: it must not block the watchdog on a slow receiver, and a receiver that
 * is down must get the alert later (the server's sinks write it into an outbox that is retried).
 * A sink that cannot even take the alert throws; the watchdog logs it and goes on with the others.
 */
public interface AlertSink {

    /** {@code alert} was raised ({@link Alert#active()}) or resolved. */
    void deliver(Alert alert);
}
