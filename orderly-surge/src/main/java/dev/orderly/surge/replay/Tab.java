package dev.orderly.surge.replay;

import dev.orderly.surge.metrics.Gate;
import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.metrics.RunMetrics.Cheat;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * One tab (or device) of a person, waiting at one gate: joins, then polls as the server's
 * {@code pollAfterMs} says until admitted, refused or stopped. A refresher re-joins instead of
 * polling when its refresh comes sooner; an airplane-mode cheater goes quiet once and comes back.
 * Every answer is checked against the tab's state: a stopped tab, or one of a finished person,
 * does nothing more (its timers may still fire).
 */
final class Tab {
    final Person person;
    final Browser browser;
    final Gate gate;
    String ticket;
    private final Night night;
    private long rank;
    private boolean preQueue;
    private boolean stopped;
    private boolean wentOffline;

    Tab(Person person, Browser browser, Gate gate) {
        this.person = person;
        this.browser = browser;
        this.gate = gate;
        this.night = person.night;
    }

    void join(boolean refresh) {
        if (stopped || person.done()) {
            return;
        }
        long sent = System.nanoTime();
        night.http.send(gate.join(), HttpMethod.POST, "/api/gates/" + gate.slug() + "/join", browser, null, null, person.skewHeaders())
                .onSuccess(a -> joined(a, sent, refresh));
    }

    private void joined(Http.Answer a, long sent, boolean refresh) {
        if (stopped || person.done()) {
            return;
        }
        RunMetrics metrics = night.metrics;
        if (a.status() == 429) {
            metrics.rateLimitedAnswer();
            person.rateLimited();
            night.later(a.retryAfterSeconds() * 1000, () -> join(refresh));
            return;
        }
        if (!a.ok()) {
            metrics.unexpected(gate.join(), a.status(), a.problem());
            stop();
            person.tabGone();
            return;
        }
        JsonObject s = a.json();
        String newTicket = s.getString("ticket");
        if (ticket != null && newTicket != null && !newTicket.equals(ticket)) {
            metrics.rankChanged();
        }
        // Only the person's first place at the gate is timed: a later tab is answered the place the
        // person already holds (one place per person), which is older than its own request, so timing
        // it would count an earlier place as a later join "placed ahead" of people answered between.
        boolean firstPlace = a.status() == 201 && person.placed.add(gate);
        if (firstPlace && ticket == null && !s.getBoolean("inPreQueue", false) && s.getLong("rank", 0L) > 0) {
            metrics.joined(gate, sent, System.nanoTime(), s.getLong("rank"), person.cheat != null);
        }
        if (s.getBoolean("inPreQueue", false) && !person.joinedPreQueue) {
            person.joinedPreQueue = true;
            metrics.joinedPreQueue();
        }
        if (ticket == null && gate == Gate.IDENTITY && person.cheat == null && night.stolenTicket == null && a.status() == 201) {
            night.stolenTicket = newTicket;
        }
        ticket = newTicket;
        if (!refresh) {
            person.onFirstJoin(this);
        }
        status(s);
    }

    void poll() {
        if (stopped || person.done()) {
            return;
        }
        String query = person.cheat == Cheat.CLOCK_SKEW ? "?now=2035-01-01T00:00:00Z" : "";
        night.http.send(gate.status(), HttpMethod.GET, "/api/gates/" + gate.slug() + "/status" + query, browser, null, null,
                person.skewHeaders()).onSuccess(a -> {
                    if (stopped || person.done()) {
                        return;
                    }
                    if (a.status() == 200) {
                        status(a.json());
                    } else if (a.status() == 429 || a.status() == 503 || a.status() == 0) {
                        if (a.status() != 429) {
                            night.metrics.unexpected(gate.status(), a.status(), a.problem());
                        }
                        night.later(a.retryAfterSeconds() * 1000, this::poll);
                    } else {
                        night.metrics.unexpected(gate.status(), a.status(), a.problem());
                        if (wentOffline) {
                            night.metrics.placeLostOnReconnect();
                        }
                        stop();
                        person.tabGone();
                    }
                });
    }

    private void status(JsonObject s) {
        long newRank = s.getLong("rank", 0L);
        boolean back = wentOffline && person.reconnectPending;
        if (newRank > 0 && rank > 0 && newRank != rank) {
            night.metrics.rankChanged();
            if (back) {
                night.metrics.placeLostOnReconnect();
            }
        }
        if (back) {
            person.reconnectPending = false;
            night.metrics.reconnected();
        }
        if (newRank > 0) {
            rank = newRank;
        }
        preQueue = s.getBoolean("inPreQueue", false);
        if ("admitted".equals(s.getString("state"))) {
            person.admitted(this, s.getString("pass"));
            return;
        }
        long pollAfter = Math.max(50, s.getLong("pollAfterMs", 1000L));
        if (person.cheat == Cheat.AIRPLANE && !wentOffline && rank > 0 && !preQueue && gate == Gate.IDENTITY) {
            wentOffline = true;
            person.reconnectPending = true;
            night.later(night.scenario.cheaters().airplaneOffline().toMillis(), this::poll);
            return;
        }
        if (person.refresher && gate == Gate.IDENTITY) {
            long interval = night.scenario.behaviour().refreshers().interval().toMillis();
            if (interval < pollAfter) {
                night.later(interval, () -> join(true));
                return;
            }
        }
        night.later(pollAfter, this::poll);
    }

    void stop() {
        stopped = true;
    }
}
