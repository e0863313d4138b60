package dev.orderly.server.http;

import dev.orderly.staff.Role;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Who is making a staff request, as the authentication in front of {@code /api/operator/*} found
 * it: a person's account or a named machine token, its role, the clinics a clinic account may see
 * (empty for every other role) and the address the request came from. The audit log records it.
 */
public record Actor(String login, Role role, Set<Long> clinics, String address) {

    private static final String KEY = "orderly.actor";

    public Actor {
        clinics = Set.copyOf(clinics);
    }

    void attachTo(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    /** The actor an earlier handler attached; a route behind the staff authentication always has one. */
    static Actor of(RoutingContext ctx) {
        Actor a = ctx.get(KEY);
        if (a == null) {
            throw new IllegalStateException("no actor: the route is not behind the staff authentication");
        }
        return a;
    }
}
