package dev.orderly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GateStore} promises, run against each adapter by a subclass that only says
 * how to make an empty store: configurations kept and listed by name; numbers handed out once
 * each, from 1, under any contention, a holder keeping one; progress changed by compare-and-set
 * alone; checkpoints that date admissions and can be trimmed; passes spent once; gates that do
 * not see each other.
 *
 * <p>The suite reads the store through the port alone and assumes nothing of any adapter's
 * insides. Instants are whole milliseconds and doubles exact in binary, so they survive any
 * serialisation unchanged.
 *
 * <p>Test methods are public so that a binding in another package can override one with
 * {@code @Disabled("why")} ({@code net.jqwik.api.Disabled} for the property) when its adapter
 * cannot pass that case. The property makes its own stores with {@link #newStore()}, as jqwik
 * does not run {@code @BeforeEach}.
 */
public abstract class GateStoreContract {

    protected static final Instant T0 = Instant.parse("2021-07-26T11:00:00Z");

    private static final Duration RACE_TIMEOUT = Duration.ofSeconds(60);

    private GateStore store;

    public GateStoreContract() {
    }

    /** A new store in which no gate is configured, nor has issued, admitted or spent anything. */
    protected abstract GateStore newStore();

    /** Threads issuing at once in the concurrency tests. */
    protected int issueThreads() {
        return 8;
    }

    /** Numbers each of those threads asks for. */
    protected int issuesPerThread() {
        return 10_000;
    }

    /** Threads asking for the same holders' places at once. */
    protected int holderThreads() {
        return 8;
    }

    /** Holders those threads all ask for (each thread also issues one plain number per holder). */
    protected int holdersPerRace() {
        return 2_000;
    }

    /** Threads advancing the same progress at once. */
    protected int advanceThreads() {
        return 16;
    }

    /** Threads spending the same passes at once. */
    protected int spendThreads() {
        return 16;
    }

    /**
     * Ranks those threads each try to spend, in the same order. On few cores a lost update needs
     * a long race to show: an in-memory binding can afford far more than a networked one.
     */
    protected int ranksPerSpendRace() {
        return 5_000;
    }

    /** The store under test, for checks an adapter's binding adds of its own. */
    protected GateStore store() {
        return store;
    }

    @BeforeEach
    protected void emptyStore() {
        store = newStore();
    }

    // --- configurations -------------------------------------------------------------------------

    @Test
    public void aNewStoreHasNoGates() {
        assertThat(store.configs()).isEmpty();
        assertThat(store.config("identity")).isEmpty();
    }

    @Test
    public void aSavedConfigurationComesBackWithEveryField() {
        List<GateConfig> configs = List.of(
                new GateConfig("identity", T0.minusSeconds(3_600), T0, new AdmissionPolicy.FixedRate(12.5),
                        Duration.ofMinutes(10), false, GateMode.ACTIVE, "", Duration.ofSeconds(60)),
                new GateConfig("booking", T0, T0.plusSeconds(30), new AdmissionPolicy.ConcurrencyTarget(500, 80.25),
                        Duration.ofSeconds(90), true, GateMode.PAUSED, "back at 20:30 — 잠시만요 | thanks", Duration.ofSeconds(15)),
                new GateConfig("x-1", T0.plusMillis(1), T0.plusMillis(1_001), new AdmissionPolicy.Adaptive(1.5, 400, 20, 2.5,
                        0.75, Duration.ofMillis(250), 0.0625), Duration.ofDays(1), false, GateMode.CLOSED, "closed", Duration.ofMinutes(10)));

        configs.forEach(store::saveConfig);

        for (GateConfig config : configs) {
            assertThat(store.config(config.name())).contains(config);
        }
    }

    @Test
    public void savingAgainReplacesTheConfiguration() {
        GateConfig first = config("identity");
        GateConfig paused = first.withMode(GateMode.PAUSED, "a moment, please");
        store.saveConfig(first);

        store.saveConfig(paused);

        assertThat(store.config("identity")).contains(paused);
        assertThat(store.configs()).containsExactly(paused);
    }

    @Test
    public void configurationsAreListedInNameOrder() {
        for (String name : List.of("identity", "booking", "a-2", "a-10", "zeta", "a")) {
            store.saveConfig(config(name));
        }
        store.saveConfig(config("booking").withMode(GateMode.CLOSED, ""));

        assertThat(store.configs()).extracting(GateConfig::name).containsExactly("a", "a-10", "a-2", "booking", "identity", "zeta");
        assertThat(store.config("booking").map(GateConfig::mode)).contains(GateMode.CLOSED);
    }

    @Test
    public void aConfigurationSavedAgainstTheCurrentProgressMovesItsVersionOnSoAnAdvanceFromBeforeLoses() {
        GateConfig first = config("identity");
        GateProgress before = store.progress("identity");
        GateProgress bumped = before.next(before.mark(), before.preQueueSize(), before.memory());

        assertThat(store.saveConfigIf(first, before, bumped)).isTrue();

        assertThat(store.config("identity")).contains(first);
        assertThat(store.configs()).containsExactly(first);
        assertThat(store.progress("identity")).isEqualTo(bumped);
        assertThat(store.advance("identity", before, before.next(3, 0, new AdmissionPolicy.Memory(T0, 0, 0)), T0)).as("a tick that read the progress before").isFalse();
        assertThat(store.admittedAt("identity", 1)).isEmpty();
    }

    @Test
    public void aConfigurationSavedAgainstAStaleProgressChangesNothing() {
        GateConfig first = config("identity");
        store.saveConfig(first);
        GateProgress before = store.progress("identity");
        GateProgress drawn = before.next(3, 0, new AdmissionPolicy.Memory(T0, 0, 0));
        assertThat(store.advance("identity", before, drawn, T0)).isTrue();

        GateConfig moved = GateConfig.fixedRate("identity", T0.plusSeconds(60), 10, Duration.ofMinutes(10));
        assertThat(store.saveConfigIf(moved, before, before.next(0, -1, AdmissionPolicy.Memory.NONE))).isFalse();

        assertThat(store.config("identity")).contains(first);
        assertThat(store.configs()).containsExactly(first);
        assertThat(store.progress("identity")).isEqualTo(drawn);
        assertThat(store.admittedAt("identity", 3)).contains(T0);
    }

    // --- numbers --------------------------------------------------------------------------------

    @Test
    public void aGateNobodyJoinedHasIssuedNothing() {
        assertThat(store.issued("identity")).isZero();
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
        assertThat(sorted(issued)).as("%d numbers handed out", total).isEqualTo(oneTo(total));
        assertThat(store.issued("identity")).isEqualTo(total);
        for (long[] mine : issued) {
            assertThat(mine).as("numbers one caller got, in the order it got them").isSorted();
        }
    }

    @Test
    public void numbersAnsweredLaterFollowTheOrderOfAskingAndShareTheCounter() {
        assertThat(store.issue("identity")).isEqualTo(1);
        List<CompletableFuture<Long>> asked = new ArrayList<>();
        for (int n = 0; n < 500; n++) {
            asked.add(store.issueLater("identity").toCompletableFuture());
        }
        List<Long> got = asked.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();

        assertThat(got).as("one number each, in the order asked, none skipped")
                .isEqualTo(LongStream.rangeClosed(2, 501).boxed().toList());
        assertThat(store.issue("identity")).isEqualTo(502);
        assertThat(store.issued("identity")).isEqualTo(502);
        assertThat(store.issued("booking")).isZero();
    }

    @Test
    public void concurrentCallersAskingLaterNeverGetTheSameNumber() {
        int threads = issueThreads();
        int each = issuesPerThread() / 10;

        // Half the callers ask to be answered later, half wait for each number.
        List<long[]> issued = Race.run(threads, RACE_TIMEOUT, i -> {
            List<CompletableFuture<Long>> mine = new ArrayList<>(each);
            for (int n = 0; n < each; n++) {
                mine.add(i % 2 == 0 ? store.issueLater("identity").toCompletableFuture()
                        : CompletableFuture.completedFuture(store.issue("identity")));
            }
            return mine.stream().mapToLong(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toArray();
        });

        long total = (long) threads * each;
        assertThat(sorted(issued)).as("%d numbers handed out", total).isEqualTo(oneTo(total));
        for (long[] mine : issued) {
            assertThat(mine).as("numbers one caller got, in the order it asked").isSorted();
        }
    }

    @Test
    public void aHolderKeepsItsNumberAndSharesTheCounterWithPlainIssues() {
        assertThat(store.issueFor("booking", "person:1")).isEqualTo(1);
        assertThat(store.issue("booking")).isEqualTo(2);
        assertThat(store.issueFor("booking", "person:2")).isEqualTo(3);
        assertThat(store.issueFor("booking", "person:1")).isEqualTo(1);
        assertThat(store.issueFor("booking", "person:2")).isEqualTo(3);
        assertThat(store.issue("booking")).isEqualTo(4);
        assertThat(store.issued("booking")).isEqualTo(4);
    }

    @Test
    public void aHolderWhoseTurnWentByIsGivenOneNewNumberAtTheBack() {
        long first = store.issueFor("booking", "person:1");
        store.issue("booking");
        long second = store.reissueFor("booking", "person:1", first);
        assertThat(second).isEqualTo(3);
        assertThat(store.issueFor("booking", "person:1")).isEqualTo(second);
        // A caller that saw the old number late gets the new one, not a third.
        assertThat(store.reissueFor("booking", "person:1", first)).isEqualTo(second);
        assertThat(store.reissueFor("booking", "person:9", 0)).isEqualTo(4);
        assertThat(store.issued("booking")).isEqualTo(4);
    }

    @Test
    public void manyThreadsAskingForOneHolderGetOneNumber() {
        int threads = Math.max(2, holderThreads()) * 2;

        List<long[]> got = Race.run(threads, RACE_TIMEOUT, i -> {
            long[] mine = new long[100];
            for (int n = 0; n < mine.length; n++) {
                mine[n] = store.issueFor("booking", "person:1");
            }
            return mine;
        });

        assertThat(got.stream().flatMapToLong(Arrays::stream).distinct().toArray()).containsExactly(1L);
        assertThat(store.issued("booking")).isEqualTo(1);
    }

    @Test
    public void holdersRacedForByManyThreadsGetDistinctNumbersFromTheSharedCounter() {
        int threads = Math.max(2, holderThreads());
        int holders = holdersPerRace();

        // Every thread asks for every holder's place, in its own order, and issues a plain number
        // after each: one number per holder, one per plain issue, nothing lost or doubled.
        List<long[][]> got = Race.run(threads, RACE_TIMEOUT, i -> {
            long[] byHolder = new long[holders];
            long[] plain = new long[holders];
            for (int k = 0; k < holders; k++) {
                int h = (k + i * holders / threads) % holders;
                byHolder[h] = store.issueFor("booking", "person:" + h);
                plain[k] = store.issue("booking");
            }
            return new long[][] {byHolder, plain};
        });

        long[] first = got.getFirst()[0];
        for (long[][] mine : got) {
            assertThat(mine[0]).as("each holder's number, as every thread saw it").isEqualTo(first);
        }
        List<long[]> all = new ArrayList<>();
        all.add(first);
        got.forEach(mine -> all.add(mine[1]));
        long total = holders + (long) threads * holders;
        assertThat(sorted(all)).as("holders' and plain numbers together").isEqualTo(oneTo(total));
        assertThat(store.issued("booking")).isEqualTo(total);
    }

    // --- progress -------------------------------------------------------------------------------

    @Test
    public void aGateNeverTickedHasTheInitialProgress() {
        assertThat(store.progress("identity")).isEqualTo(GateProgress.INITIAL);
    }

    @Test
    public void aReadingHoldsTheProgressAndTheConfigurationAsEachReadsAlone() {
        assertThat(store.reading("identity")).isEqualTo(new GateStore.Reading(GateProgress.INITIAL, Optional.empty()));

        GateConfig config = config("identity");
        store.saveConfig(config);
        assertThat(store.reading("identity")).isEqualTo(new GateStore.Reading(GateProgress.INITIAL, Optional.of(config)));

        GateProgress next = GateProgress.INITIAL.next(3, 120, new AdmissionPolicy.Memory(T0.plusMillis(1_500), 0.25, 12.5));
        store.advance("identity", GateProgress.INITIAL, next, T0.plusMillis(1_500));
        assertThat(store.reading("identity")).isEqualTo(new GateStore.Reading(next, Optional.of(config)));
        assertThat(store.reading("booking")).as("another gate's").isEqualTo(new GateStore.Reading(GateProgress.INITIAL, Optional.empty()));

        GateProgress ticked = GateProgress.INITIAL.next(0, 0, AdmissionPolicy.Memory.NONE);
        store.advance("booking", GateProgress.INITIAL, ticked, T0);
        assertThat(store.reading("booking")).as("a gate ticked but not configured").isEqualTo(new GateStore.Reading(ticked, Optional.empty()));
    }

    @Test
    public void advancingFromTheCurrentProgressReplacesIt() {
        GateProgress next = GateProgress.INITIAL.next(3, 120, new AdmissionPolicy.Memory(T0.plusMillis(1_500), 0.25, 12.5));

        assertThat(store.advance("identity", GateProgress.INITIAL, next, T0.plusMillis(1_500))).isTrue();
        assertThat(store.progress("identity")).isEqualTo(next);

        GateProgress after = next.next(3, 120, new AdmissionPolicy.Memory(T0.plusMillis(1_600), 0.5, 0));
        assertThat(store.advance("identity", next, after, T0.plusMillis(1_600))).isTrue();
        assertThat(store.progress("identity")).isEqualTo(after);
    }

    @Test
    public void aStaleExpectedProgressLosesAndChangesNothing() {
        GateProgress first = GateProgress.INITIAL.next(2, 0, new AdmissionPolicy.Memory(T0, 0, 0));
        store.advance("identity", GateProgress.INITIAL, first, T0);

        GateProgress fromStale = GateProgress.INITIAL.next(50, 0, new AdmissionPolicy.Memory(T0.plusSeconds(1), 0, 0));
        assertThat(store.advance("identity", GateProgress.INITIAL, fromStale, T0.plusSeconds(1))).isFalse();

        assertThat(store.progress("identity")).isEqualTo(first);
        assertThat(store.admittedAt("identity", 3)).as("no checkpoint from the loser").isEmpty();
        assertThat(store.markAt("identity", T0.plusSeconds(5))).isEqualTo(2);
    }

    @Test
    public void exactlyOneOfManyAdvancersFromTheSameProgressWins() {
        int threads = Math.max(2, advanceThreads());
        for (int round = 0; round < 20; round++) {
            String gate = "race-" + round;
            GateProgress expected = store.progress(gate);

            // Each contender would move the mark to its own value at its own time.
            List<Boolean> won = Race.run(threads, RACE_TIMEOUT,
                    i -> store.advance(gate, expected, expected.next(i + 1, 0, new AdmissionPolicy.Memory(T0.plusSeconds(i), 0, 0)), T0.plusSeconds(i)));

            assertThat(won.stream().filter(w -> w).count()).as("winners in round %d", round).isEqualTo(1);
            int winner = won.indexOf(true);
            assertThat(store.progress(gate)).isEqualTo(expected.next(winner + 1, 0, new AdmissionPolicy.Memory(T0.plusSeconds(winner), 0, 0)));
            assertThat(store.admittedAt(gate, winner + 1)).contains(T0.plusSeconds(winner));
            assertThat(store.markAt(gate, T0.plusSeconds(3_600))).as("losers leave no checkpoint").isEqualTo(winner + 1);
        }
    }

    @Test
    public void aReaderThatSeesAMarkAlwaysFindsWhenItWasReached() {
        int advances = Math.max(50, advanceThreads() * 20);

        // One thread moves the mark on by one, again and again; the others read the mark and date
        // the rank it shows, as a status answer on another node would.
        List<List<Long>> undated = Race.run(3, RACE_TIMEOUT, i -> {
            List<Long> mine = new ArrayList<>();
            if (i == 0) {
                for (int n = 1; n <= advances; n++) {
                    GateProgress p = store.progress("identity");
                    store.advance("identity", p, p.next(n, 0, new AdmissionPolicy.Memory(T0, 0, 0)), T0.plusMillis(n));
                }
                return mine;
            }
            for (long seen = 0; seen < advances; ) {
                seen = store.progress("identity").mark();
                if (seen > 0 && store.admittedAt("identity", seen).isEmpty()) {
                    mine.add(seen);
                }
            }
            return mine;
        });

        assertThat(undated.stream().flatMap(List::stream).toList()).as("marks seen before their admission time").isEmpty();
    }

    @Test
    public void advancersThatRereadAndRetryNeverLoseAnUpdate() {
        int threads = Math.max(2, advanceThreads());

        List<Integer> wins = Race.run(threads, RACE_TIMEOUT, i -> {
            int mine = 0;
            for (int n = 0; n < 500; n++) {
                GateProgress p = store.progress("identity");
                if (store.advance("identity", p, p.next(p.mark() + 1, 0, new AdmissionPolicy.Memory(T0, 0, 0)), T0.plusMillis(p.mark() + 1))) {
                    mine++;
                }
            }
            return mine;
        });

        long total = wins.stream().mapToLong(Integer::longValue).sum();
        assertThat(total).isPositive();
        assertThat(store.progress("identity").version()).isEqualTo(total);
        assertThat(store.progress("identity").mark()).as("each win moved the mark by one from what it read").isEqualTo(total);
    }

    // --- checkpoints ----------------------------------------------------------------------------

    @Test
    public void admittedAtIsWhenTheMarkFirstReachedTheRank() {
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 3, T0.plusSeconds(2));
        advanceTo("identity", 7, T0.plusSeconds(3));
        advanceTo("identity", 8, T0.plusSeconds(4));

        for (long rank = 1; rank <= 3; rank++) {
            assertThat(store.admittedAt("identity", rank)).as("rank %d", rank).contains(T0.plusSeconds(1));
        }
        for (long rank = 4; rank <= 7; rank++) {
            assertThat(store.admittedAt("identity", rank)).as("rank %d", rank).contains(T0.plusSeconds(3));
        }
        assertThat(store.admittedAt("identity", 8)).contains(T0.plusSeconds(4));
    }

    @Test
    public void ranksNotAdmittedOrBelowOneHaveNoAdmissionTime() {
        assertThat(store.admittedAt("identity", 1)).as("before any admission").isEmpty();
        advanceTo("identity", 5, T0);

        assertThat(store.admittedAt("identity", 6)).isEmpty();
        assertThat(store.admittedAt("identity", 1_000_000)).isEmpty();
        assertThat(store.admittedAt("identity", 0)).isEmpty();
        assertThat(store.admittedAt("identity", -1)).isEmpty();
    }

    @Test
    public void markAtIsTheMarkAsItStoodThen() {
        assertThat(store.markAt("identity", T0)).as("before any admission").isZero();
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 3, T0.plusSeconds(2));
        advanceTo("identity", 7, T0.plusSeconds(3));

        assertThat(store.markAt("identity", T0)).isZero();
        assertThat(store.markAt("identity", T0.plusSeconds(1).minusMillis(1))).isZero();
        assertThat(store.markAt("identity", T0.plusSeconds(1))).isEqualTo(3);
        assertThat(store.markAt("identity", T0.plusSeconds(2))).isEqualTo(3);
        assertThat(store.markAt("identity", T0.plusSeconds(3).minusMillis(1))).isEqualTo(3);
        assertThat(store.markAt("identity", T0.plusSeconds(3))).isEqualTo(7);
        assertThat(store.markAt("identity", T0.plusSeconds(86_400))).isEqualTo(7);
    }

    @Test
    public void trimmingForgetsOlderCheckpointsButKeepsTheLastBeforeTheCutoff() {
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 7, T0.plusSeconds(2));
        advanceTo("identity", 10, T0.plusSeconds(3));
        advanceTo("identity", 15, T0.plusSeconds(4));

        store.trimCheckpoints("identity", T0.plusSeconds(3).plusMillis(1));

        assertThat(store.markAt("identity", T0.plusSeconds(3))).as("the kept checkpoint").isEqualTo(10);
        assertThat(store.markAt("identity", T0.plusSeconds(3).plusMillis(500))).isEqualTo(10);
        assertThat(store.markAt("identity", T0.plusSeconds(4))).isEqualTo(15);
        assertThat(store.markAt("identity", T0.plusSeconds(2))).as("older than the window").isZero();
        for (long rank : new long[] {1, 3, 4, 7, 8, 10}) {
            assertThat(store.admittedAt("identity", rank)).as("rank %d, at or below the kept checkpoint", rank).isEmpty();
        }
        for (long rank = 11; rank <= 15; rank++) {
            assertThat(store.admittedAt("identity", rank)).as("rank %d", rank).contains(T0.plusSeconds(4));
        }
        assertThat(store.progress("identity").mark()).as("trimming leaves the progress alone").isEqualTo(15);
    }

    @Test
    public void aCheckpointAtTheCutoffItselfIsNotOlderThanItAndStays() {
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 7, T0.plusSeconds(2));
        advanceTo("identity", 10, T0.plusSeconds(3));

        store.trimCheckpoints("identity", T0.plusSeconds(3));

        assertThat(store.markAt("identity", T0.plusSeconds(2))).as("the last one before the cutoff").isEqualTo(7);
        assertThat(store.markAt("identity", T0.plusSeconds(1))).isZero();
        assertThat(store.admittedAt("identity", 7)).isEmpty();
        assertThat(store.admittedAt("identity", 8)).contains(T0.plusSeconds(3));
        assertThat(store.admittedAt("identity", 10)).contains(T0.plusSeconds(3));
    }

    @Test
    public void trimmingWithNothingBeforeTheCutoffChangesNothing() {
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 7, T0.plusSeconds(2));

        store.trimCheckpoints("identity", T0.plusSeconds(1));
        store.trimCheckpoints("identity", T0);

        assertThat(store.admittedAt("identity", 1)).contains(T0.plusSeconds(1));
        assertThat(store.admittedAt("identity", 7)).contains(T0.plusSeconds(2));
        assertThat(store.markAt("identity", T0.plusSeconds(1))).isEqualTo(3);
    }

    @Test
    public void afterTrimmingTheOnlyOldCheckpointItsRanksCannotBeDated() {
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 7, T0.plusSeconds(2));

        store.trimCheckpoints("identity", T0.plusSeconds(1).plusMillis(1));

        assertThat(store.admittedAt("identity", 1)).isEmpty();
        assertThat(store.admittedAt("identity", 3)).isEmpty();
        assertThat(store.admittedAt("identity", 4)).contains(T0.plusSeconds(2));
        assertThat(store.markAt("identity", T0.plusSeconds(1))).isEqualTo(3);
    }

    @Test
    public void checkpointsRecordedAfterATrimDateTheirRanks() {
        advanceTo("identity", 3, T0.plusSeconds(1));
        advanceTo("identity", 7, T0.plusSeconds(2));
        store.trimCheckpoints("identity", T0.plusSeconds(10));

        advanceTo("identity", 9, T0.plusSeconds(11));

        assertThat(store.admittedAt("identity", 7)).isEmpty();
        assertThat(store.admittedAt("identity", 8)).contains(T0.plusSeconds(11));
        assertThat(store.markAt("identity", T0.plusSeconds(10))).isEqualTo(7);
        assertThat(store.markAt("identity", T0.plusSeconds(11))).isEqualTo(9);
    }

    // --- claim marks ----------------------------------------------------------------------------

    @Test
    public void aNumberNeverClaimedReadsAsNever() {
        assertThat(store.claimedUntil("identity", List.of(1L, 5L, 5_000_000L))).containsExactly(Claims.NEVER, Claims.NEVER, Claims.NEVER);
    }

    @Test
    public void claimsComeBackRoundedUpToTheSecondInTheOrderAsked() {
        store.claim("identity", java.util.Map.of(3L, T0.plusMillis(1_500), 1_025L, T0.plusSeconds(60), 7L, Claims.HELD));

        assertThat(store.claimedUntil("identity", List.of(1_025L, 3L, 4L, 7L)))
                .containsExactly(T0.plusSeconds(60), T0.plusSeconds(2), Claims.NEVER, Claims.HELD);
        assertThat(store.claimedUntil("booking", List.of(3L))).as("gates do not see each other's claims").containsExactly(Claims.NEVER);
    }

    @Test
    public void aLaterClaimReplacesAnEarlierOneEvenIfItEndsSooner() {
        store.claim("identity", java.util.Map.of(9L, T0.plusSeconds(120)));
        store.claim("identity", java.util.Map.of(9L, T0.plusSeconds(30)));

        assertThat(store.claimedUntil("identity", List.of(9L))).containsExactly(T0.plusSeconds(30));
    }

    @Test
    public void aPassedOverPlaceIsLapsedAndItsPassCountsAsSpent() {
        store.claim("identity", java.util.Map.of(4L, T0));
        store.lapse("identity", List.of(new GateStore.PassedOver(4L, 12L), new GateStore.PassedOver(6L, 2L)));

        assertThat(store.claimedUntil("identity", List.of(4L, 6L, 5L))).containsExactly(Claims.LAPSED, Claims.LAPSED, Claims.NEVER);
        assertThat(store.spent("identity", 12)).isTrue();
        assertThat(store.spent("identity", 2)).isTrue();
        assertThat(store.spend("identity", 12)).as("a lapsed place's pass cannot be spent again").isFalse();
        assertThat(store.spentAbove("identity", 1)).isEqualTo(2);
    }

    @Test
    public void manyChecksAtOnceEachReadTheirOwnGateAndRank() {
        // Lapsed, not spent by this store: a store that remembers its own spends must still ask for these.
        List<GateStore.PassedOver> identity = new ArrayList<>();
        List<GateStore.PassedOver> booking = new ArrayList<>();
        for (long rank = 1; rank <= 150; rank++) {
            (rank % 3 == 1 ? identity : rank % 3 == 2 ? booking : new ArrayList<GateStore.PassedOver>())
                    .add(new GateStore.PassedOver(1_000 + rank, rank));
        }
        store.lapse("identity", identity);
        store.lapse("booking", booking);

        List<List<Long>> wrong = Race.run(8, RACE_TIMEOUT, i -> {
            List<Long> off = new ArrayList<>();
            for (long rank = 1; rank <= 150; rank++) {
                if (store.spent("identity", rank) != (rank % 3 == 1) || store.spent("booking", rank) != (rank % 3 == 2)) {
                    off.add(rank);
                }
            }
            return off;
        });

        assertThat(wrong).as("ranks a thread read wrongly").allSatisfy(off -> assertThat(off).isEmpty());
    }

    @Test
    public void aRevivedPlaceIsNoLongerLapsedAndItsPassCanBeSpentOnce() {
        store.lapse("identity", List.of(new GateStore.PassedOver(4L, 12L), new GateStore.PassedOver(6L, 2L)));

        assertThat(store.revive("identity", 4L, 12L)).isTrue();
        assertThat(store.revive("identity", 4L, 12L)).as("only the first revive does anything").isFalse();

        assertThat(store.claimedUntil("identity", List.of(4L, 6L))).containsExactly(Claims.REVIVED, Claims.LAPSED);
        assertThat(store.spent("identity", 12)).isFalse();
        assertThat(store.spent("identity", 2)).as("the other passed-over place stays spent").isTrue();
        assertThat(store.spend("identity", 12)).isTrue();
        assertThat(store.revive("identity", 4L, 12L)).as("a used revived pass is not given back again").isFalse();
        assertThat(store.spent("identity", 12)).isTrue();
    }

    @Test
    public void onlyALapsedNumberIsRevived() {
        store.spend("identity", 12);
        store.claim("identity", java.util.Map.of(4L, T0.plusSeconds(30)));

        assertThat(store.revive("identity", 4L, 12L)).isFalse();
        assertThat(store.revive("identity", 5L, 13L)).as("never claimed").isFalse();

        assertThat(store.spent("identity", 12)).as("a used pass stays used").isTrue();
        assertThat(store.claimedUntil("identity", List.of(4L, 5L))).containsExactly(T0.plusSeconds(30), Claims.NEVER);
    }

    @Test
    public void aPassUsedBeforeItsLapseIsWrittenIsNotLapsedSoItCannotBeRevivedIntoASecondUse() {
        // The ticket polled in the instant between the mark's move and the lapse, got its pass and used it.
        assertThat(store.spend("identity", 12)).isTrue();

        store.lapse("identity", List.of(new GateStore.PassedOver(4L, 12L), new GateStore.PassedOver(6L, 2L)));

        assertThat(store.claimedUntil("identity", List.of(4L, 6L))).containsExactly(Claims.NEVER, Claims.LAPSED);
        assertThat(store.revive("identity", 4L, 12L)).isFalse();
        assertThat(store.spent("identity", 12)).isTrue();
    }

    @Test
    public void aClaimWrittenAfterTheLapseLeavesTheNumberLapsed() {
        store.lapse("identity", List.of(new GateStore.PassedOver(4L, 12L)));

        // Answered before the lapse on a busy node, written by that node's next tick.
        store.claim("identity", java.util.Map.of(4L, T0.plusSeconds(30), 5L, T0.plusSeconds(40)));

        assertThat(store.claimedUntil("identity", List.of(4L, 5L))).containsExactly(Claims.LAPSED, T0.plusSeconds(40));
        assertThat(store.revive("identity", 4L, 12L)).isTrue();
    }

    @Test
    public void tabsComingBackAtOnceReviveAPlaceOnceAndSpendItsPassOnce() {
        int threads = Math.max(2, spendThreads());
        int ranks = Math.max(50, ranksPerSpendRace() / 10);
        List<GateStore.PassedOver> places = new ArrayList<>();
        for (long rank = 1; rank <= ranks; rank++) {
            places.add(new GateStore.PassedOver(rank + 100_000, rank));
        }
        store.lapse("identity", places);

        // Each tab revives the place if it still looks lapsed, then uses the pass.
        List<boolean[][]> got = Race.run(threads, RACE_TIMEOUT, i -> {
            boolean[][] firsts = new boolean[2][ranks + 1];
            for (int rank = 1; rank <= ranks; rank++) {
                firsts[0][rank] = store.revive("identity", rank + 100_000L, rank);
                firsts[1][rank] = store.spend("identity", rank);
            }
            return firsts;
        });

        List<Integer> notOnce = new ArrayList<>();
        for (int rank = 1; rank <= ranks; rank++) {
            int r = rank;
            if (got.stream().filter(f -> f[0][r]).count() != 1 || got.stream().filter(f -> f[1][r]).count() != 1) {
                notOnce.add(rank);
            }
        }
        assertThat(notOnce).as("ranks not revived once and spent once").isEmpty();
        assertThat(store.spentAbove("identity", 0)).isEqualTo(ranks);
    }

    @Test
    public void claimsCostFourBytesANumberSoTheyReachFarNumbers() {
        store.claim("identity", java.util.Map.of(3_000_000L, T0.plusSeconds(5), 1L, T0.plusSeconds(6)));

        assertThat(store.claimedUntil("identity", List.of(3_000_000L, 2_999_999L, 1L)))
                .containsExactly(T0.plusSeconds(5), Claims.NEVER, T0.plusSeconds(6));
    }

    // --- spent passes ---------------------------------------------------------------------------

    @Test
    public void aPassIsSpentOnlyTheFirstTime() {
        assertThat(store.spent("identity", 5)).isFalse();

        assertThat(store.spend("identity", 5)).isTrue();
        assertThat(store.spend("identity", 5)).isFalse();

        assertThat(store.spent("identity", 5)).isTrue();
        assertThat(store.spent("identity", 4)).isFalse();
        assertThat(store.spent("identity", 6)).isFalse();
    }

    @Test
    public void aPassGivenBackMayBeSpentAgain() {
        assertThat(store.unspend("identity", 5)).as("never spent").isFalse();
        store.spend("identity", 5);
        store.spend("identity", 6);

        assertThat(store.unspend("identity", 5)).isTrue();
        assertThat(store.unspend("identity", 5)).as("given back already").isFalse();

        assertThat(store.spent("identity", 5)).isFalse();
        assertThat(store.spent("identity", 6)).isTrue();
        assertThat(store.spentAbove("identity", 0)).isEqualTo(1);
        assertThat(store.spend("identity", 5)).as("spent again, the first time since").isTrue();
        assertThat(store.unspend("identity", 0)).isFalse();
        assertThat(store.unspend("booking", 6)).as("another gate").isFalse();
        assertThat(store.spent("identity", 6)).isTrue();
    }

    @Test
    public void noRankBelowOneIsEverSpent() {
        for (long rank = 1; rank <= 2_048; rank++) {
            store.spend("identity", rank);
        }

        assertThat(store.spent("identity", 0)).isFalse();
        assertThat(store.spent("identity", -1)).isFalse();
        assertThat(store.spent("identity", -1_025)).isFalse();
        assertThat(store.spentAbove("identity", 0)).isEqualTo(2_048);
    }

    @Test
    public void spentAboveCountsExactlyAcrossWordAndBlockBoundaries() {
        long[] ranks = {1, 62, 63, 64, 65, 127, 128, 1_023, 1_024, 1_025, 2_047, 2_048, 2_049, 5_000, 1_000_000};
        for (long rank : ranks) {
            store.spend("identity", rank);
        }

        TreeSet<Long> model = new TreeSet<>();
        Arrays.stream(ranks).forEach(model::add);
        for (long probe : LongStream.concat(LongStream.of(0, 999_999, 2_000_000), Arrays.stream(ranks).flatMap(r -> LongStream.of(r - 1, r, r + 1))).toArray()) {
            assertThat(store.spentAbove("identity", probe)).as("spent above %d", probe).isEqualTo(model.tailSet(probe, false).size());
        }
    }

    @Property(tries = 100)
    public void spentPassesBehaveLikeASet(@ForAll("spendOrders") List<Long> spends, @ForAll("ranksList") List<Long> probes) {
        GateStore s = newStore();
        TreeSet<Long> model = new TreeSet<>();

        for (long rank : spends) {
            assertThat(s.spend("identity", rank)).as("spend %d", rank).isEqualTo(model.add(rank));
        }

        List<Long> all = new ArrayList<>(probes);
        all.add(0L);
        spends.forEach(r -> all.addAll(List.of(r - 1, r, r + 1)));
        for (long probe : all) {
            assertThat(s.spent("identity", probe)).as("spent %d", probe).isEqualTo(model.contains(probe));
            assertThat(s.spentAbove("identity", probe)).as("spent above %d", probe).isEqualTo(model.tailSet(probe, false).size());
        }
        assertThat(s.spentAbove("other", 0)).as("another gate").isZero();
    }

    /**
     * Every way a mark is written or taken away (spend, give-back, lapse, revive) keeps the count
     * of marks above any rank exact: a store that keeps counts beside the marks must keep them on
     * every path, for ranks on both sides of every block edge.
     */
    @Property(tries = 60)
    public void spentAboveStaysExactThroughGiveBacksLapsesAndRevives(@ForAll("markChanges") List<long[]> changes) {
        GateStore s = newStore();
        TreeSet<Long> model = new TreeSet<>();
        java.util.Set<Long> lapsedNumbers = new java.util.HashSet<>();

        for (long[] change : changes) {
            long rank = change[1];
            long number = rank + 100_000;
            switch ((int) change[0]) {
                case 0 -> assertThat(s.spend("identity", rank)).as("spend %d", rank).isEqualTo(model.add(rank));
                case 1 -> {
                    // A lapsed place holds no pass to give back: the stores need not agree on it.
                    if (!lapsedNumbers.contains(number)) {
                        assertThat(s.unspend("identity", rank)).as("give back %d", rank).isEqualTo(model.remove(rank));
                    }
                }
                case 2 -> {
                    s.lapse("identity", List.of(new GateStore.PassedOver(number, rank)));
                    if (model.add(rank)) {
                        lapsedNumbers.add(number);
                    }
                }
                default -> {
                    boolean revived = lapsedNumbers.remove(number);
                    assertThat(s.revive("identity", number, rank)).as("revive %d", rank).isEqualTo(revived);
                    if (revived) {
                        model.remove(rank);
                    }
                }
            }
        }

        List<Long> probes = new ArrayList<>(List.of(-2_049L, -1_025L, -1_024L, -1L, 0L, 1L, 1_023L, 1_024L, 20_000L));
        model.forEach(r -> probes.addAll(List.of(r - 1, r, r + 1)));
        for (long probe : probes) {
            assertThat(s.spentAbove("identity", probe)).as("spent above %d", probe).isEqualTo(model.tailSet(probe, false).size());
        }
    }

    /** Changes of marks, {kind, rank}: 0 spend, 1 give back, 2 lapse, 3 revive; ranks near block edges often. */
    @Provide
    Arbitrary<List<long[]>> markChanges() {
        Arbitrary<Long> ranks = Arbitraries.oneOf(ranks(), Arbitraries.longs().between(1, 4_100));
        return ranks.list().ofMinSize(1).ofMaxSize(40).flatMap(pool -> Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.of(pool)).as((kind, rank) -> new long[] {kind, rank})
                .list().ofMaxSize(120));
    }

    @Provide
    Arbitrary<List<Long>> spendOrders() {
        // Repeats included: a second spend of a rank must say false.
        return ranks().list().ofMaxSize(120).flatMap(ranks -> Arbitraries.of(ranks.isEmpty() ? List.of(1L) : ranks).list()
                .ofMaxSize(ranks.size() * 3 / 2).map(extra -> {
                    List<Long> all = new ArrayList<>(ranks);
                    all.addAll(extra);
                    return all;
                }));
    }

    @Provide
    Arbitrary<List<Long>> ranksList() {
        return ranks().list().ofMaxSize(30);
    }

    /** Ranks from 1 to about 10,000, half of them next to a multiple of 64 or of 1,024. */
    @Provide
    Arbitrary<Long> ranks() {
        Arbitrary<Long> anywhere = Arbitraries.longs().between(1, 10_000);
        Arbitrary<Long> nearWord = Arbitraries.longs().between(1, 160).flatMap(k -> Arbitraries.of(k * 64 - 1, k * 64, k * 64 + 1));
        Arbitrary<Long> nearBlock = Arbitraries.longs().between(1, 10).flatMap(k -> Arbitraries.of(k * 1_024 - 1, k * 1_024, k * 1_024 + 1));
        return Arbitraries.oneOf(anywhere, nearWord, nearBlock);
    }

    @Test
    public void manyThreadsSpendingThePassesOfTheSameRanksSucceedOncePerRank() {
        int threads = Math.max(2, spendThreads());
        int ranks = ranksPerSpendRace();

        // Every thread goes through the ranks in the same order, so that running threads collide
        // on each rank and on each word of 64 ranks; long enough to overlap on few cores too.
        List<boolean[]> got = Race.run(threads, RACE_TIMEOUT, i -> {
            boolean[] firsts = new boolean[ranks + 1];
            for (int rank = 1; rank <= ranks; rank++) {
                firsts[rank] = store.spend("identity", rank);
            }
            return firsts;
        });

        List<Integer> notOnce = new ArrayList<>();
        for (int rank = 1; rank <= ranks; rank++) {
            int r = rank;
            if (got.stream().filter(firsts -> firsts[r]).count() != 1) {
                notOnce.add(rank);
            }
        }
        assertThat(notOnce).as("ranks whose spend did not say true exactly once").isEmpty();
        assertThat(store.spentAbove("identity", 0)).isEqualTo(ranks);
    }

    // --- lottery --------------------------------------------------------------------------------

    @Test
    public void theFirstCommittedDrawStandsForEveryLaterCommit() {
        assertThat(store.lottery("identity")).isEmpty();
        LotteryDraw first = draw(1, T0);
        LotteryDraw second = draw(2, T0.plusMillis(5));

        assertThat(store.commitLottery("identity", first)).isEqualTo(first);
        assertThat(store.commitLottery("identity", second)).isEqualTo(first);
        assertThat(store.lottery("identity")).contains(first);
        assertThat(store.lottery("identity").orElseThrow().secret()).isEqualTo(first.secret());
        assertThat(store.lottery("booking")).isEmpty();
    }

    @Test
    public void committingRacersAgreeOnOneDraw() {
        List<LotteryDraw> seen = Race.run(8, RACE_TIMEOUT, i -> store.commitLottery("identity", draw(10 + i, T0.plusMillis(i))));

        assertThat(new java.util.HashSet<>(seen)).hasSize(1);
        assertThat(store.lottery("identity")).contains(seen.get(0));
    }

    @Test
    public void aRedrawReplacesOnlyTheDrawItExpects() {
        LotteryDraw first = draw(1, T0);
        store.commitLottery("identity", first);
        LotteryDraw second = draw(2, T0.plusSeconds(1));

        assertThat(store.redrawLottery("identity", draw(3, T0), second)).isFalse();
        assertThat(store.lottery("identity")).contains(first);
        assertThat(store.redrawLottery("identity", first, second)).isTrue();
        assertThat(store.lottery("identity")).contains(second);
        assertThat(store.redrawLottery("identity", first, draw(4, T0))).isFalse();
        assertThat(store.lottery("identity")).contains(second);
        assertThat(store.redrawLottery("booking", first, second)).isFalse();
        assertThat(store.lottery("booking")).isEmpty();
    }

    // --- gates are independent ------------------------------------------------------------------

    @Test
    public void eachGateKeepsItsOwnState() {
        store.saveConfig(config("identity"));
        for (int i = 0; i < 5; i++) {
            store.issue("identity");
        }
        store.issueFor("identity", "person:1");
        advanceTo("identity", 4, T0.plusSeconds(1));
        store.spend("identity", 2);

        assertThat(store.config("booking")).isEmpty();
        assertThat(store.issued("booking")).isZero();
        assertThat(store.issueFor("booking", "person:1")).as("the same holder at another gate").isEqualTo(1);
        assertThat(store.issue("booking")).isEqualTo(2);
        assertThat(store.progress("booking")).isEqualTo(GateProgress.INITIAL);
        assertThat(store.admittedAt("booking", 1)).isEmpty();
        assertThat(store.markAt("booking", T0.plusSeconds(1))).isZero();
        assertThat(store.spent("booking", 2)).isFalse();
        assertThat(store.spentAbove("booking", 0)).isZero();

        store.trimCheckpoints("booking", T0.plusSeconds(100));
        assertThat(store.issued("identity")).isEqualTo(6);
        assertThat(store.progress("identity").mark()).isEqualTo(4);
        assertThat(store.admittedAt("identity", 1)).contains(T0.plusSeconds(1));
        assertThat(store.spent("identity", 2)).isTrue();
        assertThat(store.issueFor("identity", "person:1")).isEqualTo(6);
    }

    // --- helpers --------------------------------------------------------------------------------

    private static GateConfig config(String name) {
        return GateConfig.fixedRate(name, T0, 10, Duration.ofMinutes(10));
    }

    /** Moves the mark to {@code mark} at {@code at} by compare-and-set from the current progress. */
    private void advanceTo(String gate, long mark, Instant at) {
        GateProgress p = store.progress(gate);
        assertThat(store.advance(gate, p, p.next(mark, 0, new AdmissionPolicy.Memory(at, 0, 0)), at)).as("advance to %d", mark).isTrue();
    }

    private static LotteryDraw draw(int seed, Instant at) {
        byte[] secret = new byte[LotteryDraw.SECRET_BYTES];
        new java.util.SplittableRandom(seed).nextBytes(secret);
        return new LotteryDraw(secret, at);
    }

    private static long[] sorted(List<long[]> parts) {
        return parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    }

    private static long[] oneTo(long n) {
        return LongStream.rangeClosed(1, n).toArray();
    }
}
