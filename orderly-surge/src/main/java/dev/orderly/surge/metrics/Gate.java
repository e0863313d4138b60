package dev.orderly.surge.metrics;

/** The two gates a person waits at; {@link #slug()} is the gate's name in Orderly's paths and in the report. */
public enum Gate {
    IDENTITY("identity", Endpoint.IDENTITY_JOIN, Endpoint.IDENTITY_STATUS),
    BOOKING("booking", Endpoint.BOOKING_JOIN, Endpoint.BOOKING_STATUS);

    private final String slug;
    private final Endpoint join;
    private final Endpoint status;

    Gate(String slug, Endpoint join, Endpoint status) {
        this.slug = slug;
        this.join = join;
        this.status = status;
    }

    public String slug() {
        return slug;
    }

    /** The endpoint a tab's joins (and refreshes) are counted under. */
    public Endpoint join() {
        return join;
    }

    /** The endpoint a tab's status polls are counted under. */
    public Endpoint status() {
        return status;
    }
}
