package dev.orderly.server.http;

import dev.orderly.watch.Alert;
import dev.orderly.watch.AlertBook;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;

/**
 * The watchdog's alerts for the console: the active ones and the latest 100, each with its
 * runbook entry. Read from the shared alert book, so every node answers the same.
 */
final class AlertRoutes {

    static final int HISTORY = 100;

    private final HttpApi api;
    private final AlertBook book;

    AlertRoutes(HttpApi api, AlertBook book) {
        this.api = api;
        this.book = book;
    }

    void mount(Router router) {
        router.get("/api/operator/alerts").handler(ctx -> api.run(ctx, () -> Reply.json(200, new JsonObject()
                .put("active", json(book.active())).put("history", json(book.recent(HISTORY))))));
    }

    static JsonArray json(java.util.List<Alert> alerts) {
        JsonArray out = new JsonArray();
        alerts.forEach(a -> out.add(new JsonObject().put("rule", a.rule()).put("subject", a.subject()).put("detail", a.detail())
                .put("runbook", "/docs/runbook.md#" + a.runbook()).put("raisedAt", a.raisedAt().toString())
                .put("resolvedAt", a.resolved().map(Instant::toString).orElse(null)).put("active", a.active())));
        return out;
    }
}
