package dev.orderly.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EvaluatorLease} promises. Adapters whose time is the store's cannot be driven:
 * the run-out case waits {@link #shortTtl()} of real time there, a driven clock in memory.
 */
public abstract class EvaluatorLeaseContract {

    protected abstract EvaluatorLease lease();

    /** Lets {@code d} pass for the lease. */
    protected abstract void pass(Duration d);

    protected Duration shortTtl() {
        return Duration.ofMillis(300);
    }

    @Test
    void oneNodeHoldsAtATimeAndRenewsItsOwnLease() {
        EvaluatorLease l = lease();
        assertThat(l.tryHold("a", Duration.ofMinutes(1)).held()).isTrue();
        assertThat(l.tryHold("b", Duration.ofMinutes(1)).held()).isFalse();
        assertThat(l.tryHold("a", Duration.ofMinutes(1)).held()).isTrue();
        assertThat(l.tryHold("b", Duration.ofMinutes(1)).storeTime()).isNotNull();
    }

    @Test
    void aLeaseNotRenewedRunsOutAndAnotherTakesIt() {
        EvaluatorLease l = lease();
        assertThat(l.tryHold("a", shortTtl()).held()).isTrue();
        pass(shortTtl().plusMillis(200));
        assertThat(l.tryHold("b", Duration.ofMinutes(1)).held()).isTrue();
        assertThat(l.tryHold("a", Duration.ofMinutes(1)).held()).isFalse();
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        EvaluatorLease l = lease();
        l.tryHold("a", Duration.ofMinutes(1));
        l.release("b");
        assertThat(l.tryHold("b", Duration.ofMinutes(1)).held()).isFalse();
        l.release("a");
        assertThat(l.tryHold("b", Duration.ofMinutes(1)).held()).isTrue();
    }
}
