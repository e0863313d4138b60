package dev.orderly.surge.replay;

import dev.orderly.problem.ProblemType;
import dev.orderly.surge.metrics.Endpoint;
import dev.orderly.surge.metrics.Gate;
import dev.orderly.surge.metrics.RunMetrics;
import dev.orderly.surge.metrics.RunMetrics.Cheat;
import dev.orderly.surge.metrics.RunMetrics.Outcome;
import dev.orderly.surge.scenario.Scenario;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One simulated person, from arrival to a booking (or not), as a state machine over {@link Phase}:
 * waiting at the identity gate in one or more tabs, verifying, waiting at the booking gate, booking,
 * done. Timers and answers move it; every answer that arrives after the person is done is dropped.
 * Every random choice comes from the person's own stream, seeded by the run's seed and the
 * person's arrival index, so a night replays the same people. Cheaters try their trick on the way.
 */
final class Person {
    /** Where a person is in their walk; {@link #DONE} is final. */
    enum Phase { WAITING, VERIFYING, BOOKING_LINE, BOOKING, DONE }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final String[] FAR_TIMES = {"Mon, 01 Jan 2035 00:00:00 GMT", "Thu, 01 Jan 2015 00:00:00 GMT"};
    /** Refusals of a pass by the step it should open: the person was admitted and is bounced (counted, not a failure). */
    private static final Set<ProblemType> PASS_REFUSALS = EnumSet.of(ProblemType.NO_PASS, ProblemType.INVALID_PASS,
            ProblemType.PASS_OTHER_GATE, ProblemType.PASS_OTHER_BROWSER, ProblemType.PASS_OTHER_PERSON, ProblemType.PASS_EXPIRED,
            ProblemType.PASS_SPENT);

    final Night night;
    final int id;
    final Cheat cheat;
    final boolean refresher;
    boolean joinedPreQueue;
    /** Gates where this person already got a place: more tabs share it (keyed gate, or the browser's cookie). */
    final EnumSet<Gate> placed = EnumSet.noneOf(Gate.class);
    boolean reconnectPending;
    private final Setup.Resident resident;
    private final SplittableRandom random;
    private final boolean givesUp;
    private final String address;
    private final RunMetrics metrics;
    private final Scenario scenario;
    private final List<Tab> tabs = new ArrayList<>(2);
    private Phase phase = Phase.WAITING;
    private Tab winner;
    private int tabsLeft;
    private boolean counted429;
    private int attempts;
    private int challengeTries;
    private long arrivedAt;
    private long bookingLineAt;
    private List<JsonObject> choices = List.of();

    /** The person who arrives {@code id}-th; {@code resident} is null for someone not in the open cohort. */
    Person(Night night, int id, Setup.Resident resident) {
        this.night = night;
        this.metrics = night.metrics;
        this.scenario = night.scenario;
        this.id = id;
        this.resident = resident;
        this.random = new SplittableRandom(night.seed * 1_000_003L + id);
        this.address = addressOf(id);
        this.cheat = drawCheat(random.nextDouble());
        this.refresher = random.nextDouble() < scenario.behaviour().refreshers().share();
        this.givesUp = random.nextDouble() < scenario.behaviour().giveUp().share();
    }

    boolean done() {
        return phase == Phase.DONE;
    }

    /** Each person's household has its own address, so the per-address limits see households, not the generator. */
    private static String addressOf(int person) {
        int n = person + 1;
        return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private Cheat drawCheat(double u) {
        Scenario.Cheaters c = scenario.cheaters();
        double[] shares = {c.clockSkew(), c.replayTicket(), c.forgeTicket(), c.directBooking(), c.airplane()};
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            sum += shares[i];
            if (u < sum) {
                return Cheat.values()[i];
            }
        }
        return null;
    }

    private int drawTabs() {
        double u = random.nextDouble();
        double sum = 0;
        for (Scenario.TabShare t : scenario.population().tabs()) {
            sum += t.share();
            if (u < sum) {
                return t.tabs();
            }
        }
        return scenario.population().tabs().getLast().tabs();
    }

    void arrive() {
        night.personArrived();
        arrivedAt = System.nanoTime();
        int count = drawTabs();
        Browser first = new Browser(address);
        for (int i = 0; i < count; i++) {
            Browser b = i == 0 || random.nextDouble() >= scenario.population().otherDeviceShare() ? first : new Browser(address);
            tabs.add(new Tab(this, b, Gate.IDENTITY));
        }
        tabsLeft = tabs.size();
        metrics.arrived(count);
        if (cheat != null) {
            metrics.cheaterArrived(cheat);
        }
        // The first tab opens now; more tabs of the same browser once it has its cookie, others at once.
        tabs.getFirst().join(false);
        for (int i = 1; i < tabs.size(); i++) {
            Tab t = tabs.get(i);
            if (t.browser != first) {
                night.later(random.nextInt(1, 2000), () -> t.join(false));
            }
        }
        if (givesUp) {
            night.later(scenario.behaviour().giveUp().patience().toMillis(), () -> {
                if (phase == Phase.WAITING) {
                    metrics.leftWhileWaiting();
                    finish(Outcome.GAVE_UP);
                }
            });
        }
    }

    void onFirstJoin(Tab tab) {
        if (tab == tabs.getFirst() && tab.gate == Gate.IDENTITY) {
            for (int i = 1; i < tabs.size(); i++) {
                Tab t = tabs.get(i);
                if (t.browser == tab.browser) {
                    night.later(random.nextInt(1, 2000), () -> t.join(false));
                }
            }
            tryTicketTricks(tab);
            if (cheat == Cheat.DIRECT_BOOKING) {
                // Straight to the protected step without a pass (after the join, so the browser id is settled).
                night.http.send(Endpoint.CHEAT, HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity())
                        .onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
            }
        }
    }

    private void tryTicketTricks(Tab tab) {
        if (cheat == Cheat.REPLAY_TICKET && night.stolenTicket != null && !night.stolenTicket.equals(tab.ticket)) {
            night.http.send(Endpoint.CHEAT, HttpMethod.GET, "/api/gates/identity/status", tab.browser, null, null,
                    "Orderly-Ticket", night.stolenTicket).onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
        } else if (cheat == Cheat.FORGE_TICKET && tab.ticket != null) {
            night.http.send(Endpoint.CHEAT, HttpMethod.GET, "/api/gates/identity/status", tab.browser, null, null,
                    "Orderly-Ticket", Forgery.tamperedTicket(tab.ticket)).onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
        }
    }

    void rateLimited() {
        if (!counted429) {
            counted429 = true;
            metrics.personRateLimited();
        }
    }

    void tabGone() {
        tabsLeft--;
        if (tabsLeft <= 0 && (phase == Phase.WAITING || phase == Phase.BOOKING_LINE)) {
            if (phase == Phase.WAITING) {
                metrics.leftWhileWaiting();
            }
            finish(Outcome.FAILED);
        }
    }

    void admitted(Tab tab, String pass) {
        tab.stop();
        if (tab.gate == Gate.IDENTITY && phase == Phase.WAITING) {
            phase = Phase.VERIFYING;
            winner = tab;
            metrics.admittedIdentity((System.nanoTime() - arrivedAt) / 1_000_000);
            stopOthers(tab);
            if (cheat == null && pass != null) {
                night.stolenPass = pass;
            }
            passTricks(tab);
            night.later(night.thinkMillis(random), () -> challenge(tab));
        } else if (tab.gate == Gate.BOOKING && phase == Phase.BOOKING_LINE) {
            phase = Phase.BOOKING;
            winner = tab;
            metrics.admittedBooking((System.nanoTime() - bookingLineAt) / 1_000_000);
            stopOthers(tab);
            night.later(night.thinkMillis(random), this::search);
        }
    }

    private void stopOthers(Tab keep) {
        for (Tab t : tabs) {
            if (t != keep) {
                t.stop();
            }
        }
    }

    private void passTricks(Tab tab) {
        if (cheat == Cheat.REPLAY_TICKET && night.stolenPass != null) {
            night.http.send(Endpoint.CHEAT, HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity(),
                    "Orderly-Pass", night.stolenPass).onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
        } else if (cheat == Cheat.FORGE_TICKET && tab.browser.browserId() != null) {
            long now = System.currentTimeMillis() / 1000;
            for (String forged : List.of(Forgery.unsignedPass("identity", tab.browser.browserId(), now),
                    Forgery.badlySignedPass("identity", tab.browser.browserId(), now, new Random(random.nextLong())))) {
                night.http.send(Endpoint.CHEAT, HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity(),
                        "Orderly-Pass", forged).onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
            }
        }
    }

    /** Name, birth date and phone: a resident's, or made up for someone not in the open cohort. */
    private JsonObject identity() {
        if (resident != null) {
            return new JsonObject().put("name", resident.name()).put("birthDate", resident.birthDate()).put("phone", resident.phone());
        }
        int n = id;
        return new JsonObject().put("name", "Surge Visitor").put("birthDate", "1990-01-" + String.format(Locale.ROOT, "%02d", 1 + n % 28))
                .put("phone", String.format(Locale.ROOT, "010-9%03d-%04d", (n / 10_000) % 1000, n % 10_000));
    }

    /** The clock-skew cheater's far-off {@code Date} and {@code X-Client-Time}; nothing for anyone else. */
    String[] skewHeaders() {
        if (cheat != Cheat.CLOCK_SKEW) {
            return new String[0];
        }
        String far = FAR_TIMES[id % 2];
        return new String[] {"Date", far, "X-Client-Time", far.contains("2035") ? "2035-01-01T00:00:00Z" : "2015-01-01T00:00:00Z"};
    }

    private void challenge(Tab tab) {
        night.http.send(Endpoint.IDENTITY_CHALLENGE, HttpMethod.POST, "/api/identity/challenges", tab.browser, null, identity(),
                skewHeaders()).onSuccess(a -> {
                    if (phase == Phase.DONE) {
                        return;
                    }
                    String problem = a.problem();
                    if (a.status() == 201) {
                        String challengeId = a.json().getString("challengeId");
                        // The dev inbox is each node's own: the code is read from the node that sent it.
                        night.later(night.thinkMillis(random), () -> readCode(tab, challengeId, a.target()));
                    } else if (a.is(ProblemType.NO_MATCH) && resident == null) {
                        metrics.notEligibleRefused();
                        finish(Outcome.NOT_ELIGIBLE);
                    } else if (PASS_REFUSALS.contains(a.problemType())) {
                        metrics.bounced(Gate.IDENTITY);
                        finish(Outcome.BOUNCED);
                    } else if ((a.status() == 429 || a.status() == 503 || a.status() == 0) && ++challengeTries < 5) {
                        if (a.status() != 429) {
                            metrics.unexpected(Endpoint.IDENTITY_CHALLENGE, a.status(), problem);
                        }
                        night.later(a.retryAfterSeconds() * 1000, () -> challenge(tab));
                    } else {
                        metrics.unexpected(Endpoint.IDENTITY_CHALLENGE, a.status(), problem);
                        finish(Outcome.FAILED);
                    }
                });
    }

    private void readCode(Tab tab, String challengeId, int node) {
        night.http.sendTo(node, Endpoint.DEV_SMS, HttpMethod.GET, "/api/dev/sms?phone=" + enc(resident.phone()), null, "192.0.2.2", null)
                .onSuccess(a -> {
                    Matcher m = a.ok() ? CODE.matcher(a.json().getString("text", "")) : null;
                    if (m == null || !m.find()) {
                        metrics.unexpected(Endpoint.DEV_SMS, a.status(), a.problem());
                        finish(Outcome.FAILED);
                        return;
                    }
                    String code = m.group(1);
                    night.http.send(Endpoint.IDENTITY_VERIFY, HttpMethod.POST, "/api/identity/challenges/" + challengeId + "/verify",
                            tab.browser, null, new JsonObject().put("code", code)).onSuccess(v -> {
                                if (v.status() == 200) {
                                    metrics.verified();
                                    verified(tab);
                                } else {
                                    metrics.unexpected(Endpoint.IDENTITY_VERIFY, v.status(), v.problem());
                                    finish(Outcome.FAILED);
                                }
                            });
                });
    }

    private void verified(Tab tab) {
        if (cheat == Cheat.DIRECT_BOOKING) {
            night.http.send(Endpoint.CHEAT, HttpMethod.POST, "/api/reservations", tab.browser, null,
                    new JsonObject().put("clinicId", 1).put("day", "2030-01-01").put("product", "PFZ"),
                    "Idempotency-Key", "surge-" + night.runId + "-" + id + "-direct").onSuccess(a -> metrics.cheatAttempt(cheat, a.ok()));
        }
        phase = Phase.BOOKING_LINE;
        bookingLineAt = System.nanoTime();
        // Every tab of the verified browser joins the booking line; they must share one place. New tabs, not the
        // identity gate's: those may still have a poll or a refresh timer pending, which must find them stopped
        // (reviving them sent booking-gate polls before the booking ticket existed: 400 no-ticket).
        List<Tab> line = new ArrayList<>();
        for (Tab t : tabs) {
            if (t.browser == tab.browser) {
                line.add(new Tab(this, t.browser, Gate.BOOKING));
            }
        }
        tabs.clear();
        tabs.addAll(line);
        tabsLeft = line.size();
        List<String> tickets = new ArrayList<>();
        for (Tab t : line) {
            night.later(random.nextInt(1, 500), () -> {
                t.join(false);
                sharedPlaceCheck(t, tickets, line.size());
            });
        }
    }

    private void sharedPlaceCheck(Tab t, List<String> tickets, int expected) {
        // Checked once every tab has its ticket: one place for the person.
        night.vertx.setTimer(1500, id -> {
            if (t.ticket != null) {
                tickets.add(t.ticket);
            }
            if (tickets.size() == expected && expected > 1) {
                metrics.sharedPlaceChecked(tickets.stream().map(Person::placeOf).distinct().count() <= 1);
            }
        });
    }

    private void search() {
        String province = night.provinces.get(random.nextInt(night.provinces.size()));
        night.http.send(Endpoint.CLINICS, HttpMethod.GET, "/api/clinics?province=" + enc(province), winner.browser, null, null)
                .onSuccess(a -> {
                    if (phase == Phase.DONE) {
                        return;
                    }
                    if (!a.ok()) {
                        metrics.unexpected(Endpoint.CLINICS, a.status(), a.problem());
                        finish(Outcome.FAILED);
                        return;
                    }
                    choices = OpenDays.of(a.json());
                    book();
                });
    }

    private void book() {
        if (choices.isEmpty() || attempts >= scenario.behaviour().bookingAttempts()) {
            finish(Outcome.NO_PLACE_FOUND);
            return;
        }
        JsonObject choice = choices.remove(random.nextInt(choices.size()));
        choices = new ArrayList<>(choices);
        int attempt = ++attempts;
        night.http.send(Endpoint.RESERVATIONS, HttpMethod.POST, "/api/reservations", winner.browser, null, choice,
                "Idempotency-Key", "surge-" + night.runId + "-" + id + "-" + attempt).onSuccess(a -> {
                    if (phase == Phase.DONE) {
                        return;
                    }
                    String problem = a.problem();
                    if (a.status() == 201) {
                        metrics.booked();
                        finish(Outcome.BOOKED);
                    } else if (a.is(ProblemType.DAY_FULL)) {
                        night.later(night.thinkMillis(random), this::book);
                    } else if (a.is(ProblemType.ALREADY_BOOKED)) {
                        finish(Outcome.ALREADY_BOOKED);
                    } else if (a.is(ProblemType.NOT_ELIGIBLE)) {
                        finish(Outcome.NOT_ELIGIBLE);
                    } else if (PASS_REFUSALS.contains(a.problemType())) {
                        metrics.bounced(Gate.BOOKING);
                        finish(Outcome.BOUNCED);
                    } else {
                        metrics.unexpected(Endpoint.RESERVATIONS, a.status(), problem);
                        finish(Outcome.FAILED);
                    }
                });
    }

    void finish(Outcome outcome) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        for (Tab t : tabs) {
            t.stop();
        }
        metrics.outcome(outcome);
        night.personFinished();
    }


    /** The place number a ticket holds (its payload is {@code gate|number|...}); tickets of one place may differ in other fields. */
    static String placeOf(String ticket) {
        String[] parts = ticket.split("\\.");
        if (parts.length < 2) {
            return ticket;
        }
        try {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String[] fields = payload.split("\\|");
            return fields.length > 1 ? fields[0] + "|" + fields[1] : payload;
        } catch (IllegalArgumentException e) {
            return ticket;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
