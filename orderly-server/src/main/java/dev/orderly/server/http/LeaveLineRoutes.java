package dev.orderly.server.http;

import dev.orderly.gate.GateStatus;
import dev.orderly.gate.LeaveTheLine;
import dev.orderly.problem.ProblemType;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Leave the line, get a text when your turn nears (issue #16): a verified person leaves the place
 * their ticket holds; the link in the text brings it back to the browser that opens it.
 */
final class LeaveLineRoutes {

    private static final int MAX_TOKEN = 512;

    private final HttpApi api;
    private final GateRoutes gates;
    private final IdentityRoutes identity;
    private final LeaveTheLine leaving;

    LeaveLineRoutes(HttpApi api, GateRoutes gates, IdentityRoutes identity, LeaveTheLine leaving) {
        this.api = api;
        this.gates = gates;
        this.identity = identity;
        this.leaving = leaving;
    }

    void mount(Router router) {
        router.post("/api/gates/:gate/leave").handler(this::leave);
        router.post("/api/gates/:gate/back").handler(this::back);
    }

    private void leave(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        String token = ctx.request().getHeader("Orderly-Ticket");
        if (token == null) {
            Cookie c = ctx.request().getCookie(GateRoutes.ticketCookie(gate));
            token = c == null ? null : c.getValue();
        }
        if (token == null) {
            api.send(ctx, Reply.problem(ProblemType.NO_TICKET, "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        String ticket = token;
        String browser = HttpApi.browser(ctx);
        api.run(ctx, () -> identity.person(ctx).map(person -> switch (leaving.leave(gate, ticket, browser, person.id())) {
            case LeaveTheLine.Left left -> Reply.json(201, new JsonObject().put("state", "left").put("gate", gate)
                    .put("leadSeconds", left.lead().toSeconds()).put("maskedPhone", person.maskedPhone()));
            case LeaveTheLine.NotWaiting n -> n.status() instanceof GateStatus.Refused r ? GateRoutes.refusal(gate, r)
                    : Reply.problem(ProblemType.TURN_CAME, "your turn has come already: go on to the next step now");
            case LeaveTheLine.NotYours n -> Reply.problem(ProblemType.NOT_YOUR_PLACE, "this ticket holds another person's place");
            case LeaveTheLine.PhoneTaken p -> Reply.problem(ProblemType.RECALL_PHONE_TAKEN,
                    "this number already waits for a text for another place in this line");
        }).orElseGet(() -> IdentityRoutes.notVerified(ctx)));
    }

    private void back(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        JsonObject body = JsonInput.object(ctx);
        Object token = body.getValue("token");
        if (!(token instanceof String link) || link.isEmpty() || link.length() > MAX_TOKEN) {
            throw new BadRequest("'token' is the text after '#' in the link of the text message");
        }
        String browser = api.bindingBrowser(ctx);
        api.run(ctx, () -> switch (leaving.restore(link, browser)) {
            case LeaveTheLine.Restored r when !r.place().ticket().gate().equals(gate) -> Reply.problem(ProblemType.OTHER_GATE,
                    "this link is for the line '" + r.place().ticket().gate() + "'");
            case LeaveTheLine.Restored r -> gates.statusReply(gate, r.place().status(), r.place().token())
                    .cookie(api.cookie(GateRoutes.ticketCookie(gate), r.place().token(), Duration.ofDays(1)));
            case LeaveTheLine.InvalidLink i -> Reply.problem(ProblemType.RECALL_LINK_INVALID, "this is not a link Orderly sent");
            case LeaveTheLine.LinkExpired e -> Reply.problem(ProblemType.RECALL_LINK_EXPIRED, "the link expired at " + e.at()
                    + "; join the line again").with("expiredAt", e.at().toString());
            case LeaveTheLine.OtherBrowser o -> Reply.problem(ProblemType.RECALL_OTHER_BROWSER,
                    "another browser opened this link first; a place is one person's");
        });
    }
}
