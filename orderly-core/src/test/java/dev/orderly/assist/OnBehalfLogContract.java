package dev.orderly.assist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every {@link OnBehalfLog} promises. Bind it with a subclass per adapter. */
public abstract class OnBehalfLogContract {

    private static final Instant T0 = Instant.parse("2021-08-09T11:00:00Z");

    /** An empty log; called once per test. */
    protected abstract OnBehalfLog newLog();

    @Test
    void aResidentSeesWhatWasDoneForThemNewestFirst() {
        OnBehalfLog log = newLog();
        OnBehalf booked = new OnBehalf(17, "ABC123", OnBehalf.BOOK, "person:5", T0);
        OnBehalf changed = new OnBehalf(17, "ABC123", OnBehalf.CHANGE, "agent:kim", T0.plusSeconds(60));
        log.record(booked);
        log.record(new OnBehalf(18, "XYZ999", OnBehalf.BOOK, "person:5", T0.plusSeconds(30)));
        log.record(changed);

        assertThat(log.of(17, 10)).containsExactly(changed, booked);
        assertThat(log.of(17, 1)).containsExactly(changed);
        assertThat(log.of(99, 10)).isEmpty();
    }
}
