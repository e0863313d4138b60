package dev.orderly.surge.replay;

import dev.orderly.surge.metrics.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The bots' tickets, to count after the run how many places tickets nobody claimed took. A bot
 * joins and never asks for its place again; after the run the line's mark says which of its
 * tickets the line reached, and one status question each, for a uniform sample of them, says
 * whether the ticket took a place (admitted: a pass was waiting for it). Asking after the run
 * cannot change the run.
 *
 * <p>Since a passed-over ticket that comes back within its pass's lifetime is admitted after all
 * (docs/decisions.md, "Bot tickets are worth nothing"), no answer says "passed over" any more: a
 * sampled ticket asked within the lifetime answers admitted whether or not the line passed it
 * over, so {@code admitted} is an upper bound until the audit reads the gate's passed-over count.
 *
 * <p>Every ticket's rank is kept (8 bytes a join); browsers only for the sample (reservoir
 * sampling), so a long run's millions of bot joins cost little. Touched on the replay's loop only.
 */
public final class BotTickets {

    /** Tickets asked about after the run at most. */
    static final int SAMPLE = 400;

    /**
     * What the audit found.
     *
     * @param tickets       bot joins answered with a ticket
     * @param reachedByLine of those, how many the identity line's mark had passed when the run ended
     * @param sampled       how many of the reached ones were asked about
     * @param admitted      asked, and answered admitted: the ticket took a place
     * @param lapsed        no longer told apart from admitted (always 0; see the class comment)
     * @param other         asked, and answered anything else (pass expired, no answer)
     * @param placesTaken   places taken by these unclaimed tickets, estimated from the sample
     */
    public record Audit(long tickets, long reachedByLine, long sampled, long admitted, long lapsed, long other, long placesTaken) {
    }

    private record Held(Browser browser, long rank) {
    }

    private final SplittableRandom random;
    private long[] ranks = new long[1024];
    private int count;
    private final List<Held> sample = new ArrayList<>(SAMPLE);

    BotTickets(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A bot's join was answered with a ticket of {@code rank} (0: in the pre-queue, not counted) in {@code browser}. */
    void joined(Browser browser, long rank) {
        if (rank <= 0) {
            return;
        }
        if (count == ranks.length) {
            ranks = java.util.Arrays.copyOf(ranks, count * 2);
        }
        ranks[count++] = rank;
        if (sample.size() < SAMPLE) {
            sample.add(new Held(browser, rank));
        } else {
            int slot = random.nextInt(count);
            if (slot < SAMPLE) {
                sample.set(slot, new Held(browser, rank));
            }
        }
    }

    /** Asks about the sampled tickets the line reached ({@code mark}: the identity gate's admitted-up-to). */
    Future<Audit> audit(Http http, long mark) {
        long reached = 0;
        for (int i = 0; i < count; i++) {
            if (ranks[i] <= mark) {
                reached++;
            }
        }
        List<Held> asked = sample.stream().filter(h -> h.rank() <= mark).toList();
        List<Future<Http.Answer>> answers = new ArrayList<>();
        for (Held h : asked) {
            answers.add(http.send(Endpoint.BOT_JOIN, HttpMethod.GET, "/api/gates/identity/status", h.browser(), null, null));
        }
        long reachedByLine = reached;
        return Future.join(answers).transform(done -> {
            long admitted = 0;
            long lapsed = 0;
            long other = 0;
            for (Future<Http.Answer> f : answers) {
                Http.Answer a = f.result();
                if (a != null && a.status() == 200 && "admitted".equals(a.json().getString("state"))) {
                    admitted++;
                } else {
                    other++;
                }
            }
            long taken = asked.isEmpty() ? 0 : Math.round((double) reachedByLine * admitted / asked.size());
            return Future.succeededFuture(new Audit(count, reachedByLine, asked.size(), admitted, lapsed, other, taken));
        });
    }

    /**
     * What a run without bots reports.
     */
    public static Audit none() {
        return new Audit(0, 0, 0, 0, 0, 0, 0);
    }
}
