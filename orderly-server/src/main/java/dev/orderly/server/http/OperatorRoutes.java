package dev.orderly.server.http;

import dev.orderly.gate.WaitingRoom;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/** The operator's view over HTTP (behind {@link OperatorAuth}): live figures of every gate. */
final class OperatorRoutes {

    private final HttpApi api;
    private final WaitingRoom waitingRoom;
    private final List<String> gateNames;

    OperatorRoutes(HttpApi api, WaitingRoom waitingRoom, List<String> gateNames) {
        this.api = api;
        this.waitingRoom = waitingRoom;
        this.gateNames = List.copyOf(gateNames);
    }

    void mount(Router router) {
        router.get("/api/operator/gates").handler(ctx -> api.send(ctx, Reply.json(200, new JsonArray(gateNames.stream()
                .flatMap(g -> waitingRoom.figures(g).stream())
                .map(f -> new JsonObject().put("gate", f.gate()).put("issued", f.issued()).put("admitted", f.admitted())
                        .put("waiting", f.waiting()).put("admitPerSecond", f.admitPerSecond()))
                .toList()))));
    }
}
