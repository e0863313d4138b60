package dev.orderly.server.http;

import dev.orderly.booking.BookingService;
import dev.orderly.eligibility.Eligibility;
import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.identity.SessionTokens;
import dev.orderly.identity.Verification;
import dev.orderly.registry.Person;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.registry.ResidentRegistry;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identity verification over HTTP, behind the identity gate: a one-time code to the registered
 * phone, then a signed session cookie. Also "me": who the session is, and whether they may book.
 */
final class IdentityRoutes {

    static final String IDENTITY_GATE = "identity";
    static final String SESSION_COOKIE = "orderly_session";
    private static final Pattern CHALLENGE_ID = Pattern.compile("[0-9a-f]{36}");

    private final HttpApi api;
    private final GateRoutes gates;
    private final OneTimeCodeVerifier verifier;
    private final SessionTokens sessions;
    private final ResidentRegistry registry;
    private final BookingService booking;

    IdentityRoutes(HttpApi api, GateRoutes gates, OneTimeCodeVerifier verifier, SessionTokens sessions,
                   ResidentRegistry registry, BookingService booking) {
        this.api = api;
        this.gates = gates;
        this.verifier = verifier;
        this.sessions = sessions;
        this.registry = registry;
        this.booking = booking;
    }

    void mount(Router router) {
        router.post("/api/identity/challenges").handler(this::startChallenge);
        router.post("/api/identity/challenges/:id/verify").handler(this::verifyChallenge);
        router.post("/api/identity/logout").handler(this::logout);
        router.get("/api/me").handler(this::me);
    }

    private void startChallenge(RoutingContext ctx) {
        if (!gates.hasPass(ctx, IDENTITY_GATE)) {
            api.send(ctx, noPass());
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
        api.run(ctx, () -> switch (verifier.start(name, birthDate, phone.get())) {
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
        if (!gates.hasPass(ctx, IDENTITY_GATE)) {
            api.send(ctx, noPass());
            return;
        }
        String id = ctx.pathParam("id");
        JsonInput in = JsonInput.of(ctx, Set.of("code"));
        String code = in.text("code", 6);
        if (!CHALLENGE_ID.matcher(id).matches()) {
            api.send(ctx, Reply.problem(404, "unknown-challenge", "Unknown challenge", "ask for a new code"));
            return;
        }
        api.run(ctx, () -> switch (verifier.check(id, code)) {
            case Verification.Verified v -> Reply.json(200, personJson(v.person()))
                    .cookie(api.cookie(SESSION_COOKIE, sessions.issue(v.person().id()), sessions.lifetime()));
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
        api.send(ctx, new Reply(204, null, false, new ArrayList<>(), new ArrayList<>())
                .cookie(api.cookie(SESSION_COOKIE, "", Duration.ZERO)));
    }

    /** The verified person of this request, or empty. Blocking: call on a virtual thread. */
    Optional<Person> person(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(SESSION_COOKIE);
        if (c == null) {
            return Optional.empty();
        }
        return sessions.verify(c.getValue()).flatMap(s -> registry.byId(s.personId()));
    }

    static Reply notVerified() {
        return Reply.problem(401, "not-verified", "Verify first", "verify your identity before this step");
    }

    private void me(RoutingContext ctx) {
        api.run(ctx, () -> person(ctx).map(p -> {
            JsonObject body = personJson(p).put("eligibility", eligibilityJson(booking.eligibility(p)))
                    .put("firstBookableDay", booking.firstBookableDay().toString())
                    .put("lastBookableDay", booking.lastBookableDay().toString());
            booking.reservationOf(p).ifPresent(r -> body.put("reservation", BookingRoutes.reservationJson(r)));
            return Reply.json(200, body);
        }).orElseGet(IdentityRoutes::notVerified));
    }

    private static JsonObject personJson(Person p) {
        return new JsonObject().put("name", p.name()).put("birthDate", p.birthDate().toString()).put("maskedPhone", p.maskedPhone());
    }

    static JsonObject eligibilityJson(Eligibility e) {
        return switch (e) {
            case Eligibility.Eligible ok -> new JsonObject().put("eligible", true).put("cohort", cohortJson(ok.cohort()))
                    .put("until", ok.until().toString()).put("products", new JsonArray(ok.cohort().products().stream().sorted().toList()))
                    .put("window", new JsonObject().put("opensAt", ok.window().opensAt().toString())
                            .put("closesAt", ok.window().closesAt().toString()).put("unbookedOnly", ok.window().unbookedOnly()));
            case Eligibility.NotInAnyCohort n -> new JsonObject().put("eligible", false).put("reason", "NOT_IN_ANY_COHORT");
            case Eligibility.NotOpenYet n -> new JsonObject().put("eligible", false).put("reason", "NOT_OPEN_YET")
                    .put("cohort", cohortJson(n.cohort())).put("opensAt", n.opensAt().toString());
            case Eligibility.Closed c -> new JsonObject().put("eligible", false).put("reason", "CLOSED")
                    .put("cohort", cohortJson(c.cohort())).put("closedAt", c.closedAt().toString());
            case Eligibility.WrongRotationDay w -> new JsonObject().put("eligible", false).put("reason", "WRONG_ROTATION_DAY")
                    .put("cohort", cohortJson(w.cohort())).put("yourDay", w.yourDay().toString()).put("opensAt", w.opensAt().toString());
            case Eligibility.AlreadyBooked a -> new JsonObject().put("eligible", false).put("reason", "ALREADY_BOOKED")
                    .put("reference", a.reference());
        };
    }

    private static JsonObject cohortJson(dev.orderly.eligibility.Cohort c) {
        return new JsonObject().put("id", c.id()).put("name", c.name())
                .put("bornFrom", c.bornFrom().toString()).put("bornTo", c.bornTo().toString());
    }
}
