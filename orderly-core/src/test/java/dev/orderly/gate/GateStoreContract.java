package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GateStore} promises, run against each adapter by a subclass that only says
 * how to make an empty store: numbers handed out once each, from 1, under any contention; a mark
 * that never moves back nor past the last number issued; gates that do not see each other.
 *
 * <p>Test methods are public so that a binding in another package can override one with
 * {@code @Disabled("why")} when its adapter cannot pass that case.
 */
public abstract class GateStoreContract {

    private static final Duration RACE_TIMEOUT = Duration.ofSeconds(60);

    private GateStore store;

    public GateStoreContract() {
    }

    /** A new store in which no gate has issued or admitted anyone. */
    protected abstract GateStore newStore();

    /** Threads issuing at once in the concurrency tests. */
    protected int issueThreads() {
        return 8;
    }

    /** Numbers each of those threads asks for. */
    protected int issuesPerThread() {
        return 10_000;
    }

    /** The store under test, for checks an adapter's binding adds of its own. */
    protected GateStore store() {
        return store;
    }

    @BeforeEach
    protected void emptyStore() {
        store = newStore();
    }

    @Test
    public void aGateNobodyJoinedHasIssuedAndAdmittedNothing() {
        assertThat(store.issued("identity")).isZero();
        assertThat(store.admittedUpTo("identity")).isZero();
    }

    @Test
    public void numbersStartAtOneAndFollowEachOther() {
        assertThat(store.issue("identity")).isEqualTo(1);
        assertThat(store.issue("identity")).isEqualTo(2);
        assertThat(store.issue("identity")).isEqualTo(3);
        assertThat(store.issued("identity")).isEqualTo(3);
    }

    @Test
    public void concurrentCallersNeverGetTheSameNumber() {
        int threads = issueThreads();
        int each = issuesPerThread();

        List<long[]> issued = Race.run(threads, RACE_TIMEOUT, i -> {
            long[] mine = new long[each];
            for (int n = 0; n < each; n++) {
                mine[n] = store.issue("identity");
            }
            return mine;
        });

        long total = (long) threads * each;
        long[] all = issued.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        // total numbers, all different, from 1 to total: exactly 1..total.
        assertThat(Arrays.stream(all).distinct().count()).as("different numbers among %d handed out", total).isEqualTo(total);
        assertThat(all[0]).isEqualTo(1);
        assertThat(all[all.length - 1]).isEqualTo(total);
        assertThat(store.issued("identity")).isEqualTo(total);
        for (long[] mine : issued) {
            assertThat(mine).as("numbers one caller got, in the order it got them").isSorted();
        }
    }

    @Test
    public void admittingRaisesTheMarkByTheCount() {
        issue("identity", 10);

        assertThat(store.admit("identity", 3)).isEqualTo(3);
        assertThat(store.admit("identity", 4)).isEqualTo(7);
        assertThat(store.admittedUpTo("identity")).isEqualTo(7);
    }

    @Test
    public void theMarkNeverPassesTheLastNumberIssued() {
        issue("identity", 3);

        assertThat(store.admit("identity", 10)).isEqualTo(3);
        assertThat(store.admittedUpTo("identity")).isEqualTo(3);

        issue("identity", 2);
        assertThat(store.admit("identity", 1)).isEqualTo(4);
        assertThat(store.admit("identity", 1_000_000)).isEqualTo(5);
    }

    @Test
    public void admittingAtAGateNobodyJoinedAdmitsNobody() {
        assertThat(store.admit("identity", 5)).isZero();
        assertThat(store.admittedUpTo("identity")).isZero();

        store.issue("identity");
        assertThat(store.admittedUpTo("identity")).as("owed admissions are not banked").isZero();
    }

    @Test
    public void admittingANonPositiveCountLeavesTheMarkAlone() {
        issue("identity", 10);
        store.admit("identity", 4);

        assertThat(store.admit("identity", 0)).isEqualTo(4);
        assertThat(store.admit("identity", -3)).isEqualTo(4);
        assertThat(store.admit("identity", Long.MIN_VALUE)).isEqualTo(4);
        assertThat(store.admittedUpTo("identity")).isEqualTo(4);
    }

    @Test
    public void eachGateKeepsItsOwnCounters() {
        issue("identity", 5);
        issue("booking", 2);
        store.admit("identity", 4);

        assertThat(store.issued("identity")).isEqualTo(5);
        assertThat(store.issued("booking")).isEqualTo(2);
        assertThat(store.admittedUpTo("booking")).isZero();
        assertThat(store.issue("booking")).isEqualTo(3);
        assertThat(store.admit("booking", 10)).isEqualTo(3);
        assertThat(store.admittedUpTo("identity")).isEqualTo(4);
    }

    @Test
    public void admittingWhilePeopleJoinNeverOvertakesTheNumbersIssued() {
        int threads = Math.max(2, issueThreads());
        int rounds = Math.max(1, issuesPerThread() / 10);

        // Even threads join, odd threads admit and check each mark they get back against issued.
        List<Long> violations = Race.run(threads, RACE_TIMEOUT, i -> {
            long seen = 0;
            for (int n = 0; n < rounds; n++) {
                if (i % 2 == 0) {
                    store.issue("identity");
                } else {
                    long mark = store.admit("identity", 2);
                    if (mark > store.issued("identity") || mark < seen) {
                        return mark;
                    }
                    seen = mark;
                }
            }
            return -1L;
        });

        assertThat(violations).as("marks past the issued count or moving back").containsOnly(-1L);
        assertThat(store.admittedUpTo("identity")).isLessThanOrEqualTo(store.issued("identity"));
    }

    private void issue(String gate, int count) {
        for (int i = 0; i < count; i++) {
            store.issue(gate);
        }
    }
}
