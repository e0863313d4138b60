package dev.orderly.server.http;

import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateNotice;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.problem.ProblemType;
import dev.orderly.server.gate.GateConfigJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operators' control of the gates over HTTP (behind {@link OperatorAuth}): list and read gates
 * with live figures, create or reconfigure one, change its admission policy, pause it with a
 * message, resume it, close it.
 */
final class OperatorRoutes {

    private static final Pattern GATE_NAME = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Set<String> NOTICE_FIELDS = new java.util.TreeSet<>(Set.of("message", "messageEn", "expectedBack"));

    private final HttpApi api;
    private final WaitingRoom waitingRoom;

    OperatorRoutes(HttpApi api, WaitingRoom waitingRoom) {
        this.api = api;
        this.waitingRoom = waitingRoom;
    }

    void mount(Router router) {
        router.get("/api/operator/gates").handler(ctx -> api.run(ctx, () -> Reply.json(200, new JsonArray(waitingRoom.gates().stream()
                .map(this::describe).toList()))));
        router.get("/api/operator/gates/:gate").handler(ctx -> {
            String gate = ctx.pathParam("gate");
            api.run(ctx, () -> waitingRoom.gate(gate).map(c -> Reply.json(200, describe(c))).orElseGet(() -> unknown(gate)));
        });
        router.put("/api/operator/gates/:gate").handler(this::configure);
        router.put("/api/operator/gates/:gate/admission").handler(this::admission);
        router.post("/api/operator/gates/:gate/pause").handler(ctx -> mode(ctx, GateMode.PAUSED));
        router.post("/api/operator/gates/:gate/resume").handler(ctx -> mode(ctx, GateMode.ACTIVE));
        router.post("/api/operator/gates/:gate/close").handler(ctx -> mode(ctx, GateMode.CLOSED));
    }

    private JsonObject describe(GateConfig c) {
        JsonObject json = GateConfigJson.write(c);
        waitingRoom.figures(c.name()).ifPresent(f -> json.put("figures", GateRoutes.figuresJson(f)));
        return json;
    }

    private static Reply unknown(String gate) {
        return Reply.problem(ProblemType.UNKNOWN_GATE, "there is no gate '" + gate + "'");
    }

    /** The body as a JSON object; an empty body counts as {} (pause and close take an optional message). */
    private static JsonObject body(RoutingContext ctx) {
        if (ctx.body().buffer() == null || ctx.body().buffer().length() == 0) {
            return new JsonObject();
        }
        return JsonInput.object(ctx);
    }

    /**
     * The gate as last saved. A change builds on this, not on the node's view: a tick that began
     * before the operator's previous change may have put the older config back in the view, and a
     * change built on that would undo the previous one (a rate set, then lost by a pause).
     */
    private Optional<GateConfig> stored(String gate) {
        return waitingRoom.gates().stream().filter(c -> c.name().equals(gate)).findFirst();
    }

    private void configure(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        if (!GATE_NAME.matcher(gate).matches()) {
            throw new BadRequest("a gate name is 1-32 of a-z 0-9 -");
        }
        JsonObject json = body(ctx);
        api.run(ctx, () -> {
            Optional<GateConfig> before = stored(gate);
            GateConfig config;
            try {
                config = GateConfigJson.read(gate, json, before.map(GateConfig::mode).orElse(GateMode.ACTIVE));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage());
            }
            return configured(audited(ctx, before.isPresent() ? "gate.configure" : "gate.create", before, waitingRoom.configure(config)),
                    before.isPresent() ? 200 : 201);
        });
    }

    /** Records a configuration that was saved, with the gate as it was before; answers {@code outcome}. */
    private WaitingRoom.ConfigureOutcome audited(RoutingContext ctx, String action, Optional<GateConfig> before,
                                                 WaitingRoom.ConfigureOutcome outcome) {
        if (outcome instanceof WaitingRoom.Configured c) {
            api.audit().record(ctx, action, "gate:" + c.config().name(), before.map(GateConfigJson::write).orElse(null),
                    GateConfigJson.write(c.config()));
        }
        return outcome;
    }

    /** The answer to a configuration: saved with {@code status}, or why not. */
    private Reply configured(WaitingRoom.ConfigureOutcome outcome, int status) {
        return switch (outcome) {
            case WaitingRoom.Configured c -> Reply.json(status, describe(c.config()));
            case WaitingRoom.OpeningFixed f -> Reply.problem(ProblemType.GATE_OPENED,
                    "the gate opened at " + f.opensAt() + " and drew its pre-queue; its opening time can no longer change")
                    .with("opensAt", f.opensAt().toString());
            case WaitingRoom.Contended c -> Reply.problem(ProblemType.GATE_BUSY,
                    "the gate's state changed under " + c.tries() + " tries to save this; nothing was saved, try again")
                    .header("Retry-After", "1");
        };
    }

    private void admission(RoutingContext ctx) {
        String gate = ctx.pathParam("gate");
        JsonObject json = body(ctx);
        api.run(ctx, () -> stored(gate).map(c -> {
            GateConfig changed;
            try {
                changed = c.withAdmission(GateConfigJson.admission(json));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage());
            }
            return configured(audited(ctx, "gate.admission", Optional.of(c), waitingRoom.configure(changed)), 200);
        }).orElseGet(() -> unknown(gate)));
    }

    private void mode(RoutingContext ctx, GateMode mode) {
        String gate = ctx.pathParam("gate");
        JsonObject json = body(ctx);
        Set<String> extra = new java.util.TreeSet<>(json.fieldNames());
        extra.removeAll(NOTICE_FIELDS);
        if (!extra.isEmpty()) {
            throw new BadRequest("unknown field(s) " + extra + "; expected only " + NOTICE_FIELDS);
        }
        GateNotice notice;
        try {
            notice = GateConfigJson.notice(json);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        if (mode != GateMode.PAUSED && notice.expectedBack() != null) {
            throw new BadRequest("'expectedBack' goes with a pause only");
        }
        String action = switch (mode) {
            case PAUSED -> "gate.pause";
            case ACTIVE -> "gate.resume";
            case CLOSED -> "gate.close";
        };
        api.run(ctx, () -> stored(gate).map(c -> configured(audited(ctx, action, Optional.of(c), waitingRoom.configure(c.withMode(mode, notice))), 200))
                .orElseGet(() -> unknown(gate)));
    }
}
