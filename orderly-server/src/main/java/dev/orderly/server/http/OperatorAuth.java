package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.staff.Role;
import dev.orderly.staff.StaffSessions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Guards {@code /api/operator/*}: finds who is asking, attaches them as the request's
 * {@link Actor}, and lets the request through only if {@link AccessRules} allow their role the
 * operation.
 *
 * <p>Two ways in:
 * <ul>
 *   <li>{@code Authorization: Bearer <token>} with the machine token ({@code ORDERLY_OPERATOR_TOKEN},
 *       or the one generated into the data folder): the machine account {@value #MACHINE_LOGIN}, role
 *       operator, for scripts and load tests. Compared in constant time. It is no person and cannot
 *       sign in to the console.</li>
 *   <li>the staff session cookie ({@link StaffRoutes#COOKIE}) of a person signed in with password and
 *       code. A change made with it must also say positively that it comes from Orderly's own pages
 *       ({@code Sec-Fetch-Site: same-origin} or an {@code Origin} of this host): a browser always
 *       sends one of them, and a request with neither is no console page's.</li>
 * </ul>
 */
final class OperatorAuth {

    /** The login the machine token acts as, in the audit log and everywhere an actor is named. */
    static final String MACHINE_LOGIN = "machine:operator";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final byte[] token;
    private final HttpApi api;
    private final RateLimits addresses;
    private final StaffSessions sessions;

    OperatorAuth(HttpApi api, String token, RateLimits addresses, StaffSessions sessions) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the operator token must have at least 16 characters");
        }
        this.api = api;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.addresses = addresses;
        this.sessions = sessions;
    }

    void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null) {
            byte[] presented = header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8)
                    : new byte[0];
            if (!MessageDigest.isEqual(presented, token)) {
                unauthenticated(ctx);
                return;
            }
            authorize(ctx, new Actor(MACHINE_LOGIN, Role.OPERATOR, Set.of(), addresses.address(ctx)));
            return;
        }
        Cookie cookie = ctx.request().getCookie(StaffRoutes.COOKIE);
        if (cookie == null || cookie.getValue().isEmpty()) {
            unauthenticated(ctx);
            return;
        }
        if (!SAFE.contains(ctx.request().method()) && !fromOwnPage(ctx)) {
            api.send(ctx, Reply.problem(ProblemType.CROSS_SITE_REQUEST, "a change made with a staff session must come from Orderly's own pages (Origin or Sec-Fetch-Site)"));
            return;
        }
        // The session lives in the shared store: the look-up runs off the event loop, the request goes on back on it.
        Context context = Vertx.currentContext();
        String address = addresses.address(ctx);
        api.blockingWork().execute(() -> {
            Optional<StaffSessions.Active> active;
            try {
                active = sessions.check(cookie.getValue());
            } catch (RuntimeException e) {
                context.runOnContext(v -> ctx.fail(e));
                return;
            }
            context.runOnContext(v -> active.ifPresentOrElse(
                    a -> authorize(ctx, new Actor(a.account().login(), a.account().role(), a.account().clinics(), address)),
                    () -> unauthenticated(ctx)));
        });
    }

    private void authorize(RoutingContext ctx, Actor actor) {
        actor.attachTo(ctx);
        switch (AccessRules.decide(ctx.request().method(), ctx.normalizedPath(), actor.role(), actor.clinics(), ctx.queryParams())) {
            case ALLOWED -> ctx.next();
            case ROLE_NOT_ALLOWED -> api.send(ctx, Reply.problem(ProblemType.ROLE_NOT_ALLOWED, "the role '" + actor.role().slug() + "' may not " + ctx.request().method() + " " + ctx.normalizedPath()
                            + (actor.role() == Role.CLINIC ? " (a clinic account sees only its own clinics)" : "")));
            case NO_RULE -> api.send(ctx, Reply.problem(ProblemType.NOT_FOUND, "no API at " + ctx.request().method() + " " + ctx.request().path()));
        }
    }

    private void unauthenticated(RoutingContext ctx) {
        api.send(ctx, Reply.problem(ProblemType.OPERATOR_ONLY, "sign in as staff (POST /api/staff/sign-in) or send the machine token as 'Authorization: Bearer <token>'")
                .header("WWW-Authenticate", "Bearer"));
    }

    /** Whether the browser says positively that this request comes from a page of this server. */
    static boolean fromOwnPage(RoutingContext ctx) {
        String site = ctx.request().getHeader("Sec-Fetch-Site");
        String origin = ctx.request().getHeader("Origin");
        if (site == null && origin == null) {
            return false;
        }
        return SameOriginCheck.allowed(site, origin, ctx.request().authority()) && !"none".equalsIgnoreCase(site == null ? "" : site.strip());
    }
}
