package dev.orderly.server.http;

import dev.orderly.gate.GateFigures;
import dev.orderly.gate.GateStatus;
import dev.orderly.gate.PassCheck;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.identity.SessionTokens;
import dev.orderly.problem.ProblemType;
import dev.orderly.watch.CanaryLanes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The waiting room over HTTP: join, status, public figures, and the pass check the protected
 * steps call.
 *
 * <p>The ticket travels in an HttpOnly cookie per gate (and in the body, for clients that keep it
 * themselves); a browser that already holds a valid ticket gets it back on join, so refreshes and
 * extra tabs neither gain nor lose a place. On keyed gates (one place per verified person) the
 * holder comes from the session, so every tab and device of a person shares one place.
 *
 * <p>With the in-memory store everything here runs on the event loop (a waiting status is an HMAC
 * check and a comparison with the cached mark); with a remote store, calls that reach the store
 * run on virtual threads.
 */
final class GateRoutes {

    private final HttpApi api;
    private final WaitingRoom waitingRoom;
    private final MeterRegistry meters;
    private final SessionTokens sessions;
    private final boolean storeIsLocal;
    private final String jwks;

    GateRoutes(HttpApi api, WaitingRoom waitingRoom, MeterRegistry meters, SessionTokens sessions, boolean storeIsLocal,
               String jwks) {
        this.api = api;
        this.waitingRoom = waitingRoom;
        this.meters = meters;
        this.sessions = sessions;
        this.storeIsLocal = storeIsLocal;
        this.jwks = jwks;
    }

    void mount(Router router) {
        router.get("/api/gates/:gate").handler(this::gateInfo);
        router.post("/api/gates/:gate/join").handler(this::join);
        router.get("/api/gates/:gate/status").handler(this::status);
        router.get("/.well-known/jwks.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "max-age=300").end(jwks));
    }

    private void reply(RoutingContext ctx, Supplier<Reply> work) {
        if (storeIsLocal) {
            api.send(ctx, work.get());
        } else {
            api.run(ctx, work);
        }
    }

    private void gateInfo(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        if (hiddenLane(ctx, gate)) {
            return;
        }
        // When the gate takes joins and opens is public: the landing page and load tests plan by it.
        reply(ctx, () -> waitingRoom.figures(gate).flatMap(f -> waitingRoom.gate(gate).map(c -> Reply.json(200, figuresJson(f)
                        .put("joinFrom", c.joinFrom().toString()).put("opensAt", c.opensAt().toString()))))
                .orElseGet(() -> unknownGate(gate)));
    }

    static JsonObject figuresJson(GateFigures f) {
        return new JsonObject().put("gate", f.gate()).put("phase", f.phase().name()).put("waiting", f.waiting())
                .put("admitted", f.admitted()).put("issued", f.issued()).put("admitPerSecond", round(f.admitPerSecond()))
                .put("etaOfLastSeconds", f.etaOfLast().toSeconds()).put("outstanding", f.outstanding())
                .put("preQueueSize", f.preQueueSize()).put("message", f.message());
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Reply unknownGate(String gate) {
        return Reply.problem(ProblemType.UNKNOWN_GATE, "there is no gate '" + gate + "'");
    }

    static String ticketCookie(String gate) {
        return "orderly_ticket_" + gate;
    }

    static String passCookie(String gate) {
        return "orderly_pass_" + gate;
    }

    private void join(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        if (hiddenLane(ctx, gate)) {
            return;
        }
        if (AgentRoutes.AGENT_GATE.equals(gate)) {
            // Agents join through their own route, as themselves: a place here is worth nothing to anyone else.
            api.send(ctx, Reply.problem(ProblemType.AGENT_LINE, "this line is the call centre's; agents join it from the agent page"));
            return;
        }
        String browser = api.bindingBrowser(ctx);
        Cookie held = ctx.request().getCookie(ticketCookie(gate));
        Cookie session = ctx.request().getCookie(IdentityRoutes.SESSION_COOKIE);
        String holder = session == null ? null
                : sessions.verify(session.getValue()).map(s -> "person:" + s.personId()).orElse(null);
        if (!storeIsLocal && held == null && holder == null) {
            // A first join needs only a number from the store: answer when it comes, holding no thread meanwhile.
            Optional<CompletionStage<WaitingRoom.JoinOutcome>> later = waitingRoom.joinLater(gate, browser, api.blockingWork());
            if (later.isPresent()) {
                api.later(ctx, later.get().thenApply(outcome -> joinReply(gate, outcome)));
                return;
            }
        }
        reply(ctx, () -> {
            // A browser that already holds a place keeps it: a second tab or a refresh is not a new place.
            if (held != null) {
                GateStatus status = waitingRoom.status(gate, held.getValue(), browser);
                if (!(status instanceof GateStatus.Refused)) {
                    return statusReply(gate, status, held.getValue());
                }
            }
            return joinReply(gate, waitingRoom.join(gate, browser, holder));
        });
    }

    /**
     * Joins keyed {@code gate} as {@code holder}, whom the caller vouches for (a signed-in agent):
     * the holder's one place, whichever browser asks. Blocking: call on a virtual thread.
     */
    Reply joinAs(String gate, String browser, String holder) {
        return joinReply(gate, waitingRoom.join(gate, browser, holder));
    }

    private Reply joinReply(String gate, WaitingRoom.JoinOutcome outcome) {
        return switch (outcome) {
            case WaitingRoom.Joined joined -> {
                if (!CanaryLanes.isLane(gate)) {
                    meters.counter("orderly.gate.joins", "gate", gate).increment();
                }
                Reply r = statusReply(gate, joined.status(), joined.token());
                yield new Reply(201, r.body(), r.problem(), r.cookies(), r.headers())
                        .cookie(api.cookie(ticketCookie(gate), joined.token(), Duration.ofDays(1)));
            }
            case WaitingRoom.JoinRefused refused -> refusal(gate, refused.refusal());
        };
    }

    private void status(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        if (hiddenLane(ctx, gate)) {
            return;
        }
        String token = ctx.request().getHeader("Orderly-Ticket");
        if (token == null) {
            Cookie c = ctx.request().getCookie(ticketCookie(gate));
            token = c == null ? null : c.getValue();
        }
        if (token == null) {
            api.send(ctx, Reply.problem(ProblemType.NO_TICKET, "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        String ticket = token;
        String browser = HttpApi.browser(ctx);
        if (!storeIsLocal) {
            // Most polls are "still waiting", answered from this node's view: no thread hop for them.
            Optional<GateStatus> fromView = waitingRoom.statusFromView(gate, ticket, browser);
            if (fromView.isPresent()) {
                api.send(ctx, statusReply(gate, fromView.get(), null));
                return;
            }
        }
        reply(ctx, () -> statusReply(gate, waitingRoom.status(gate, ticket, browser), null));
    }

    /** Where a ticket stands; with {@code ticket} (not null) as a member of the answer too. */
    Reply statusReply(String gate, GateStatus status, String ticket) {
        return switch (status) {
            case GateStatus.Waiting w -> Reply.json(200, waitingJson(gate, w, ticket))
                    .header("Retry-After", Long.toString(Math.max(1, w.pollAfter().toSeconds())));
            case GateStatus.Admitted a -> {
                JsonObject body = new JsonObject().put("state", "admitted").put("gate", gate)
                        .put("rank", a.rank()).put("pass", a.passToken()).put("expiresAt", a.pass().expiresAt().toString());
                if (ticket != null) {
                    body.put("ticket", ticket);
                }
                yield Reply.json(200, body).cookie(api.cookie(passCookie(gate), a.passToken(),
                        Duration.between(a.pass().issuedAt(), a.pass().expiresAt())));
            }
            case GateStatus.Refused r -> refusal(gate, r);
        };
    }

    /**
     * The answer "still waiting", written without building a JSON tree: it is most of a gate's
     * traffic (every poll of everyone in line), and Jackson's tree and generator were a visible
     * share of a poll's cost in the wrk profile.
     */
    static String waitingJson(String gate, GateStatus.Waiting w, String ticket) {
        StringBuilder b = new StringBuilder(ticket == null ? 240 : 240 + ticket.length());
        b.append("{\"state\":\"waiting\",\"gate\":");
        quoted(b, gate);
        b.append(",\"phase\":\"").append(w.phase().name())
                .append("\",\"inPreQueue\":").append(w.inPreQueue())
                .append(",\"rank\":").append(w.rank())
                .append(",\"ahead\":").append(w.ahead())
                .append(",\"etaSeconds\":").append(w.eta().toSeconds())
                .append(",\"pollAfterMs\":").append(w.pollAfter().toMillis())
                .append(",\"open\":").append(w.phase() == dev.orderly.gate.GatePhase.OPEN)
                .append(",\"opensAt\":\"").append(w.opensAt())
                .append("\",\"message\":");
        quoted(b, w.message());
        b.append(",\"messageEn\":");
        quoted(b, w.notice().messageEn());
        if (w.notice().expectedBack() != null) {
            b.append(",\"expectedBack\":\"").append(w.notice().expectedBack()).append('"');
        }
        if (ticket != null) {
            b.append(",\"ticket\":");
            quoted(b, ticket);
        }
        return b.append('}').toString();
    }

    private static void quoted(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                // Anything beyond plain ASCII (an operator's message in Korean, say): the JSON library escapes it.
                b.append(io.vertx.core.json.Json.encode(s));
                return;
            }
        }
        b.append('"').append(s).append('"');
    }

    static Reply refusal(String gate, GateStatus.Refused r) {
        return switch (r.reason()) {
            case UNKNOWN_GATE -> unknownGate(gate);
            case PASS_EXPIRED -> Reply.problem(ProblemType.PASS_EXPIRED,
                    "your turn came, but the pass it earned has expired; join the line again");
            case PASS_SPENT -> Reply.problem(ProblemType.PASS_SPENT,
                    "your turn came and was used to complete this step; join again to do it once more");
            case OTHER_GATE -> Reply.problem(ProblemType.OTHER_GATE, "this ticket was not issued by gate '" + gate + "'");
            case OTHER_BROWSER -> Reply.problem(ProblemType.OTHER_BROWSER,
                    "this ticket belongs to another browser; tickets cannot be shared");
            case INVALID_TICKET -> Reply.problem(ProblemType.INVALID_TICKET, "this is not a ticket issued by Orderly");
            case GATE_CLOSED -> Reply.problem(ProblemType.GATE_CLOSED, r.message().isEmpty()
                    ? "this line is closed" : r.message()).with("message", r.message());
            case NOT_YET_JOINABLE -> Reply.problem(ProblemType.NOT_YET, r.message());
            case NEEDS_HOLDER -> Reply.problem(ProblemType.NOT_VERIFIED,
                    "this line gives one place per person: verify your identity first");
        };
    }

    /** A canary lane asked for by anyone but the canary: answered as the unknown gate it is to them. */
    private boolean hiddenLane(RoutingContext ctx, String gate) {
        if (CanaryLanes.isLane(gate) && !api.isCanary(ctx)) {
            api.send(ctx, unknownGate(gate));
            return true;
        }
        return false;
    }

    /** The pass this browser presents for {@code gate} (cookie, or the Orderly-Pass header), checked. */
    PassCheck passOf(RoutingContext ctx, String realGate) {
        // The canary's passes are of its own lane (see CanaryLanes), never of the real gate.
        String gate = api.isCanary(ctx) ? CanaryLanes.lane(realGate) : realGate;
        String token = ctx.request().getHeader("Orderly-Pass");
        if (token == null) {
            Cookie c = ctx.request().getCookie(passCookie(gate));
            token = c == null ? null : c.getValue();
        }
        return waitingRoom.check(gate, token, HttpApi.browser(ctx));
    }

    /** Marks a checked pass used: its step is complete. */
    void spend(PassCheck.Valid valid) {
        waitingRoom.spend(valid.pass());
    }

    /** Runs {@code step} as the one use of a checked pass; empty when the pass was used already (see {@link WaitingRoom#useOnce}). */
    <T> Optional<T> useOnce(PassCheck.Valid valid, Supplier<T> step) {
        return waitingRoom.useOnce(valid.pass(), step);
    }

    /** Whether {@code gate} is open with nobody waiting in it just now (see {@link WaitingRoom#idle}). */
    boolean idle(String gate) {
        return waitingRoom.idle(gate);
    }

    /** The problem answer for a refused pass. */
    static Reply passRefused(PassCheck.Refused refused) {
        return switch (refused.reason()) {
            case MISSING -> Reply.problem(ProblemType.NO_PASS,
                    "this step needs a pass from the waiting room; join the line at the start page");
            case FORGED -> Reply.problem(ProblemType.INVALID_PASS, "this pass was not issued by Orderly");
            case OTHER_GATE -> Reply.problem(ProblemType.PASS_OTHER_GATE, "this pass is for another step");
            case OTHER_BROWSER -> Reply.problem(ProblemType.PASS_OTHER_BROWSER,
                    "this pass belongs to another browser; passes cannot be shared");
            case EXPIRED -> Reply.problem(ProblemType.PASS_EXPIRED, "your pass has expired; join the line again");
            case SPENT -> Reply.problem(ProblemType.PASS_SPENT, "this pass was already used; join the line again");
        };
    }
}
