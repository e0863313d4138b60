package dev.orderly.standby;

/** A release with what became of its offers so far. */
public record ReleaseSummary(Release release, int open, int claimed, int expired) {

    /** Doses not yet given to an open or claimed offer. */
    public int unoffered() {
        return release.doses() - open - claimed;
    }
}
