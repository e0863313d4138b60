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
 * over, so the sample gives an upper bound. The lower bound comes from the target's own count of
 * places its line passed over ({@code orderly_gate_passed_over} on {@code /metrics}, read before any
 * ticket is asked about): bots' reached tickets minus every place passed over (honest closed pages
 * included). Behind a load balancer {@code /metrics} is one node's count, so the bound is looser.
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
     * @param passedOver    places the identity line passed over, from the target's /metrics; -1 unknown
     * @param other         asked, and answered anything else (pass expired, no answer)
     * @param placesTaken   places these unclaimed tickets took at most, estimated from the sample
     */
    public record Audit(long tickets, long reachedByLine, long sampled, long admitted, long passedOver, long other, long placesTaken) {

        /** Places these tickets took at least: reached, less everything the line passed over; -1 unknown. */
        public long placesTakenAtLeast() {
            return passedOver < 0 ? -1 : Math.max(0, reachedByLine - passedOver);
        }
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
        long reachedByLine = reached;
        return http.send(Endpoint.FIGURES, HttpMethod.GET, "/metrics", null, "192.0.2.1", null)
                .transform(m -> Future.succeededFuture(m.succeeded() && m.result().status() == 200 ? passedOver(m.result().body().toString()) : -1L))
                .compose(passedOver -> ask(http, asked, reachedByLine, passedOver));
    }

    /** The identity gate's passed-over count in a Prometheus text exposition, or -1 when absent. */
    static long passedOver(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("orderly_gate_passed_over{") && l.contains("gate=\"identity\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1L);
    }

    private Future<Audit> ask(Http http, List<Held> asked, long reachedByLine, long passedOver) {
        List<Future<Http.Answer>> answers = new ArrayList<>();
        for (Held h : asked) {
            answers.add(http.send(Endpoint.BOT_JOIN, HttpMethod.GET, "/api/gates/identity/status", h.browser(), null, null));
        }
        return Future.join(answers).transform(done -> {
            long admitted = 0;
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
            return Future.succeededFuture(new Audit(count, reachedByLine, asked.size(), admitted, passedOver, other, taken));
        });
    }

    /**
     * What a run without bots reports.
     */
    public static Audit none() {
        return new Audit(0, 0, 0, 0, -1, 0, 0);
    }
}
