package dev.orderly.server.http;

import dev.orderly.gate.GateStatus;
import dev.orderly.gate.WaitingRoom;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The waiting room over HTTP: join, status, figures. Everything here runs on the event loop: a
 * status answer is an HMAC check and a comparison with the gate's mark, no I/O.
 *
 * <p>The ticket travels in an HttpOnly cookie per gate (and in the body, for clients that keep it
 * themselves); a browser that already holds a valid ticket gets it back on join, so refreshes and
 * extra tabs neither gain nor lose a place.
 */
final class GateRoutes {

    private final HttpApi api;
    private final WaitingRoom waitingRoom;
    private final MeterRegistry meters;
    private final Duration passLifetime;

    GateRoutes(HttpApi api, WaitingRoom waitingRoom, MeterRegistry meters, Duration passLifetime) {
        this.api = api;
        this.waitingRoom = waitingRoom;
        this.meters = meters;
        this.passLifetime = passLifetime;
    }

    void mount(Router router) {
        router.get("/api/gates/:gate").handler(this::gateInfo);
        router.post("/api/gates/:gate/join").handler(this::join);
        router.get("/api/gates/:gate/status").handler(this::status);
    }

    private void gateInfo(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        api.send(ctx, waitingRoom.figures(gate)
                .map(f -> Reply.json(200, new JsonObject().put("gate", f.gate()).put("waiting", f.waiting())
                        .put("admitted", f.admitted()).put("admitPerSecond", f.admitPerSecond())
                        .put("opensAt", waitingRoom.gate(gate).orElseThrow().opensAt().toString())))
                .orElseGet(() -> unknownGate(gate)));
    }

    private static Reply unknownGate(String gate) {
        return Reply.problem(404, "unknown-gate", "Unknown gate", "there is no gate '" + gate + "'");
    }

    private static String ticketCookie(String gate) {
        return "orderly_ticket_" + gate;
    }

    private static String passCookie(String gate) {
        return "orderly_pass_" + gate;
    }

    private void join(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        if (waitingRoom.gate(gate).isEmpty()) {
            api.send(ctx, unknownGate(gate));
            return;
        }
        // A browser that already holds a place keeps it: a second tab or a refresh is not a new place.
        Cookie held = ctx.request().getCookie(ticketCookie(gate));
        if (held != null) {
            GateStatus status = waitingRoom.status(gate, held.getValue(), HttpApi.browser(ctx));
            if (!(status instanceof GateStatus.Refused)) {
                api.send(ctx, statusReply(gate, held.getValue(), status).with("ticket", held.getValue()));
                return;
            }
        }
        WaitingRoom.JoinedTicket joined = waitingRoom.join(gate, HttpApi.browser(ctx)).orElseThrow();
        meters.counter("orderly.gate.joins", "gate", gate).increment();
        GateStatus status = waitingRoom.status(gate, joined.token(), HttpApi.browser(ctx));
        Reply reply = statusReply(gate, joined.token(), status).with("ticket", joined.token());
        api.send(ctx, new Reply(201, reply.body(), false, reply.cookies(), reply.headers())
                .cookie(api.cookie(ticketCookie(gate), joined.token(), Duration.ofDays(1))));
    }

    private void status(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        String token = ctx.request().getHeader("Orderly-Ticket");
        if (token == null) {
            Cookie c = ctx.request().getCookie(ticketCookie(gate));
            token = c == null ? null : c.getValue();
        }
        if (token == null) {
            api.send(ctx, Reply.problem(400, "no-ticket", "No ticket", "send the ticket from join in the Orderly-Ticket header"));
            return;
        }
        api.send(ctx, statusReply(gate, token, waitingRoom.status(gate, token, HttpApi.browser(ctx))));
    }

    private Reply statusReply(String gate, String token, GateStatus status) {
        return switch (status) {
            case GateStatus.Waiting w -> Reply.json(200, new JsonObject().put("state", "waiting").put("gate", gate)
                    .put("sequence", w.sequence()).put("ahead", w.ahead()).put("etaSeconds", w.eta().toSeconds())
                    .put("pollAfterMs", w.pollAfter().toMillis()).put("open", w.open()).put("opensAt", w.opensAt().toString()))
                    .header("Retry-After", Long.toString(Math.max(1, w.pollAfter().toSeconds())));
            case GateStatus.Admitted a -> Reply.json(200, new JsonObject().put("state", "admitted").put("gate", gate)
                    .put("sequence", a.sequence()).put("pass", a.passToken()).put("expiresAt", a.pass().expiresAt().toString()))
                    .cookie(api.cookie(passCookie(gate), a.passToken(), passLifetime));
            case GateStatus.Refused r -> switch (r.reason()) {
                case UNKNOWN_GATE -> unknownGate(gate);
                case PASS_EXPIRED -> Reply.problem(410, "pass-expired", "Pass expired",
                        "your turn came, but the pass it earned has expired; join the line again");
                case OTHER_GATE -> Reply.problem(403, "other-gate", "Ticket of another gate", "this ticket was not issued by gate '" + gate + "'");
                case OTHER_BROWSER -> Reply.problem(403, "other-browser", "Ticket of another browser",
                        "this ticket belongs to another browser; tickets cannot be shared");
                case INVALID_TICKET -> Reply.problem(403, "invalid-ticket", "Invalid ticket", "this is not a ticket issued by Orderly");
            };
        };
    }

    /** Whether this browser holds a valid pass of {@code gate}. */
    boolean hasPass(RoutingContext ctx, String gate) {
        Cookie pass = ctx.request().getCookie(passCookie(gate));
        return pass != null && waitingRoom.acceptPass(gate, pass.getValue(), HttpApi.browser(ctx)).isPresent();
    }
}
