package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.staff.Role;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Guards {@code /api/operator/*}: the request must carry {@code Authorization: Bearer <token>} with
 * the operator token ({@code ORDERLY_OPERATOR_TOKEN}, or the one generated into the data folder).
 * Compared in constant time.
 */
final class OperatorAuth {

    private final byte[] token;
    private final HttpApi api;
    private final RateLimits addresses;

    OperatorAuth(HttpApi api, String token, RateLimits addresses) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the operator token must have at least 16 characters");
        }
        this.api = api;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.addresses = addresses;
    }

    void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        byte[] presented = header != null && header.startsWith("Bearer ")
                ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) {
            api.send(ctx, Reply.problem(ProblemType.OPERATOR_ONLY,
                    "send the operator token as 'Authorization: Bearer <token>'").header("WWW-Authenticate", "Bearer"));
            return;
        }
        new Actor("operator-token", Role.OPERATOR, Set.of(), addresses.address(ctx)).attachTo(ctx);
        ctx.next();
    }
}
