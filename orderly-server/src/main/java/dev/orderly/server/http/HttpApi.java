package dev.orderly.server.http;

import dev.orderly.audit.AuditLog;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.identity.IdentityProviders;
import dev.orderly.identity.Sessions;
import dev.orderly.problem.ProblemType;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orderly's HTTP interface: the JSON API behind the pages, the pages themselves, metrics and
 * health. Maps domain outcomes to status codes and RFC 9457 problem bodies; no domain decision is
 * taken here.
 *
 * <p>Routes live in {@link GateRoutes}, {@link IdentityRoutes}, {@link BookingRoutes} and
 * {@link DevRoutes}; this class holds what they share.
 *
 * <p>Threading: gate calls (in-memory counters and HMAC) run on the event loop; anything that
 * touches the database runs on a virtual thread and its reply is sent back on the event loop.
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static final String BROWSER_COOKIE = "orderly_bid";
    private static final String LATE_COOKIES = "orderly.lateCookies";

    /** Told of every finished request: the route's path pattern, how long it took, its status. */
    @FunctionalInterface
    public interface RequestObserver {
        void observe(String route, long nanos, int status);
    }

    /** What the API needs from the rest of the application. */
    public record Parts(WaitingRoom waitingRoom, IdentityProviders providers, Sessions sessions,
                        ResidentRegistry registry, BookingService booking, BookingStore bookingStore,
                        MeterRegistry meters, Supplier<String> metricsScrape, Supplier<CompletionStage<Map<String, Boolean>>> ready,
                        Optional<DevRoutes> dev, boolean secureCookies, int maxBodyBytes, String operatorToken,
                        boolean gateStoreIsLocal, String jwks, RequestObserver requestObserver, RateLimits rateLimits,
                        Clock clock, BookingOperations bookingOperations, Staff staff, AuditLog auditLog) {
    }

    /** Staff accounts, sign-in and sessions. */
    public record Staff(dev.orderly.staff.StaffSignIn signIn, dev.orderly.staff.StaffSessions sessions,
                        dev.orderly.staff.StaffAccounts accounts) {
    }

    private final Parts parts;
    private final ExecutorService blockingWork;
    private final AuditTrail audit;
    private final SecureRandom random = new SecureRandom();
    private final Outages outages = new Outages();

    private final ProtocolErrors protocolErrors = new ProtocolErrors();
    private static final CharSequence SET_COOKIE = io.vertx.core.http.HttpHeaders.createOptimized("Set-Cookie");

    private DashboardFeed dashboard;
    private dev.orderly.watch.AlertBook alerts;
    private volatile byte[] canarySecret;
    /** The canary's counts: kept apart, read by nobody, so no figure includes the synthetic resident. */
    private static final MeterRegistry UNCOUNTED = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    private dev.orderly.notice.Notices notices;
    private Assistance assistance;
    private dev.orderly.standby.StandbyService standby;
    private dev.orderly.eligibility.CohortStore standbyCohorts;
    private dev.orderly.clinic.ClinicDesk clinics;
    private FhirRoutes fhir;
    private dev.orderly.gate.LeaveTheLine leaveTheLine;
    private dev.orderly.gate.RecallPhoneCodes recallByPhone;

    public HttpApi(Parts parts, ExecutorService blockingWork) {
        this.parts = parts;
        this.blockingWork = blockingWork;
        this.audit = new AuditTrail(parts.auditLog());
    }

    /** Where staff routes record the changes they made. */
    AuditTrail audit() {
        return audit;
    }

    /** Serves the operators' live figures from {@code feed} (before the router is made). */
    public HttpApi withDashboard(DashboardFeed feed) {
        this.dashboard = feed;
        return this;
    }

    /** Lets verified people leave a line and be texted back (before the router is made). */
    public HttpApi withLeaveTheLine(dev.orderly.gate.LeaveTheLine leaving) {
        this.leaveTheLine = leaving;
        return this;
    }

    /** Lets anyone waiting leave the line with a number proved by a code, besides verified people. */
    public HttpApi withLeaveTheLine(dev.orderly.gate.LeaveTheLine leaving, dev.orderly.gate.RecallPhoneCodes byPhone) {
        this.leaveTheLine = leaving;
        this.recallByPhone = byPhone;
        return this;
    }

    /**
     * Lets the canary of this node through its own gate lanes: a request carrying {@code secret} in
     * {@link dev.orderly.watch.CanaryLanes#HEADER} is the canary's, checked against the lanes and
     * counted in no figure (before the router is made).
     */
    public HttpApi withCanary(String secret) {
        this.canarySecret = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return this;
    }

    /** Whether this request is the canary's (see {@link #withCanary}). */
    boolean isCanary(RoutingContext ctx) {
        byte[] secret = canarySecret;
        String given = ctx.request().getHeader(dev.orderly.watch.CanaryLanes.HEADER);
        return secret != null && given != null
                && java.security.MessageDigest.isEqual(secret, given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Where this request's counts go: the node's meters, or nowhere for the canary's. */
    MeterRegistry metersFor(RoutingContext ctx) {
        return isCanary(ctx) ? UNCOUNTED : parts.meters();
    }

    /** Shows the watchdog's alerts from {@code book} (before the router is made). */
    public HttpApi withAlerts(dev.orderly.watch.AlertBook book) {
        this.alerts = book;
        return this;
    }

    /** Lets operators message many people through {@code outbox} (before the router is made). */
    public HttpApi withMessages(dev.orderly.notice.Notices outbox) {
        this.notices = outbox;
        return this;
    }

    /** Lets agents and family members act for residents (before the router is made). */
    public HttpApi withAssistance(Assistance parts) {
        this.assistance = parts;
        return this;
    }

    /** Serves the standby list and leftover doses through {@code service} (before the router is made). */
    public HttpApi withStandby(dev.orderly.standby.StandbyService service, dev.orderly.eligibility.CohortStore cohorts) {
        this.standby = service;
        this.standbyCohorts = cohorts;
        return this;
    }

    /** Serves FHIR ({@link FhirRoutes}): the clinics' read API, the CapabilityStatement and the public availability (before the router is made). */
    public HttpApi withFhir(dev.orderly.server.fhir.FhirReads reads, dev.orderly.server.fhir.FhirResources resources,
                            dev.orderly.server.fhir.BulkPublication bulk) {
        this.fhir = new FhirRoutes(this, reads, resources, bulk);
        return this;
    }

    /** Serves the clinic desk ({@link ClinicRoutes}) from {@code desk} (before the router is made). */
    public HttpApi withClinics(dev.orderly.clinic.ClinicDesk desk) {
        this.clinics = desk;
        return this;
    }

    /**
     * The router behind the checks it cannot make itself: a request target with a broken escape
     * or control characters is refused before route matching (which would throw on it), and a
     * connection that breaks mid-request (a broken chunked body on a route that reads no body) is
     * answered and logged by {@link ProtocolErrors}.
     */
    public io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> requestHandler(Vertx vertx) {
        Router router = router(vertx);
        return request -> {
            if (!protocolErrors.refuseTarget(request)) {
                request.exceptionHandler(e -> protocolErrors.connectionFailed(request, e));
                router.handle(request);
            }
        };
    }

    /** Answers requests the HTTP codec could not read (for {@code HttpServer.invalidRequestHandler}). */
    public void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
        protocolErrors.invalidRequest(request);
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(this::securityHeadersAndTiming);
        router.route("/api/*").handler(new SameOriginCheck(this)::handle);
        router.route(OperatorBookingRoutes.UPLOADS).handler(BodyHandler.create(false).setBodyLimit(parts.bookingOperations().maxUploadBytes()));
        // Only requests that carry a body go through the body handler: polls stay on the fast path.
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(parts.maxBodyBytes());
        for (io.vertx.core.http.HttpMethod m : new io.vertx.core.http.HttpMethod[] {io.vertx.core.http.HttpMethod.POST,
                io.vertx.core.http.HttpMethod.PUT, io.vertx.core.http.HttpMethod.PATCH, io.vertx.core.http.HttpMethod.DELETE}) {
            router.route("/api/*").method(m).handler(bodies);
        }
        router.route("/api/*").handler(this::browserId);
        OperatorAuth staffOnly = new OperatorAuth(this, parts.operatorToken(), parts.rateLimits(), parts.staff().sessions());
        router.route("/api/operator/*").handler(staffOnly::handle);

        router.get("/health").handler(ctx -> send(ctx, Reply.json(200, new JsonObject().put("status", "UP"))));
        router.get("/ready").handler(ctx -> later(ctx, parts.ready().get().thenApply(HttpApi::readiness)));
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(parts.metricsScrape().get()));
        String openApi = resource("api/openapi.yaml");
        router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
                .putHeader("Cache-Control", "max-age=60").end(openApi));

        GateRoutes gates = new GateRoutes(this, parts.waitingRoom(), parts.meters(), parts.sessions().tokens(), parts.gateStoreIsLocal(),
                parts.jwks());
        IdentityRoutes identity = new IdentityRoutes(this, gates, parts.providers(), parts.sessions(), parts.registry(), parts.booking(),
                parts.rateLimits(), parts.meters(), parts.clock());
        router.post("/api/gates/:gate/join").handler(ctx -> unlessLimited(ctx, parts.rateLimits().join(ctx), ctx::next));
        gates.mount(router);
        BookingRoutes bookingRoutes = new BookingRoutes(this, gates, identity, parts.booking(), parts.bookingStore(), parts.meters());
        if (assistance != null) {
            // Before the identity and staff routes: their sign-outs end an assisted session first.
            Assisting assisting = new Assisting(assistance, parts.registry(), parts.booking(), parts.clock());
            new AgentRoutes(this, assisting, bookingRoutes, gates, parts.rateLimits()).mount(router);
            new ProxyRoutes(this, assisting, bookingRoutes, identity, parts.sessions(), parts.rateLimits()).mount(router);
        }
        identity.mount(router);
        bookingRoutes.mount(router);
        new ScheduleRoutes(this, parts.booking(), parts.bookingStore(), parts.rateLimits(), parts.clock()).mount(router);
        new OperatorRoutes(this, parts.waitingRoom()).mount(router);
        new LotteryRoutes(this, parts.waitingRoom()).mount(router);
        new OperatorBookingRoutes(this, parts.bookingStore(), parts.bookingOperations()).mount(router);
        new AuditRoutes(this, parts.auditLog()).mount(router);
        if (dashboard != null) {
            DashboardFeed feed = dashboard;
            router.get("/api/operator/dashboard").handler(ctx -> send(ctx, Reply.json(200,
                    new JsonObject().put("latest", feed.latest()).put("history", feed.history()))));
            router.get("/api/operator/dashboard/stream").handler(ctx -> {
                ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                        .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
                feed.subscribe(ctx.response());
            });
        }
        if (leaveTheLine != null) {
            new LeaveLineRoutes(this, gates, identity, leaveTheLine, recallByPhone, clock()).mount(router);
        }
        if (alerts != null) {
            new AlertRoutes(this, alerts).mount(router);
        }
        if (notices != null) {
            new MessageRoutes(this, notices).mount(router);
        }
        if (standby != null) {
            new StandbyRoutes(this, identity, bookingRoutes, standby, standbyCohorts, parts.clock()).mount(router);
        }
        if (clinics != null) {
            new ClinicRoutes(this, clinics, parts.bookingStore()).mount(router);
        }
        if (fhir != null) {
            fhir.mount(router, staffOnly);
        }
        new StaffRoutes(this, parts.staff().signIn(), parts.staff().sessions(), parts.rateLimits()).mount(router);
        new StaffAccountRoutes(this, parts.staff().accounts()).mount(router);
        parts.dev().ifPresent(dev -> dev.mount(router, this));
        refuseRoutesWithoutAccessRule(router);

        router.route("/api/*").handler(ctx -> send(ctx, Reply.problem(ProblemType.NOT_FOUND,
                "no API at " + ctx.request().method() + " " + ctx.request().path())));
        // The console's chart library, from its webjar (pinned in the pom), never from a CDN.
        router.route("/assets/vendor/uplot/*").handler(StaticHandler.create("META-INF/resources/webjars/uplot/1.6.30/dist")
                .setMaxAgeSeconds(Duration.ofDays(365).toSeconds()).setSendVaryHeader(false));
        router.get("/docs/runbook.md").handler(ctx -> {
            try (java.io.InputStream in = HttpApi.class.getResourceAsStream("/docs/runbook.md")) {
                if (in == null) {
                    ctx.next();
                    return;
                }
                ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("Cache-Control", "max-age=60")
                        .end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
            } catch (java.io.IOException e) {
                ctx.fail(e);
            }
        });
        router.route("/assets/*").handler(StaticHandler.create("web")
                .setMaxAgeSeconds(Duration.ofDays(365).toSeconds()).setSendVaryHeader(false));
        router.route("/*").handler(StaticHandler.create("web").setMaxAgeSeconds(60).setIndexPage("index.html"));
        router.route().handler(this::nothingHere);
        router.route().failureHandler(this::failure);
        return router;
    }

    /**
     * Every route under {@code /api/operator/} must have a rule in {@link AccessRules}: one without
     * would be served to every role, so the server does not start with it.
     */
    static void refuseRoutesWithoutAccessRule(Router router) {
        List<String> routes = new ArrayList<>();
        for (io.vertx.ext.web.Route r : router.getRoutes()) {
            String path = r.getPath();
            // The guard itself is mounted on the prefix ("/api/operator/*", which the router keeps as "/api/operator/").
            if (path == null || !path.startsWith("/api/operator/") || path.equals("/api/operator/") || path.endsWith("*")) {
                continue;
            }
            if (r.methods() == null || r.methods().isEmpty()) {
                // A route for every method (a body handler) serves no answer of its own, but its path must be a ruled one.
                if (AccessRules.TABLE.stream().noneMatch(rule -> rule.route().equals(path))) {
                    routes.add("ANY " + path);
                }
                continue;
            }
            r.methods().forEach(m -> routes.add(m.name() + " " + path));
        }
        List<String> missing = routes.stream().filter(s -> s.startsWith("ANY ")).toList();
        List<String> uncovered = new ArrayList<>(missing);
        uncovered.addAll(AccessRules.uncovered(routes.stream().filter(s -> !s.startsWith("ANY ")).toList()));
        if (!uncovered.isEmpty()) {
            throw new IllegalStateException("routes under /api/operator/ without a rule in AccessRules: " + uncovered);
        }
    }

    /** 200 when every dependency answers, else 503 naming the ones that do not; each one's state either way. */
    static Reply readiness(Map<String, Boolean> up) {
        JsonObject dependencies = new JsonObject();
        up.forEach((name, ok) -> dependencies.put(name, ok ? "UP" : "DOWN"));
        List<String> down = up.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        if (down.isEmpty()) {
            return Reply.json(200, new JsonObject().put("status", "READY").put("dependencies", dependencies));
        }
        return Reply.problem(ProblemType.NOT_READY, "not answering: " + String.join(", ", down))
                .with("dependencies", dependencies)
                .header("Retry-After", Long.toString(Outages.RETRY_AFTER.toSeconds()));
    }

    private static String resource(String name) {
        try (var in = HttpApi.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
        if (ctx.request().isSSL()) {
            r.putHeader("Strict-Transport-Security", "max-age=31536000");
        }
        long started = System.nanoTime();
        ctx.addBodyEndHandler(v -> {
            String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "other" : ctx.currentRoute().getPath();
            long nanos = System.nanoTime() - started;
            if (isCanary(ctx)) {
                return;
            }
            timer(ctx.request().method().name(), route, r.getStatusCode()).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            parts.requestObserver().observe(route, nanos, r.getStatusCode());
        });
        ctx.next();
    }

    private record TimerKey(String method, String route, int status) {
    }

    // Registering a meter looks it up by name and tags each time; the gate's status path is hot
    // enough for that to show, so each (method, route, status) timer is looked up once.
    private final java.util.concurrent.ConcurrentMap<TimerKey, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    private Timer timer(String method, String route, int status) {
        return timers.computeIfAbsent(new TimerKey(method, route, status), k -> Timer.builder("orderly.http.server.requests")
                .tag("method", k.method()).tag("route", k.route()).tag("status", Integer.toString(k.status()))
                .register(parts.meters()));
    }

    /**
     * Reads the browser id this request carries, minting none: only the routes that bind a ticket
     * mint one ({@link #bindingBrowser}). A page's first requests often leave together; were each
     * of them to mint, the browser would keep whichever cookie came back last, and a ticket bound
     * to another would be refused as "other browser" (docs/decisions.md, "One browser id, minted
     * where a ticket is bound").
     */
    private void browserId(RoutingContext ctx) {
        Cookie existing = ctx.request().getCookie(BROWSER_COOKIE);
        String id = existing == null ? null : existing.getValue();
        if (GateTokens.isBrowserId(id)) {
            ctx.put(BROWSER_COOKIE, id);
        }
        ctx.next();
    }

    /**
     * The browser id a ticket made by this request is bound to: the one the request carries, or a
     * new random one, set as an HttpOnly cookie on this answer (its ticket comes in the same answer,
     * so whichever cookie the browser keeps, it keeps with a ticket bound to it).
     */
    String bindingBrowser(RoutingContext ctx) {
        String id = ctx.get(BROWSER_COOKIE);
        if (id == null) {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            setCookie(ctx, cookie(BROWSER_COOKIE, id, Duration.ofDays(30)));
            ctx.put(BROWSER_COOKIE, id);
        }
        return id;
    }

    Cookie cookie(String name, String value, Duration maxAge) {
        return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(parts.secureCookies()).setMaxAge(maxAge.toSeconds());
    }

    /**
     * Sets {@code cookie} on the answer this request will get, from code that runs before the
     * answer is built (on the request's virtual thread, whose hand-back to the event loop orders it
     * before {@link #send}).
     */
    void cookieLater(RoutingContext ctx, Cookie cookie) {
        List<Cookie> late = ctx.get(LATE_COOKIES);
        if (late == null) {
            late = new ArrayList<>();
            ctx.put(LATE_COOKIES, late);
        }
        late.add(cookie);
    }

    /** The browser id the request carries, or null: a ticket or pass bound to any id is then another browser's. */
    static String browser(RoutingContext ctx) {
        return ctx.get(BROWSER_COOKIE);
    }

    private void failure(RoutingContext ctx) {
        Throwable error = ctx.failure();
        if (error instanceof AuditTrail.Unrecorded unrecorded) {
            // Before the outage answer: this change was made, and an outage answer would say it may not have been.
            send(ctx, AuditTrail.answer(unrecorded));
            return;
        }
        dev.orderly.store.StoreUnavailableException outage = Outages.unavailability(error);
        if (outage != null) {
            send(ctx, outages.answer(ctx.request().method().name(), outage));
            return;
        }
        if (error instanceof BadRequest bad) {
            send(ctx, Reply.problem(ProblemType.BAD_REQUEST, bad.getMessage()));
        } else if (protocolErrors.isBrokenBody(error)) {
            send(ctx, protocolErrors.brokenBody(error));
            ProtocolErrors.flushBeforeClose(ctx.request());
        } else if (ctx.statusCode() == 413) {
            send(ctx, Reply.problem(ProblemType.BODY_TOO_LARGE,
                    "the request body is larger than " + parts.maxBodyBytes() + " bytes"));
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            send(ctx, Reply.problem(refusedByTheFramework(ctx.statusCode()), "the request could not be handled as sent"));
        } else {
            LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), error);
            send(ctx, Reply.problem(ProblemType.INTERNAL_ERROR, "the server failed; nothing was changed by this request"));
        }
    }

    /**
     * The problem for a 4xx that Vert.x chose (a handler's {@code fail(status)}): the static files
     * refuse a folder (403; there is no page there, so it is answered as one that is not found) and
     * a range past the file's end (416), the body handler an {@code Expect} it does not know (417).
     * Anything else the framework refuses is a bad request.
     */
    static ProblemType refusedByTheFramework(int status) {
        return switch (status) {
            case 403, 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 416 -> ProblemType.RANGE_NOT_SATISFIABLE;
            case 417 -> ProblemType.EXPECTATION_FAILED;
            default -> ProblemType.BAD_REQUEST;
        };
    }

    /** The server's clock. */
    Clock clock() {
        return parts.clock();
    }

    /** Where work that may block runs: virtual threads, never an event loop. */
    java.util.concurrent.Executor blockingWork() {
        return blockingWork;
    }

    /** Past every route and file: 404 for a read, 405 for anything else (pages and files are only read). */
    private void nothingHere(RoutingContext ctx) {
        io.vertx.core.http.HttpMethod method = ctx.request().method();
        if (method == io.vertx.core.http.HttpMethod.GET || method == io.vertx.core.http.HttpMethod.HEAD) {
            send(ctx, Reply.problem(ProblemType.NOT_FOUND, "nothing at " + ctx.request().path()));
        } else {
            send(ctx, Reply.problem(ProblemType.METHOD_NOT_ALLOWED, ctx.request().path() + " can only be read (GET)")
                    .header("Allow", "GET, HEAD"));
        }
    }

    /**
     * Goes on with {@code next} when {@code check} (a rate limit's) lets the request through, or
     * sends its 429. A check of this node's memory is complete at once and {@code next} runs now; a
     * shared one completes on this request's context.
     */
    void unlessLimited(RoutingContext ctx, io.vertx.core.Future<java.util.Optional<Reply>> check, Runnable next) {
        check.onComplete(answer -> {
            if (answer.failed()) {
                ctx.fail(answer.cause());
                return;
            }
            if (answer.result().isPresent()) {
                send(ctx, answer.result().get());
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
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

    /** Adds {@code c} to the answer, marked Secure when the request came over TLS, whatever the setting says. */
    private static void setCookie(RoutingContext ctx, Cookie c) {
        ctx.response().headers().add(SET_COOKIE, SetCookie.header(ctx.request().isSSL() ? c.setSecure(true) : c));
    }

    /** Sends {@code reply} when it completes, on the request's event loop; a failure goes to the failure handler. */
    void later(RoutingContext ctx, CompletionStage<Reply> reply) {
        Context context = Vertx.currentContext();
        reply.whenComplete((r, e) -> {
            if (Vertx.currentContext() == context) {
                deliver(ctx, r, e);
            } else {
                context.runOnContext(v -> deliver(ctx, r, e));
            }
        });
    }

    private void deliver(RoutingContext ctx, Reply reply, Throwable failure) {
        if (failure == null) {
            send(ctx, reply);
        } else {
            ctx.fail(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
        }
    }

    void send(RoutingContext ctx, Reply reply) {
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.closed()) {
            return;
        }
        List<Cookie> late = ctx.get(LATE_COOKIES);
        if (late != null) {
            late.forEach(c -> setCookie(ctx, c));
        }
        reply.cookies().forEach(c -> setCookie(ctx, c));
        reply.headers().forEach(h -> r.putHeader(h[0], h[1]));
        r.setStatusCode(reply.status());
        if (reply.problem() && ErrorPages.isPagePath(ctx.request().path())) {
            ErrorPages.end(r);
            return;
        }
        if (reply.body() == null) {
            r.end();
            return;
        }
        r.putHeader("Content-Type", reply.problem() ? "application/problem+json" : "application/json; charset=utf-8");
        r.end(switch (reply.body()) {
            case JsonObject o -> o.encode();
            case JsonArray a -> a.encode();
            case String json -> json;
            default -> throw new IllegalStateException("a reply body is JSON: " + reply.body().getClass());
        });
    }
}
