package dev.orderly.server.http;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.ClinicAvailability;
import dev.orderly.booking.Reservation;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.gate.GateStatus;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.identity.SessionTokens;
import dev.orderly.identity.Verification;
import dev.orderly.registry.Person;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.registry.ResidentRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orderly's HTTP interface: the JSON API behind the pages, the pages themselves, metrics and
 * health. Maps domain outcomes to status codes and RFC 9457 problem bodies; no domain decision is
 * taken here.
 *
 * <p>Threading: gate calls (in-memory counters and HMAC) run on the event loop; anything that
 * touches the database runs on a virtual thread and its reply is sent back on the event loop.
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static final String BROWSER_COOKIE = "orderly_bid";
    static final String SESSION_COOKIE = "orderly_session";
    static final String IDENTITY_GATE = "identity";
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern CHALLENGE_ID = Pattern.compile("[0-9a-f]{36}");
    private static final int MAX_SEARCH_DAYS = 60;

    /** What the API needs from the rest of the application. */
    public record Parts(WaitingRoom waitingRoom, OneTimeCodeVerifier verifier, SessionTokens sessions,
                        ResidentRegistry registry, BookingService booking, BookingStore bookingStore,
                        MeterRegistry meters, Supplier<String> metricsScrape, Supplier<Boolean> ready,
                        Optional<DevRoutes> dev, boolean secureCookies, int maxBodyBytes, Duration passLifetime) {
    }

    private final Parts parts;
    private final ExecutorService blockingWork;
    private final SecureRandom random = new SecureRandom();

    public HttpApi(Parts parts, ExecutorService blockingWork) {
        this.parts = parts;
        this.blockingWork = blockingWork;
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(this::securityHeadersAndTiming);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(parts.maxBodyBytes()));
        router.route("/api/*").handler(this::browserId);

        router.get("/health").handler(ctx -> send(ctx, Reply.json(200, new JsonObject().put("status", "UP"))));
        router.get("/ready").handler(ctx -> run(ctx, () -> parts.ready().get()
                ? Reply.json(200, new JsonObject().put("status", "READY"))
                : Reply.problem(503, "not-ready", "Not ready", "the database is not reachable")));
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(parts.metricsScrape().get()));

        router.get("/api/gates/:gate").handler(this::gateInfo);
        router.post("/api/gates/:gate/join").handler(this::join);
        router.get("/api/gates/:gate/status").handler(this::status);

        router.post("/api/identity/challenges").handler(this::startChallenge);
        router.post("/api/identity/challenges/:id/verify").handler(this::verifyChallenge);
        router.post("/api/identity/logout").handler(this::logout);
        router.get("/api/me").handler(this::me);

        router.get("/api/products").handler(ctx -> run(ctx, () -> Reply.json(200, new JsonArray(parts.bookingStore().products().stream()
                .map(p -> new JsonObject().put("code", p.code()).put("name", p.name())
                        .put("dose2MinDays", p.dose2MinDays()).put("dose2MaxDays", p.dose2MaxDays()))
                .toList()))));
        router.get("/api/regions").handler(ctx -> run(ctx, () -> Reply.json(200, new JsonArray(parts.bookingStore().regions().stream()
                .map(r -> new JsonObject().put("province", r.province()).put("districts", new JsonArray(r.districts())))
                .toList()))));
        router.get("/api/clinics").handler(this::searchClinics);
        router.post("/api/reservations").handler(this::book);
        router.get("/api/reservations/mine").handler(this::myReservation);
        router.delete("/api/reservations/mine").handler(this::cancel);

        parts.dev().ifPresent(dev -> dev.mount(router, this));

        router.route("/api/*").handler(ctx -> send(ctx, Reply.problem(404, "not-found", "Not found",
                "no API at " + ctx.request().method() + " " + ctx.request().path())));
        router.get("/openapi.yaml").handler(StaticHandler.create("api").setCachingEnabled(false));
        router.route("/assets/*").handler(StaticHandler.create("web")
                .setMaxAgeSeconds(Duration.ofDays(365).toSeconds()).setSendVaryHeader(false));
        router.route("/*").handler(StaticHandler.create("web").setMaxAgeSeconds(60).setIndexPage("index.html"));
        router.route().failureHandler(this::failure);
        return router;
    }

    // ---------------------------------------------------------------- cross-cutting

    private void securityHeadersAndTiming(RoutingContext ctx) {
        HttpServerResponse r = ctx.response();
        r.putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                        + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        if (ctx.request().path().startsWith("/api/")) {
            r.putHeader("Cache-Control", "no-store");
        }
        Timer.Sample sample = Timer.start(parts.meters());
        ctx.addBodyEndHandler(v -> sample.stop(Timer.builder("orderly.http.server.requests")
                .tag("method", ctx.request().method().name())
                .tag("route", ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "other" : ctx.currentRoute().getPath())
                .tag("status", Integer.toString(r.getStatusCode()))
                .register(parts.meters())));
        ctx.next();
    }

    /** Every API caller gets a random browser id in an HttpOnly cookie; tickets and passes are bound to it. */
    private void browserId(RoutingContext ctx) {
        Cookie existing = ctx.request().getCookie(BROWSER_COOKIE);
        String id = existing == null ? null : existing.getValue();
        if (!GateTokens.isBrowserId(id)) {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            ctx.response().addCookie(cookie(BROWSER_COOKIE, id, Duration.ofDays(30)));
        }
        ctx.put(BROWSER_COOKIE, id);
        ctx.next();
    }

    Cookie cookie(String name, String value, Duration maxAge) {
        return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(parts.secureCookies()).setMaxAge(maxAge.toSeconds());
    }

    private static String browser(RoutingContext ctx) {
        return ctx.get(BROWSER_COOKIE);
    }

    private void failure(RoutingContext ctx) {
        Throwable error = ctx.failure();
        if (error instanceof BadRequest bad) {
            send(ctx, Reply.problem(400, "bad-request", "Bad request", bad.getMessage()));
        } else if (ctx.statusCode() == 413) {
            send(ctx, Reply.problem(413, "body-too-large", "Body too large",
                    "the request body is larger than " + parts.maxBodyBytes() + " bytes"));
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            send(ctx, Reply.problem(ctx.statusCode(), "bad-request", "Bad request", "the request could not be handled as sent"));
        } else {
            LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), error);
            send(ctx, Reply.problem(500, "internal-error", "Internal error", "the server failed; nothing was changed by this request"));
        }
    }

    /** Runs {@code work} on a virtual thread and sends its reply on the event loop. */
    void run(RoutingContext ctx, Supplier<Reply> work) {
        Context context = Vertx.currentContext();
        blockingWork.execute(() -> {
            Reply reply;
            try {
                reply = work.get();
            } catch (RuntimeException e) {
                context.runOnContext(v -> ctx.fail(e));
                return;
            }
            context.runOnContext(v -> send(ctx, reply));
        });
    }

    void send(RoutingContext ctx, Reply reply) {
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.closed()) {
            return;
        }
        reply.cookies().forEach(r::addCookie);
        reply.headers().forEach(h -> r.putHeader(h[0], h[1]));
        r.setStatusCode(reply.status());
        if (reply.body() == null) {
            r.end();
            return;
        }
        r.putHeader("Content-Type", reply.problem() ? "application/problem+json" : "application/json; charset=utf-8");
        r.end(reply.body() instanceof JsonObject o ? o.encode() : ((JsonArray) reply.body()).encode());
    }

    // ---------------------------------------------------------------- gate

    private void gateInfo(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        send(ctx, parts.waitingRoom().figures(gate)
                .map(f -> Reply.json(200, new JsonObject().put("gate", f.gate()).put("waiting", f.waiting())
                        .put("admitted", f.admitted()).put("admitPerSecond", f.admitPerSecond())
                        .put("opensAt", parts.waitingRoom().gate(gate).orElseThrow().opensAt().toString())))
                .orElseGet(() -> unknownGate(gate)));
    }

    private static Reply unknownGate(String gate) {
        return Reply.problem(404, "unknown-gate", "Unknown gate", "there is no gate '" + gate + "'");
    }

    private static String ticketCookie(String gate) {
        return "orderly_ticket_" + gate;
    }

    private static String passCookie(String gate) {
        return "orderly_pass_" + gate;
    }

    private void join(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        if (parts.waitingRoom().gate(gate).isEmpty()) {
            send(ctx, unknownGate(gate));
            return;
        }
        // A browser that already holds a place keeps it: a second tab or a refresh is not a new place.
        Cookie held = ctx.request().getCookie(ticketCookie(gate));
        if (held != null) {
            GateStatus status = parts.waitingRoom().status(gate, held.getValue(), browser(ctx));
            if (!(status instanceof GateStatus.Refused)) {
                send(ctx, statusReply(gate, held.getValue(), status).with("ticket", held.getValue()));
                return;
            }
        }
        WaitingRoom.JoinedTicket joined = parts.waitingRoom().join(gate, browser(ctx)).orElseThrow();
        parts.meters().counter("orderly.gate.joins", "gate", gate).increment();
        GateStatus status = parts.waitingRoom().status(gate, joined.token(), browser(ctx));
        Reply reply = statusReply(gate, joined.token(), status).with("ticket", joined.token());
        send(ctx, new Reply(201, reply.body(), false, reply.cookies(), reply.headers())
                .cookie(cookie(ticketCookie(gate), joined.token(), Duration.ofDays(1))));
    }

    private void status(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        String token = ctx.request().getHeader("Orderly-Ticket");
        if (token == null) {
            Cookie c = ctx.request().getCookie(ticketCookie(gate));
            token = c == null ? null : c.getValue();
        }
        if (token == null) {
            send(ctx, Reply.problem(400, "no-ticket", "No ticket", "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        send(ctx, statusReply(gate, token, parts.waitingRoom().status(gate, token, browser(ctx))));
    }

    private Reply statusReply(String gate, String token, GateStatus status) {
        return switch (status) {
            case GateStatus.Waiting w -> Reply.json(200, new JsonObject().put("state", "waiting").put("gate", gate)
                    .put("sequence", w.sequence()).put("ahead", w.ahead()).put("etaSeconds", w.eta().toSeconds())
                    .put("pollAfterMs", w.pollAfter().toMillis()).put("open", w.open()).put("opensAt", w.opensAt().toString()))
                    .header("Retry-After", Long.toString(Math.max(1, w.pollAfter().toSeconds())));
            case GateStatus.Admitted a -> Reply.json(200, new JsonObject().put("state", "admitted").put("gate", gate)
                    .put("sequence", a.sequence()).put("pass", a.passToken()).put("expiresAt", a.pass().expiresAt().toString()))
                    .cookie(cookie(passCookie(gate), a.passToken(), parts.passLifetime()));
            case GateStatus.Refused r -> switch (r.reason()) {
                case UNKNOWN_GATE -> unknownGate(gate);
                case PASS_EXPIRED -> Reply.problem(410, "pass-expired", "Pass expired",
                        "your turn came, but the pass it earned has expired; join the line again");
                case OTHER_GATE -> Reply.problem(403, "other-gate", "Ticket of another gate", "this ticket was not issued by gate '" + gate + "'");
                case OTHER_BROWSER -> Reply.problem(403, "other-browser", "Ticket of another browser",
                        "this ticket belongs to another browser; tickets cannot be shared");
                case INVALID_TICKET -> Reply.problem(403, "invalid-ticket", "Invalid ticket", "this is not a ticket issued by Orderly");
            };
        };
    }

    /** The identity gate's pass of this browser, if it holds a valid one. */
    private boolean hasIdentityPass(RoutingContext ctx) {
        Cookie pass = ctx.request().getCookie(passCookie(IDENTITY_GATE));
        return pass != null && parts.waitingRoom().acceptPass(IDENTITY_GATE, pass.getValue(), browser(ctx)).isPresent();
    }

    // ---------------------------------------------------------------- identity

    private void startChallenge(RoutingContext ctx) {
        if (!hasIdentityPass(ctx)) {
            send(ctx, noPass());
            return;
        }
        JsonInput in = JsonInput.of(ctx, Set.of("name", "birthDate", "phone"));
        String name = in.text("name", 40);
        LocalDate birthDate = in.date("birthDate");
        String rawPhone = in.text("phone", 20);
        Optional<String> phone = PhoneNumbers.normalise(rawPhone);
        if (phone.isEmpty()) {
            throw new BadRequest("'phone' must be a Korean mobile number such as 010-1234-5678");
        }
        run(ctx, () -> switch (parts.verifier().start(name, birthDate, phone.get())) {
            case Verification.CodeSent sent -> Reply.json(201, new JsonObject().put("challengeId", sent.challengeId())
                    .put("maskedPhone", sent.maskedPhone()).put("expiresAt", sent.expiresAt().toString()));
            case Verification.NoMatch none -> Reply.problem(422, "no-match", "No matching resident",
                    "no resident has that name, birth date and phone number; check all three");
        });
    }

    private static Reply noPass() {
        return Reply.problem(403, "no-pass", "Wait for your turn",
                "this step needs a pass from the waiting room; join the line at the start page");
    }

    private void verifyChallenge(RoutingContext ctx) {
        if (!hasIdentityPass(ctx)) {
            send(ctx, noPass());
            return;
        }
        String id = ctx.pathParam("id");
        JsonInput in = JsonInput.of(ctx, Set.of("code"));
        String code = in.text("code", 6);
        if (!CHALLENGE_ID.matcher(id).matches()) {
            send(ctx, Reply.problem(404, "unknown-challenge", "Unknown challenge", "ask for a new code"));
            return;
        }
        run(ctx, () -> switch (parts.verifier().check(id, code)) {
            case Verification.Verified v -> Reply.json(200, personJson(v.person()))
                    .cookie(cookie(SESSION_COOKIE, parts.sessions().issue(v.person().id()), parts.sessions().lifetime()));
            case Verification.WrongCode w -> Reply.problem(422, "wrong-code", "Wrong code",
                    "the code is not right; " + w.triesLeft() + " tries left").with("triesLeft", w.triesLeft());
            case Verification.Expired e -> Reply.problem(410, "code-expired", "Code expired", "the code has expired; ask for a new one");
            case Verification.TooManyTries t -> Reply.problem(429, "too-many-tries", "Too many wrong codes",
                    "this code is blocked after too many wrong tries; ask for a new one");
            case Verification.UnknownChallenge u -> Reply.problem(404, "unknown-challenge", "Unknown challenge",
                    "no open challenge with that id; ask for a new code");
        });
    }

    private void logout(RoutingContext ctx) {
        send(ctx, new Reply(204, null, false, new java.util.ArrayList<>(), new java.util.ArrayList<>())
                .cookie(cookie(SESSION_COOKIE, "", Duration.ZERO)));
    }

    /** The verified person of this request, or empty. Blocking: call on a virtual thread. */
    private Optional<Person> person(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(SESSION_COOKIE);
        if (c == null) {
            return Optional.empty();
        }
        return parts.sessions().verify(c.getValue()).flatMap(s -> parts.registry().byId(s.personId()));
    }

    private static Reply notVerified() {
        return Reply.problem(401, "not-verified", "Verify first", "verify your identity before this step");
    }

    private void me(RoutingContext ctx) {
        run(ctx, () -> person(ctx).map(p -> {
            JsonObject body = personJson(p).put("eligibility", eligibilityJson(parts.booking().eligibility(p)))
                    .put("firstBookableDay", parts.booking().firstBookableDay().toString())
                    .put("lastBookableDay", parts.booking().lastBookableDay().toString());
            parts.booking().reservationOf(p).ifPresent(r -> body.put("reservation", reservationJson(r)));
            return Reply.json(200, body);
        }).orElseGet(HttpApi::notVerified));
    }

    private static JsonObject personJson(Person p) {
        return new JsonObject().put("name", p.name()).put("birthDate", p.birthDate().toString()).put("maskedPhone", p.maskedPhone());
    }

    static JsonObject eligibilityJson(Eligibility e) {
        return switch (e) {
            case Eligibility.Eligible ok -> new JsonObject().put("eligible", true).put("cohort", cohortJson(ok.cohort()))
                    .put("until", ok.until().toString()).put("products", new JsonArray(ok.cohort().products().stream().sorted().toList()));
            case Eligibility.NotInAnyCohort n -> new JsonObject().put("eligible", false).put("reason", "NOT_IN_ANY_COHORT");
            case Eligibility.NotOpenYet n -> new JsonObject().put("eligible", false).put("reason", "NOT_OPEN_YET")
                    .put("cohort", cohortJson(n.cohort())).put("opensAt", n.opensAt().toString());
            case Eligibility.Closed c -> new JsonObject().put("eligible", false).put("reason", "CLOSED")
                    .put("cohort", cohortJson(c.cohort())).put("closedAt", c.closedAt().toString());
        };
    }

    private static JsonObject cohortJson(dev.orderly.eligibility.Cohort c) {
        return new JsonObject().put("id", c.id()).put("name", c.name())
                .put("bornFrom", c.bornFrom().toString()).put("bornTo", c.bornTo().toString());
    }

    // ---------------------------------------------------------------- booking

    private void searchClinics(RoutingContext ctx) {
        String province = ctx.queryParams().get("province");
        if (province == null || province.isBlank() || province.length() > 40) {
            throw new BadRequest("'province' is required (see /api/regions)");
        }
        String district = ctx.queryParams().get("district");
        if (district != null && (district.isBlank() || district.length() > 40)) {
            throw new BadRequest("'district' must be a district name (see /api/regions)");
        }
        String fromParam = ctx.queryParams().get("from");
        String daysParam = ctx.queryParams().get("days");
        int days;
        try {
            days = daysParam == null ? -1 : Integer.parseInt(daysParam);
        } catch (NumberFormatException e) {
            throw new BadRequest("'days' must be a whole number from 1 to " + MAX_SEARCH_DAYS);
        }
        if (daysParam != null && (days < 1 || days > MAX_SEARCH_DAYS)) {
            throw new BadRequest("'days' must be a whole number from 1 to " + MAX_SEARCH_DAYS);
        }
        LocalDate from = fromParam == null ? null : JsonInput.date("from", fromParam);
        int requestedDays = days;
        run(ctx, () -> {
            LocalDate first = from == null ? parts.booking().firstBookableDay() : from;
            int span = requestedDays > 0 ? requestedDays
                    : (int) (parts.booking().lastBookableDay().toEpochDay() - first.toEpochDay() + 1);
            span = Math.max(1, Math.min(MAX_SEARCH_DAYS, span));
            JsonArray clinics = new JsonArray();
            for (ClinicAvailability ca : parts.bookingStore().search(province, district, first, span)) {
                JsonArray daysJson = new JsonArray();
                ca.days().forEach(d -> daysJson.add(new JsonObject().put("day", d.day().toString()).put("product", d.product())
                        .put("capacity", d.capacity()).put("remaining", d.remaining())));
                clinics.add(new JsonObject().put("id", ca.clinic().id()).put("name", ca.clinic().name())
                        .put("province", ca.clinic().province()).put("district", ca.clinic().district())
                        .put("address", ca.clinic().address())
                        .put("products", new JsonArray(ca.clinic().products().stream().sorted().toList()))
                        .put("days", daysJson));
            }
            return Reply.json(200, new JsonObject().put("from", first.toString()).put("days", span).put("clinics", clinics));
        });
    }

    private void book(RoutingContext ctx) {
        String key = ctx.request().getHeader("Idempotency-Key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new BadRequest("'Idempotency-Key' must be 1-100 of A-Z a-z 0-9 . _ : -");
        }
        JsonInput in = JsonInput.of(ctx, Set.of("clinicId", "day", "product"));
        long clinicId = in.number("clinicId");
        LocalDate day = in.date("day");
        String product = in.text("product", 16);
        run(ctx, () -> {
            Optional<Person> person = person(ctx);
            if (person.isEmpty()) {
                return notVerified();
            }
            BookingOutcome outcome = parts.booking().book(person.get(), clinicId, day, product, key);
            parts.meters().counter("orderly.bookings", "outcome", outcome.getClass().getSimpleName()).increment();
            return bookingReply(outcome);
        });
    }

    static Reply bookingReply(BookingOutcome outcome) {
        return switch (outcome) {
            case BookingOutcome.Booked b -> Reply.json(201, reservationJson(b.reservation()));
            case BookingOutcome.AlreadyBooked a -> Reply.problem(409, "already-booked", "Already booked",
                    "you already hold reservation " + a.existing().reference() + "; cancel it first to book another")
                    .with("reservation", reservationJson(a.existing()));
            case BookingOutcome.DayFull f -> Reply.problem(409, "day-full", "Day full",
                    "no places left on " + f.day() + " for " + f.product() + " at this clinic; choose another day or clinic");
            case BookingOutcome.NoSecondDoseDay n -> Reply.problem(409, "no-second-dose-day", "No day for dose 2",
                    "this clinic has no room for dose 2 between " + n.from() + " and " + n.to() + "; choose another day or clinic");
            case BookingOutcome.NotOffered n -> Reply.problem(422, "not-offered", "Not offered",
                    "clinic " + n.clinicId() + " does not offer " + n.product() + " on that day, or you may not book it");
            case BookingOutcome.DayOutOfRange d -> Reply.problem(422, "day-out-of-range", "Day not bookable",
                    d.day() + " cannot be booked now; choose a day from " + d.first() + " to " + d.last())
                    .with("firstBookableDay", d.first().toString()).with("lastBookableDay", d.last().toString());
            case BookingOutcome.NotEligible n -> Reply.problem(403, "not-eligible", "Not eligible now",
                    "you may not book now").with("eligibility", eligibilityJson(n.why()));
            case BookingOutcome.KeyReused k -> Reply.problem(422, "idempotency-key-reused", "Idempotency key reused",
                    "the Idempotency-Key was already used for a different booking request");
        };
    }

    static JsonObject reservationJson(Reservation r) {
        return new JsonObject().put("reference", r.reference())
                .put("clinic", new JsonObject().put("id", r.clinicId()).put("name", r.clinicName()))
                .put("product", r.product()).put("dose1Day", r.dose1Day().toString()).put("dose2Day", r.dose2Day().toString())
                .put("bookedAt", r.bookedAt().toString());
    }

    private void myReservation(RoutingContext ctx) {
        run(ctx, () -> person(ctx).map(p -> parts.booking().reservationOf(p)
                        .map(r -> Reply.json(200, reservationJson(r)))
                        .orElseGet(() -> Reply.problem(404, "no-reservation", "No reservation", "you hold no active reservation")))
                .orElseGet(HttpApi::notVerified));
    }

    private void cancel(RoutingContext ctx) {
        run(ctx, () -> person(ctx).map(p -> switch (parts.booking().cancel(p)) {
            case CancelOutcome.Cancelled c -> Reply.json(200, reservationJson(c.reservation()).put("status", "CANCELLED"));
            case CancelOutcome.NothingToCancel n -> Reply.problem(404, "no-reservation", "No reservation", "you hold no active reservation");
        }).orElseGet(HttpApi::notVerified));
    }
}
