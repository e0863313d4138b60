package dev.orderly.server.http;

import dev.orderly.server.DevSmsInbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Routes that exist only in demo runs: the SMS inbox where a demo user reads their code, and a
 * few residents of the open cohort to try the walk with. Never mounted when demo mode is off.
 */
public final class DevRoutes {

    /** A resident a demo user may verify as. */
    public record SampleResident(String name, String birthDate, String phone) {
    }

    private final DevSmsInbox inbox;
    private final IntFunction<List<SampleResident>> samples;

    public DevRoutes(DevSmsInbox inbox, IntFunction<List<SampleResident>> samples) {
        this.inbox = inbox;
        this.samples = samples;
    }

    void mount(Router router, HttpApi api) {
        router.get("/api/dev/sms").handler(ctx -> api.send(ctx, Reply.json(200, new JsonArray(inbox.messages().stream()
                .map(m -> new JsonObject().put("at", m.at().toString()).put("to", m.maskedPhone())
                        .put("toLast4", m.phoneLast4()).put("text", m.text()))
                .toList()))));
        router.get("/api/dev/residents").handler(ctx -> api.run(ctx, () -> Reply.json(200, new JsonArray(samples.apply(8).stream()
                .map(r -> new JsonObject().put("name", r.name()).put("birthDate", r.birthDate()).put("phone", r.phone()))
                .toList()))));
    }
}
