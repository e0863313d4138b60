package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * CSRF protection that needs nothing from the pages: a state-changing request (POST, PUT, PATCH,
 * DELETE) to the API is refused with 403 when the browser says it comes from another site.
 *
 * <p>Policy, in order:
 * <ol>
 *   <li>{@code Sec-Fetch-Site} present (every current browser sends it): allowed only when
 *       {@code same-origin} or {@code none} (typed or bookmarked by the user); {@code same-site}
 *       (a sibling subdomain) and {@code cross-site} are refused.</li>
 *   <li>Else {@code Origin} present (older browsers send it on cross-origin POSTs): allowed only
 *       when its host (and port, if the request's {@code Host} names one) is the request's own.
 *       {@code Origin: null} (sandboxed frames, some redirects) is refused.</li>
 *   <li>Neither: allowed. Such a request does not come from a page in a browser that could be
 *       tricked (command-line tools, monitoring, other servers), or comes from a browser too old to
 *       send either header; against those, the cookies Orderly sets are {@code SameSite=Strict}, so a
 *       cross-site request carries no pass or session, and every JSON body must be
 *       {@code application/json}, which a cross-site form cannot send without a CORS preflight
 *       that Orderly never grants.</li>
 * </ol>
 * Safe methods (GET, HEAD, OPTIONS) change nothing and pass.
 */
final class SameOriginCheck {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final HttpApi api;

    SameOriginCheck(HttpApi api) {
        this.api = api;
    }

    void handle(RoutingContext ctx) {
        if (SAFE.contains(ctx.request().method()) || allowed(ctx.request().getHeader("Sec-Fetch-Site"),
                ctx.request().getHeader("Origin"), ctx.request().authority())) {
            ctx.next();
            return;
        }
        api.send(ctx, Reply.problem(ProblemType.CROSS_SITE_REQUEST,
                "Orderly accepts changes only from its own pages; this request came from another site"));
    }

    static boolean allowed(String fetchSite, String origin, HostAndPort authority) {
        if (fetchSite != null) {
            String site = fetchSite.strip().toLowerCase(Locale.ROOT);
            return site.equals("same-origin") || site.equals("none");
        }
        if (origin != null) {
            return sameHost(origin.strip(), authority);
        }
        return true;
    }

    private static boolean sameHost(String origin, HostAndPort authority) {
        if (authority == null || origin.equals("null")) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        if (!stripBrackets(uri.getHost()).equalsIgnoreCase(stripBrackets(authority.host()))) {
            return false;
        }
        if (authority.port() < 0) {
            // Host without a port: the default port of whatever scheme the client used, which a
            // TLS-terminating proxy hides from us; the host alone decides.
            return true;
        }
        int originPort = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return originPort == authority.port();
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
