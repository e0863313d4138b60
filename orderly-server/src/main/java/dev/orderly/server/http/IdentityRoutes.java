package dev.orderly.server.http;

import dev.orderly.booking.BookingService;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.gate.PassCheck;
import dev.orderly.identity.Claim;
import dev.orderly.identity.IdentityProviders;
import dev.orderly.identity.SessionCheck;
import dev.orderly.identity.Sessions;
import dev.orderly.identity.Verification;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.Names;
import dev.orderly.registry.Person;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.registry.ResidentRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identity verification over HTTP, each provider behind its own gate; then a session cookie (one
 * live session per person). Also "me": who the session is, and whether they may book.
 *
 * <p>The primary provider (the SMS code the pages use) answers at {@code /api/identity/challenges};
 * every provider, the primary included, at {@code /api/identity/providers/{name}/challenges}.
 *
 * <p>Order of checks on the two steps, cheapest first: rate limit per address (memory), the
 * provider's gate pass (an HMAC), the body, rate limit per phone or challenge (memory), and only
 * then the provider (database, SMS) on a virtual thread.
 */
final class IdentityRoutes {

    static final String SESSION_COOKIE = "orderly_session";
    private static final Pattern CHALLENGE_ID = Pattern.compile("[A-Za-z0-9_-]{8,128}");
    private static final String SESSION_PROBLEM = "orderly.sessionProblem";
    private static final int MAX_RESPONSE_CHARS = 4096;

    private final HttpApi api;
    private final GateRoutes gates;
    private final IdentityProviders providers;
    private final Sessions sessions;
    private final ResidentRegistry registry;
    private final BookingService booking;
    private final RateLimits limits;
    private final MeterRegistry meters;
    private final Clock clock;

    IdentityRoutes(HttpApi api, GateRoutes gates, IdentityProviders providers, Sessions sessions, ResidentRegistry registry,
                   BookingService booking, RateLimits limits, MeterRegistry meters, Clock clock) {
        this.api = api;
        this.gates = gates;
        this.providers = providers;
        this.sessions = sessions;
        this.registry = registry;
        this.booking = booking;
        this.limits = limits;
        this.meters = meters;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/api/identity/providers").handler(this::listProviders);
        router.post("/api/identity/challenges").handler(ctx -> startChallenge(ctx, providers.primary()));
        router.post("/api/identity/challenges/:id/verify").handler(ctx -> verifyChallenge(ctx, providers.primary(), "code", 6));
        router.post("/api/identity/providers/:provider/challenges").handler(ctx -> withProvider(ctx, m -> startChallenge(ctx, m)));
        router.post("/api/identity/providers/:provider/challenges/:id/verify")
                .handler(ctx -> withProvider(ctx, m -> verifyChallenge(ctx, m, "response", MAX_RESPONSE_CHARS)));
        router.post("/api/identity/logout").handler(this::logout);
        router.get("/api/me").handler(this::me);
    }

    private void listProviders(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        for (IdentityProviders.Method m : providers.all()) {
            JsonArray claims = new JsonArray();
            m.provider().claimFields().stream().sorted().forEach(f -> claims.add(fieldName(f)));
            list.add(new JsonObject().put("name", m.name()).put("gate", m.gate()).put("admitPerSecond", m.admitPerSecond())
                    .put("claims", claims).put("primary", m == providers.primary()));
        }
        api.send(ctx, Reply.json(200, list));
    }

    private void withProvider(RoutingContext ctx, java.util.function.Consumer<IdentityProviders.Method> then) {
        String name = ctx.pathParam("provider");
        providers.byName(name).ifPresentOrElse(then, () -> api.send(ctx, Reply.problem(ProblemType.UNKNOWN_PROVIDER,
                "there is no identity provider '" + name + "'; see /api/identity/providers")));
    }

    private static String fieldName(Claim.Field f) {
        return switch (f) {
            case NAME -> "name";
            case BIRTH_DATE -> "birthDate";
            case PHONE -> "phone";
        };
    }

    private void startChallenge(RoutingContext ctx, IdentityProviders.Method method) {
        api.unlessLimited(ctx, limits.challengeFromAddress(ctx), () -> startChallengeFromAddress(ctx, method));
    }

    private void startChallengeFromAddress(RoutingContext ctx, IdentityProviders.Method method) {
        Set<Claim.Field> fields = method.provider().claimFields();
        Set<String> allowed = new LinkedHashSet<>();
        fields.forEach(f -> allowed.add(fieldName(f)));
        JsonInput in = JsonInput.of(ctx, allowed);
        Optional<String> name = Optional.empty();
        Optional<LocalDate> birthDate = Optional.empty();
        Optional<String> phone = Optional.empty();
        if (fields.contains(Claim.Field.NAME)) {
            name = Optional.of(Names.normalise(in.text("name", 4 * Names.MAX_LENGTH)).orElseThrow(() ->
                    new BadRequest("'name' must be 1-" + Names.MAX_LENGTH + " letters, spaces and . ' - ·")));
        }
        if (fields.contains(Claim.Field.BIRTH_DATE)) {
            birthDate = Optional.of(in.date("birthDate"));
        }
        if (fields.contains(Claim.Field.PHONE)) {
            phone = Optional.of(PhoneNumbers.normalise(in.text("phone", 20)).orElseThrow(() ->
                    new BadRequest("'phone' must be a Korean mobile number such as 010-1234-5678")));
        }
        Claim claim = new Claim(name, birthDate, phone);
        if (phone.isPresent()) {
            api.unlessLimited(ctx, limits.challengeForPhone(phone.get()), () -> sendChallenge(ctx, method, claim));
        } else {
            sendChallenge(ctx, method, claim);
        }
    }

    private void sendChallenge(RoutingContext ctx, IdentityProviders.Method method, Claim claim) {
        api.run(ctx, () -> {
            if (gates.passOf(ctx, method.gate()) instanceof PassCheck.Refused refused) {
                return GateRoutes.passRefused(refused).with("gate", method.gate());
            }
            Verification.Started started = ProviderCalls.timed(api.metersFor(ctx), method.name(), "start", () -> method.provider().start(claim),
                    r -> r instanceof Verification.NotSent);
            api.metersFor(ctx).counter("orderly.identity.challenges", "provider", method.name(), "outcome", started.getClass().getSimpleName())
                    .increment();
            return switch (started) {
                case Verification.CodeSent sent -> Reply.json(201, new JsonObject().put("provider", method.name())
                        .put("challengeId", sent.challengeId()).put("maskedPhone", sent.maskedPhone())
                        .put("expiresAt", sent.expiresAt().toString()));
                case Verification.Redirect r -> Reply.json(201, new JsonObject().put("provider", method.name())
                        .put("challengeId", r.challengeId()).put("redirectTo", r.location().toString())
                        .put("expiresAt", r.expiresAt().toString()));
                case Verification.NoMatch none -> noMatch();
                case Verification.TooManyChallenges t -> codeLimit(t, clock);
                case Verification.NotSent n -> notSent();
            };
        });
    }

    /** The identity challenge's rate limits, shared by the other codes texted to a number (leave the line by phone). */
    RateLimits limits() {
        return limits;
    }

    static Reply codeLimit(Verification.TooManyChallenges t, Clock clock) {
        long seconds = RateLimits.retryAfterSeconds(Duration.between(clock.instant(), t.retryAt()));
        return Reply.problem(ProblemType.CODE_LIMIT,
                        "this person or phone number has had as many codes today as allowed; try again after midnight (Seoul)")
                .with("retryAt", t.retryAt().toString()).header("Retry-After", Long.toString(seconds));
    }

    static Reply notSent() {
        return Reply.problem(ProblemType.NOT_SENT,
                "the message could not be handed to the provider just now; try again in a minute").header("Retry-After", "30");
    }

    static Reply noMatch() {
        return Reply.problem(ProblemType.NO_MATCH,
                "no resident has that name, birth date and phone number; check all three");
    }

    private void verifyChallenge(RoutingContext ctx, IdentityProviders.Method method, String field, int maxLength) {
        api.unlessLimited(ctx, limits.verifyFromAddress(ctx), () -> verifyChallengeFromAddress(ctx, method, field, maxLength));
    }

    private void verifyChallengeFromAddress(RoutingContext ctx, IdentityProviders.Method method, String field, int maxLength) {
        String id = ctx.pathParam("id");
        JsonInput in = JsonInput.of(ctx, Set.of(field));
        String response = in.text(field, maxLength);
        if (!CHALLENGE_ID.matcher(id).matches()) {
            api.send(ctx, Reply.problem(ProblemType.UNKNOWN_CHALLENGE, "ask for a new code"));
            return;
        }
        api.unlessLimited(ctx, limits.verifyForChallenge(method.name() + ":" + id), () -> checkCode(ctx, method, id, response));
    }

    private void checkCode(RoutingContext ctx, IdentityProviders.Method method, String id, String response) {
        api.run(ctx, () -> {
            PassCheck pass = gates.passOf(ctx, method.gate());
            if (pass instanceof PassCheck.Refused refused) {
                return GateRoutes.passRefused(refused).with("gate", method.gate());
            }
            Verification.Checked checked = ProviderCalls.timed(api.metersFor(ctx), method.name(), "check", () -> method.provider().check(id, response),
                    r -> false);
            api.metersFor(ctx).counter("orderly.identity.checks", "provider", method.name(), "outcome", checked.getClass().getSimpleName())
                    .increment();
            return switch (checked) {
                case Verification.Verified v -> {
                    // Verification is the step this provider's gate admits to: one pass, one person. The
                    // session is written as the pass's one use, so of two verifications under one pass
                    // exactly one starts a session, and a failed write gives the pass back.
                    Optional<Sessions.Started> started = gates.useOnce((PassCheck.Valid) pass, () -> sessions.begin(v.person().id()));
                    if (started.isEmpty()) {
                        yield GateRoutes.passRefused(new PassCheck.Refused(PassCheck.Reason.SPENT)).with("gate", method.gate());
                    }
                    Sessions.Started session = started.get();
                    if (session.endedAnother()) {
                        meters.counter("orderly.identity.sessions.replaced").increment();
                    }
                    yield Reply.json(200, personJson(v.person()).put("endedOtherSession", session.endedAnother()))
                            .cookie(api.cookie(SESSION_COOKIE, session.token(), sessions.tokens().lifetime()));
                }
                default -> notVerifiedBy(checked);
            };
        });
    }

    /** The answer to a code that did not verify anyone. */
    static Reply notVerifiedBy(Verification.Checked checked) {
        return switch (checked) {
            case Verification.WrongCode w -> Reply.problem(ProblemType.WRONG_CODE,
                    "the code is not right; " + w.triesLeft() + " tries left").with("triesLeft", w.triesLeft());
            case Verification.Expired e -> Reply.problem(ProblemType.CODE_EXPIRED, "the code has expired; ask for a new one");
            case Verification.TooManyTries t -> Reply.problem(ProblemType.TOO_MANY_TRIES,
                    "this code is blocked after too many wrong tries; ask for a new one");
            case Verification.UnknownChallenge u -> Reply.problem(ProblemType.UNKNOWN_CHALLENGE,
                    "no open challenge with that id; ask for a new code");
            case Verification.NoMatch n -> noMatch();
            case Verification.Verified v -> throw new IllegalArgumentException("verified: not a refusal");
        };
    }

    private void logout(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(SESSION_COOKIE);
        api.run(ctx, () -> {
            if (c != null) {
                sessions.end(c.getValue());
            }
            return new Reply(204, null, false, new ArrayList<>(), new ArrayList<>()).cookie(api.cookie(SESSION_COOKIE, "", Duration.ZERO));
        });
    }

    /**
     * The verified person of this request, or empty. When the session has ended (replaced by
     * another device, expired, logged out) the reason is kept for {@link #notVerified(RoutingContext)}
     * and the cookie is cleared. Blocking: call on a virtual thread.
     */
    Optional<Person> person(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(SESSION_COOKIE);
        if (c == null) {
            return Optional.empty();
        }
        SessionCheck check = sessions.check(c.getValue(), registry);
        if (check instanceof SessionCheck.Active a) {
            a.refreshedToken().ifPresent(t -> api.cookieLater(ctx, api.cookie(SESSION_COOKIE, t, sessions.tokens().lifetime())));
            return a.person();
        }
        Reply ended = switch (check) {
            case SessionCheck.Replaced r -> Reply.problem(ProblemType.SESSION_REPLACED,
                            "you verified on another device at " + r.at() + ", which ended the session here; verify again to "
                                    + "continue here (that ends the other one)")
                    .with("replacedAt", r.at().toString());
            case SessionCheck.Expired e -> Reply.problem(ProblemType.SESSION_EXPIRED, e.idle()
                    ? "the session ended after " + sessions.tokens().idleLifetime().toMinutes() + " minutes without use; verify again"
                    : "a session lasts at most " + sessions.tokens().lifetime().toMinutes() + " minutes; verify again");
            case SessionCheck.Ended e -> Reply.problem(ProblemType.SESSION_ENDED, "you signed out; verify again to continue");
            case SessionCheck.None n -> notVerified();
            case SessionCheck.Active a -> throw new IllegalStateException("handled above");
        };
        ctx.put(SESSION_PROBLEM, ended);
        api.cookieLater(ctx, api.cookie(SESSION_COOKIE, "", Duration.ZERO));
        return Optional.empty();
    }

    /** 401: verify first. */
    static Reply notVerified() {
        return Reply.problem(ProblemType.NOT_VERIFIED, "verify your identity before this step");
    }

    /** 401 with the reason this request's session ended, if {@link #person} found one; else {@link #notVerified()}. */
    static Reply notVerified(RoutingContext ctx) {
        Reply ended = ctx.get(SESSION_PROBLEM);
        return ended != null ? ended : notVerified();
    }

    private void me(RoutingContext ctx) {
        api.run(ctx, () -> person(ctx).map(p -> {
            JsonObject body = personJson(p).put("eligibility", eligibilityJson(booking.eligibility(p), booking.today()))
                    .put("firstBookableDay", booking.firstBookableDay().toString())
                    .put("lastBookableDay", booking.lastBookableDay().toString());
            booking.reservationOf(p).ifPresent(r -> body.put("reservation", BookingRoutes.reservationJson(r)));
            return Reply.json(200, body);
        }).orElseGet(() -> notVerified(ctx)));
    }

    static JsonObject personJson(Person p) {
        return new JsonObject().put("name", p.name()).put("birthDate", p.birthDate().toString()).put("maskedPhone", p.maskedPhone());
    }

    static JsonObject eligibilityJson(Eligibility e, java.time.LocalDate today) {
        return CohortJson.eligibility(e, today);
    }
}
