package dev.orderly.surge.walk;

import dev.orderly.problem.ProblemType;
import dev.orderly.surge.replay.Browser;
import dev.orderly.surge.replay.OpenDays;
import dev.orderly.surge.replay.Setup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One person's whole walk, as a browser does it: join the identity line and poll as the server
 * says until admitted, ask for a code, read it from the dev inbox, verify, read the eligibility,
 * join the booking line and poll until admitted, search clinics, book (another open day when the
 * chosen one filled). {@link #prepare} stops before the booking, for the bookings-only burst.
 * Runs on the generator's one event loop.
 */
final class Walker {
    /** How a walk ended. */
    enum Outcome { BOOKED, NO_PLACE, FAILED }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final int MAX_BOOKING_TRIES = 5;
    private static final int MAX_RETRIES = 5;

    private final Vertx vertx;
    private final WalkHttp http;
    private final Setup.Resident resident;
    private final Browser browser;
    private final SplittableRandom random;
    private final List<String[]> districts;
    private final String runId;
    private final int index;
    private List<JsonObject> choices = List.of();
    private int bookingTries;
    private int retries;
    String reference;
    String failedAt;

    Walker(Vertx vertx, WalkHttp http, Setup.Resident resident, int index, List<String[]> districts, String runId) {
        this.vertx = vertx;
        this.http = http;
        this.resident = resident;
        this.index = index;
        this.districts = districts;
        this.runId = runId;
        this.random = new SplittableRandom(index * 1_000_003L + 17);
        int n = index + 1;
        // Each person from their own address, so per-address limits see people, not the generator.
        this.browser = new Browser("10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff));
    }

    String phone() {
        return resident.phone();
    }

    /** The whole walk. */
    Future<Outcome> walk() {
        return prepare().compose(ready -> ready ? book() : Future.succeededFuture(Outcome.FAILED));
    }

    /** Every step up to the booking: true when the person holds a booking pass and a list of open days. */
    Future<Boolean> prepare() {
        return line("identity", Step.IDENTITY_JOIN, Step.IDENTITY_STATUS)
                .compose(ok -> ok ? challenge() : Future.succeededFuture(false))
                .compose(ok -> ok ? eligibility() : Future.succeededFuture(false))
                .compose(ok -> ok ? line("booking", Step.BOOKING_JOIN, Step.BOOKING_STATUS) : Future.succeededFuture(false))
                .compose(ok -> ok ? search() : Future.succeededFuture(false));
    }

    private Future<Boolean> fail(Step step, WalkHttp.Answer a) {
        http.stats.unexpected(step);
        if (failedAt == null) {
            failedAt = step.label + " " + a.status() + (a.problem() == null ? "" : " " + a.problem());
        }
        return Future.succeededFuture(false);
    }

    /** Whether to try again after an overload answer (429, 503, none), and when. */
    private Future<Boolean> retryLater(Step step, WalkHttp.Answer a, java.util.function.Supplier<Future<Boolean>> again) {
        if ((a.status() == 429 || a.status() == 503 || a.status() == 0) && retries++ < MAX_RETRIES) {
            http.stats.unexpected(step);
            String after = a.headers() == null ? null : a.headers().get("Retry-After");
            long ms = after == null ? 1000 : Math.max(1, Long.parseLong(after.strip())) * 1000L;
            Promise<Boolean> p = Promise.promise();
            vertx.setTimer(ms, t -> again.get().onComplete(p));
            return p.future();
        }
        return fail(step, a);
    }

    private Future<Boolean> line(String gate, Step join, Step status) {
        return http.send(join, HttpMethod.POST, "/api/gates/" + gate + "/join", browser, null).compose(a -> {
            if (!a.ok()) {
                return retryLater(join, a, () -> line(gate, join, status));
            }
            return waitInLine(gate, status, a.json());
        });
    }

    private Future<Boolean> waitInLine(String gate, Step status, JsonObject s) {
        if ("admitted".equals(s.getString("state"))) {
            return Future.succeededFuture(true);
        }
        long after = Math.max(1, s.getLong("pollAfterMs", 1000L));
        Promise<Boolean> p = Promise.promise();
        vertx.setTimer(after, t -> http.send(status, HttpMethod.GET, "/api/gates/" + gate + "/status", browser, null).compose(a -> {
            if (a.status() != 200) {
                return retryLater(status, a, () -> waitInLine(gate, status, s));
            }
            return waitInLine(gate, status, a.json());
        }).onComplete(p));
        return p.future();
    }

    private Future<Boolean> challenge() {
        JsonObject identity = new JsonObject().put("name", resident.name()).put("birthDate", resident.birthDate())
                .put("phone", resident.phone());
        return http.send(Step.CHALLENGE, HttpMethod.POST, "/api/identity/challenges", browser, identity).compose(a -> {
            if (a.status() != 201) {
                return retryLater(Step.CHALLENGE, a, this::challenge);
            }
            String id = a.json().getString("challengeId");
            return http.send(Step.SMS_INBOX, HttpMethod.GET, "/api/dev/sms?phone=" + enc(resident.phone()), browser, null)
                    .compose(sms -> {
                        Matcher m = sms.ok() ? CODE.matcher(sms.json().getString("text", "")) : null;
                        if (m == null || !m.find()) {
                            return fail(Step.SMS_INBOX, sms);
                        }
                        return http.send(Step.VERIFY, HttpMethod.POST, "/api/identity/challenges/" + id + "/verify", browser,
                                new JsonObject().put("code", m.group(1))).compose(v -> v.status() == 200
                                        ? Future.succeededFuture(true) : fail(Step.VERIFY, v));
                    });
        });
    }

    private Future<Boolean> eligibility() {
        return http.send(Step.ELIGIBILITY, HttpMethod.GET, "/api/me", browser, null).compose(a -> {
            if (!a.ok() || a.json().getJsonObject("eligibility") == null) {
                return fail(Step.ELIGIBILITY, a);
            }
            return Future.succeededFuture(true);
        });
    }

    private Future<Boolean> search() {
        // As the booking page does: a province and one of its districts.
        String[] where = districts.get(random.nextInt(districts.size()));
        return http.send(Step.SEARCH, HttpMethod.GET, "/api/clinics?province=" + enc(where[0]) + "&district=" + enc(where[1]), browser,
                null).compose(a -> {
            if (!a.ok()) {
                return retryLater(Step.SEARCH, a, this::search);
            }
            choices = OpenDays.of(a.json());
            return Future.succeededFuture(true);
        });
    }

    /** The booking: a random open day of the search; another one when it filled meanwhile. */
    Future<Outcome> book() {
        if (choices.isEmpty() || bookingTries >= MAX_BOOKING_TRIES) {
            return Future.succeededFuture(Outcome.NO_PLACE);
        }
        List<JsonObject> left = new ArrayList<>(choices);
        JsonObject choice = left.remove(random.nextInt(left.size()));
        choices = left;
        int attempt = ++bookingTries;
        return http.send(Step.BOOK, HttpMethod.POST, "/api/reservations", browser, choice,
                "Idempotency-Key", "walk-" + runId + "-" + index + "-" + attempt).compose(a -> {
                    if (a.status() == 201) {
                        reference = a.json().getString("reference");
                        return Future.succeededFuture(Outcome.BOOKED);
                    }
                    if (a.is(ProblemType.DAY_FULL)) {
                        return book();
                    }
                    return fail(Step.BOOK, a).map(Outcome.FAILED);
                });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
