package dev.orderly.server.http;

import dev.orderly.gate.WaitingRoom;
import dev.orderly.problem.ProblemType;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The lottery anyone can check (issue #16, {@code docs/lottery.md}): each gate's commitment to the
 * secret that orders its pre-queue, the secret once the pre-queue is drawn, the place a ticket
 * stands for, and the operator's re-draw (only before joins open).
 */
final class LotteryRoutes {

    /** Names the rule by which ranks follow from the secret, so a checker knows what it recomputes. */
    static final String ALGORITHM = "orderly-lottery-1";

    private final HttpApi api;
    private final WaitingRoom waitingRoom;

    LotteryRoutes(HttpApi api, WaitingRoom waitingRoom) {
        this.api = api;
        this.waitingRoom = waitingRoom;
    }

    void mount(Router router) {
        router.get("/api/gates/:gate/lottery").handler(this::lottery);
        router.get("/api/gates/:gate/lottery/place").handler(this::place);
        router.post("/api/operator/gates/:gate/lottery/redraw").handler(this::redraw);
    }

    private void lottery(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        api.run(ctx, () -> waitingRoom.lottery(gate).map(s -> Reply.json(200, json(s)).header("Cache-Control", "no-store"))
                .orElseGet(() -> unknownGate(gate)));
    }

    static JsonObject json(WaitingRoom.LotteryState s) {
        JsonObject json = new JsonObject().put("gate", s.gate()).put("algorithm", ALGORITHM).put("commitment", s.commitment())
                .put("committedAt", s.committedAt().toString()).put("joinFrom", s.joinFrom().toString())
                .put("opensAt", s.opensAt().toString()).put("opensAtMillis", s.opensAt().toEpochMilli())
                .put("committedBeforeJoins", !s.committedAt().isAfter(s.joinFrom())).put("revealed", s.revealed());
        if (s.revealed()) {
            json.put("secret", s.secretHex()).put("preQueueSize", s.preQueueSize());
        }
        return json;
    }

    private void place(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        String token = ctx.request().getHeader("Orderly-Ticket");
        if (token == null) {
            Cookie c = ctx.request().getCookie(GateRoutes.ticketCookie(gate));
            token = c == null ? null : c.getValue();
        }
        if (token == null) {
            api.send(ctx, Reply.problem(ProblemType.NO_TICKET, "send your ticket in the Orderly-Ticket header"));
            return;
        }
        String ticket = token;
        api.run(ctx, () -> {
            if (waitingRoom.gate(gate).isEmpty()) {
                return unknownGate(gate);
            }
            return waitingRoom.placeOf(gate, ticket)
                    .map(p -> Reply.json(200, new JsonObject().put("gate", p.gate()).put("number", p.number()).put("rank", p.rank())
                            .put("inPreQueue", p.inPreQueue())))
                    .orElseGet(() -> Reply.problem(ProblemType.INVALID_TICKET, "this is not a ticket of gate '" + gate + "' issued by Orderly"));
        });
    }

    private void redraw(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        api.run(ctx, () -> switch (waitingRoom.redrawLottery(gate)) {
            case WaitingRoom.Redrawn r -> {
                // The secret never goes into the audit trail: the commitments say what changed.
                api.audit().record(ctx, "gate.lottery.redraw", "gate:" + gate, commitmentJson(r.before()), commitmentJson(r.after()));
                yield Reply.json(200, json(r.after()));
            }
            case WaitingRoom.LotteryFixed f -> Reply.problem(ProblemType.LOTTERY_FIXED, "joins to gate '" + gate + "' opened at "
                    + f.since() + " (or someone already holds a number): the committed draw " + f.commitment() + " is final")
                    .with("commitment", f.commitment()).with("joinFrom", f.since().toString());
            case WaitingRoom.NoSuchGate n -> unknownGate(gate);
        });
    }

    private static JsonObject commitmentJson(WaitingRoom.LotteryState s) {
        return new JsonObject().put("commitment", s.commitment()).put("committedAt", s.committedAt().toString());
    }

    private static Reply unknownGate(String gate) {
        return Reply.problem(ProblemType.UNKNOWN_GATE, "there is no gate '" + gate + "'");
    }
}
