package dev.orderly.server.http;

import dev.orderly.gate.GateStatus;
import dev.orderly.gate.LeaveTheLine;
import dev.orderly.gate.RecallPhoneCodes;
import dev.orderly.identity.Verification;
import dev.orderly.problem.ProblemType;
import dev.orderly.registry.PhoneNumbers;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Leave the line, get a text when your turn nears (issue #16): a verified person leaves the place
 * their ticket holds; the link in the text brings it back to the browser that opens it.
 */
final class LeaveLineRoutes {

    private static final int MAX_TOKEN = 512;

    private final HttpApi api;
    private final GateRoutes gates;
    private final IdentityRoutes identity;
    private static final Pattern CHALLENGE_ID = Pattern.compile("[0-9a-f]{36}");

    private final LeaveTheLine leaving;
    private final RecallPhoneCodes byPhone;
    private final Clock clock;

    /** @param byPhone null when only verified people may leave */
    LeaveLineRoutes(HttpApi api, GateRoutes gates, IdentityRoutes identity, LeaveTheLine leaving, RecallPhoneCodes byPhone, Clock clock) {
        this.api = api;
        this.gates = gates;
        this.identity = identity;
        this.leaving = leaving;
        this.byPhone = byPhone;
        this.clock = clock;
    }

    void mount(Router router) {
        router.post("/api/gates/:gate/leave").handler(this::leave);
        router.post("/api/gates/:gate/back").handler(this::back);
        if (byPhone != null) {
            router.post("/api/gates/:gate/leave/phone").handler(this::askCode);
            router.post("/api/gates/:gate/leave/phone/:id").handler(this::confirmCode);
        }
    }

    private static String ticketOf(RoutingContext ctx, String gate) {
        String token = ctx.request().getHeader("Orderly-Ticket");
        if (token == null) {
            Cookie c = ctx.request().getCookie(GateRoutes.ticketCookie(gate));
            token = c == null ? null : c.getValue();
        }
        return token;
    }

    private void askCode(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        JsonInput in = JsonInput.of(ctx, Set.of("phone"));
        String phone = PhoneNumbers.normalise(in.text("phone", 20))
                .orElseThrow(() -> new BadRequest("'phone' must be a Korean mobile number such as 010-1234-5678"));
        String ticket = ticketOf(ctx, gate);
        if (ticket == null) {
            api.send(ctx, Reply.problem(ProblemType.NO_TICKET, "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        String browser = HttpApi.browser(ctx);
        RateLimits limits = identity.limits();
        // The identity challenge's limits: this is one more code texted to a number, not a second door.
        api.unlessLimited(ctx, limits.challengeFromAddress(ctx), () -> api.unlessLimited(ctx, limits.challengeForPhone(phone),
                () -> api.run(ctx, () -> switch (byPhone.start(gate, ticket, browser, phone)) {
                    case RecallPhoneCodes.CodeSent sent -> Reply.json(201, new JsonObject().put("challengeId", sent.challengeId())
                            .put("maskedPhone", PhoneNumbers.mask(phone)).put("expiresAt", sent.expiresAt().toString()));
                    case RecallPhoneCodes.NotWaiting n -> notWaiting(gate, n.status());
                    case RecallPhoneCodes.TooManyCodes t -> IdentityRoutes.codeLimit(new Verification.TooManyChallenges(t.retryAt()), clock);
                    case RecallPhoneCodes.NotSent n -> IdentityRoutes.notSent();
                })));
    }

    private void confirmCode(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        String id = ctx.pathParam("id");
        JsonInput in = JsonInput.of(ctx, Set.of("phone", "code"));
        String phone = PhoneNumbers.normalise(in.text("phone", 20))
                .orElseThrow(() -> new BadRequest("'phone' must be the number the code was sent to"));
        String code = in.text("code", 6);
        String ticket = ticketOf(ctx, gate);
        if (ticket == null) {
            api.send(ctx, Reply.problem(ProblemType.NO_TICKET, "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        if (!CHALLENGE_ID.matcher(id).matches()) {
            api.send(ctx, Reply.problem(ProblemType.UNKNOWN_CHALLENGE, "ask for a new code"));
            return;
        }
        String browser = HttpApi.browser(ctx);
        RateLimits limits = identity.limits();
        api.unlessLimited(ctx, limits.verifyFromAddress(ctx), () -> api.unlessLimited(ctx, limits.verifyForChallenge("recall:" + id),
                () -> api.run(ctx, () -> switch (byPhone.confirm(gate, ticket, browser, id, phone, code)) {
                    case RecallPhoneCodes.Armed a -> left(gate, a.outcome(), PhoneNumbers.mask(phone));
                    case RecallPhoneCodes.WrongCode w -> IdentityRoutes.notVerifiedBy(new Verification.WrongCode(w.triesLeft()));
                    case RecallPhoneCodes.Expired e -> IdentityRoutes.notVerifiedBy(new Verification.Expired());
                    case RecallPhoneCodes.TooManyTries t -> IdentityRoutes.notVerifiedBy(new Verification.TooManyTries());
                    case RecallPhoneCodes.UnknownChallenge u -> IdentityRoutes.notVerifiedBy(new Verification.UnknownChallenge());
                })));
    }

    private static Reply notWaiting(String gate, GateStatus status) {
        return status instanceof GateStatus.Refused r ? GateRoutes.refusal(gate, r)
                : Reply.problem(ProblemType.TURN_CAME, "your turn has come already: go on to the next step now");
    }

    private static Reply left(String gate, LeaveTheLine.LeaveOutcome outcome, String maskedPhone) {
        return switch (outcome) {
            case LeaveTheLine.Left left -> Reply.json(201, new JsonObject().put("state", "left").put("gate", gate)
                    .put("leadSeconds", left.lead().toSeconds()).put("maskedPhone", maskedPhone));
            case LeaveTheLine.NotWaiting n -> notWaiting(gate, n.status());
            case LeaveTheLine.NotYours n -> Reply.problem(ProblemType.NOT_YOUR_PLACE, "this ticket holds another person's place");
            case LeaveTheLine.PhoneTaken p -> Reply.problem(ProblemType.RECALL_PHONE_TAKEN,
                    "this number already waits for a text for another place in this line");
        };
    }

    private void leave(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        String token = ticketOf(ctx, gate);
        if (token == null) {
            api.send(ctx, Reply.problem(ProblemType.NO_TICKET, "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        String ticket = token;
        String browser = HttpApi.browser(ctx);
        api.run(ctx, () -> identity.person(ctx).map(person -> left(gate, leaving.leave(gate, ticket, browser, person.id()),
                person.maskedPhone())).orElseGet(() -> IdentityRoutes.notVerified(ctx)));
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
