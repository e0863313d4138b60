package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.staff.StaffAccount;
import dev.orderly.staff.StaffSessions;
import dev.orderly.staff.StaffSignIn;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Set;

/**
 * Staff sign-in for the console, apart from citizens' sessions: {@code POST /api/staff/sign-in}
 * with login, password and the authenticator's code sets the {@value #COOKIE} cookie;
 * {@code POST /api/staff/sign-out} ends the session; {@code GET /api/staff/me} says who is signed
 * in; {@code POST /api/staff/password} replaces one's own password. The machine token is not
 * accepted here: it is no person.
 */
final class StaffRoutes {

    /** The staff session cookie: HttpOnly, SameSite=Strict, Secure when cookies are. */
    static final String COOKIE = "orderly_staff";
    private static final int MAX_FIELD = 300;

    private final HttpApi api;
    private final StaffSignIn signIn;
    private final StaffSessions sessions;
    private final RateLimits addresses;

    StaffRoutes(HttpApi api, StaffSignIn signIn, StaffSessions sessions, RateLimits addresses) {
        this.api = api;
        this.signIn = signIn;
        this.sessions = sessions;
        this.addresses = addresses;
    }

    void mount(Router router) {
        router.post("/api/staff/sign-in").handler(this::signIn);
        router.post("/api/staff/sign-out").handler(this::signOut);
        router.get("/api/staff/me").handler(this::me);
        router.post("/api/staff/password").handler(this::changePassword);
    }

    /**
     * The signed-in person replaces their password, giving the current one; every session of the
     * account ends and this browser gets a new one (a new cookie).
     */
    private void changePassword(RoutingContext ctx) {
        if (!OperatorAuth.fromOwnPage(ctx)) {
            api.send(ctx, Reply.problem(ProblemType.CROSS_SITE_REQUEST, "a change made with a staff session must come from Orderly's own pages (Origin or Sec-Fetch-Site)"));
            return;
        }
        JsonInput in = JsonInput.of(ctx, Set.of("password", "newPassword"));
        String current = in.text("password", MAX_FIELD);
        String next = in.text("newPassword", 1000);
        Cookie c = ctx.request().getCookie(COOKIE);
        api.run(ctx, () -> {
            java.util.Optional<StaffSessions.Active> active = c == null ? java.util.Optional.empty() : sessions.check(c.getValue());
            if (active.isEmpty()) {
                return notSignedIn();
            }
            try {
                return switch (signIn.changeOwnPassword(active.get().account().login(), current, next)) {
                    case StaffSignIn.PasswordChanged ch -> Reply.json(200, whoJson(ch.account(), ch.session().session().expiresAt()))
                            .cookie(api.cookie(COOKIE, ch.session().token(), sessions.absolute()));
                    case StaffSignIn.WrongPassword w -> Reply.problem(ProblemType.WRONG_PASSWORD, "the current password is not right; after 5 failures in a row the account is locked for 15 minutes");
                    case StaffSignIn.PasswordLocked l -> locked(l.until()).cookie(api.cookie(COOKIE, "", Duration.ZERO));
                };
            } catch (dev.orderly.staff.StaffChangeRefused e) {
                return switch (e.reason()) {
                    case WEAK_PASSWORD -> Reply.problem(ProblemType.WEAK_PASSWORD, e.getMessage());
                    case UNKNOWN -> notSignedIn();
                    default -> Reply.problem(ProblemType.STAFF_BUSY, e.getMessage()).header("Retry-After", "1");
                };
            }
        });
    }

    private static Reply notSignedIn() {
        return Reply.problem(ProblemType.NOT_SIGNED_IN, "no live staff session; sign in again");
    }

    private Reply locked(Instant until) {
        long seconds = Math.max(1, Duration.between(api.clock().instant(), until).toSeconds());
        return Reply.problem(ProblemType.SIGN_IN_LOCKED, "too many failed sign-ins; try again after " + until)
                .with("retryAfterSeconds", seconds).header("Retry-After", Long.toString(seconds));
    }

    private void signIn(RoutingContext ctx) {
        api.unlessLimited(ctx, addresses.staffSignIn(ctx), () -> signInFromAddress(ctx));
    }

    private void signInFromAddress(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("login", "password", "code"));
        String login = in.text("login", MAX_FIELD);
        String password = in.text("password", MAX_FIELD);
        String code = in.text("code", MAX_FIELD);
        Cookie previous = ctx.request().getCookie(COOKIE);
        api.run(ctx, () -> switch (signIn.signIn(login, password, code)) {
            case StaffSignIn.SignedIn s -> {
                if (previous != null) {
                    sessions.end(previous.getValue());
                }
                yield Reply.json(200, whoJson(s.account(), s.session().session().expiresAt()))
                        .cookie(api.cookie(COOKIE, s.session().token(), sessions.absolute()));
            }
            case StaffSignIn.Refused r -> Reply.problem(ProblemType.SIGN_IN_FAILED, "the login, the password or the code is not right (or the code was used already)");
            case StaffSignIn.Locked l -> locked(l.until());
        });
    }

    private void signOut(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        api.run(ctx, () -> {
            if (c != null) {
                sessions.end(c.getValue());
            }
            return new Reply(204, null, false, new ArrayList<>(), new ArrayList<>()).cookie(api.cookie(COOKIE, "", Duration.ZERO));
        });
    }

    private void me(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        api.run(ctx, () -> (c == null ? java.util.Optional.<StaffSessions.Active>empty() : sessions.check(c.getValue()))
                .map(a -> Reply.json(200, whoJson(a.account(), a.session().expiresAt())))
                .orElseGet(StaffRoutes::notSignedIn));
    }

    static JsonObject whoJson(StaffAccount a, Instant expiresAt) {
        return new JsonObject().put("login", a.login()).put("name", a.name()).put("role", a.role().slug())
                .put("clinics", new JsonArray(a.clinics().stream().sorted().toList())).put("expiresAt", expiresAt.toString());
    }
}
