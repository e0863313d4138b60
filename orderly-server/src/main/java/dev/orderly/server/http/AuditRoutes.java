package dev.orderly.server.http;

import dev.orderly.audit.AuditCsv;
import dev.orderly.audit.AuditEntry;
import dev.orderly.audit.AuditFilters;
import dev.orderly.audit.AuditLog;
import dev.orderly.audit.AuditQuery;
import dev.orderly.audit.ChainCheck;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading the audit log (behind the staff authentication): a page of entries as JSON, every
 * matching entry as CSV, and the chain check. Filters: {@code actor}, {@code action},
 * {@code target} (prefix), {@code from}, {@code to}; pages: {@code limit}, {@code before} or
 * {@code after} a sequence number. Entries come newest first.
 */
final class AuditRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
    private static final List<String> FILTERS = List.of("actor", "action", "target", "from", "to", "before", "after", "limit");
    /** Bytes of CSV gathered before they are written out. */
    private static final int CHUNK = 64 * 1024;

    private final HttpApi api;
    private final AuditLog log;

    AuditRoutes(HttpApi api, AuditLog log) {
        this.api = api;
        this.log = log;
    }

    void mount(Router router) {
        router.get("/api/operator/audit").handler(this::page);
        router.get("/api/operator/audit.csv").handler(this::csv);
        router.get("/api/operator/audit/verify").handler(ctx -> api.run(ctx, () -> Reply.json(200, verificationJson(log.verify()))));
    }

    private static AuditQuery query(RoutingContext ctx) {
        for (String name : FILTERS) {
            if (ctx.queryParams().getAll(name).size() > 1) {
                throw new BadRequest("'" + name + "' is given more than once");
            }
        }
        try {
            return AuditFilters.parse(ctx.queryParams()::get);
        } catch (AuditFilters.Invalid e) {
            throw new BadRequest(e.getMessage());
        }
    }

    /**
     * Newest first. With only {@code after}, the page is the entries just after it (the next page
     * towards the present), still shown newest first; {@code older} and {@code newer} are the
     * {@code before} and {@code after} values of the neighbouring pages, null at either end.
     */
    private void page(RoutingContext ctx) {
        AuditQuery query = query(ctx);
        boolean towardsNow = query.after().isPresent() && query.before().isEmpty();
        api.run(ctx, () -> {
            List<AuditEntry> entries = new ArrayList<>(log.read(towardsNow ? query.oldestFirst() : query));
            if (towardsNow) {
                java.util.Collections.reverse(entries);
            }
            Long older = null;
            Long newer = null;
            if (!entries.isEmpty()) {
                long newest = entries.getFirst().sequence();
                long oldest = entries.getLast().sequence();
                AuditQuery one = query.filtersOnly();
                older = log.read(one.before(oldest)).isEmpty() ? null : oldest;
                newer = log.read(one.after(newest).oldestFirst()).isEmpty() ? null : newest;
            }
            return Reply.json(200, new JsonObject().put("entries", new JsonArray(entries.stream().map(AuditRoutes::entryJson).toList()))
                    .put("older", older).put("newer", newer));
        });
    }

    static JsonObject entryJson(AuditEntry e) {
        return new JsonObject().put("sequence", e.sequence()).put("at", e.at().toString()).put("actor", e.actor()).put("role", e.role())
                .put("action", e.action()).put("target", e.target()).put("before", state(e.before())).put("after", state(e.after()))
                .put("address", e.address()).put("previousHash", e.previousHash()).put("hash", e.hash());
    }

    /** A recorded state as the JSON it was written as (text that is not JSON, which the trail never writes, stays text). */
    private static Object state(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Json.decodeValue(text);
        } catch (DecodeException e) {
            return text;
        }
    }

    static JsonObject verificationJson(ChainCheck.Verification v) {
        JsonObject json = new JsonObject().put("ok", v.ok()).put("entries", v.entries())
                .put("head", new JsonObject().put("sequence", v.last().sequence()).put("hash", v.last().hash()));
        v.firstBroken().ifPresent(b -> json.put("firstBroken", new JsonObject().put("sequence", b.sequence()).put("reason", b.reason())));
        return json;
    }

    /**
     * Every matching entry, oldest first, streamed as it is read: a UTF-8 byte-order mark (so a
     * spreadsheet reads Korean text as UTF-8), the header row, the rows. A failure before the
     * first bytes is an ordinary problem answer; after them the connection is reset, so a cut
     * file is never taken for a whole one.
     */
    private void csv(RoutingContext ctx) {
        AuditQuery query = query(ctx);
        Context context = Vertx.currentContext();
        api.blockingWork().execute(() -> {
            StringBuilder chunk = new StringBuilder("\uFEFF").append(AuditCsv.header());
            boolean[] started = {false};
            try {
                log.readAll(query, e -> {
                    chunk.append(AuditCsv.row(e));
                    if (chunk.length() >= CHUNK) {
                        write(context, ctx, chunk.toString(), started, false);
                        chunk.setLength(0);
                    }
                });
                write(context, ctx, chunk.toString(), started, true);
            } catch (RuntimeException e) {
                if (!started[0]) {
                    context.runOnContext(v -> ctx.fail(e));
                } else {
                    LOG.warn("audit export cut short: {}", e.toString());
                    context.runOnContext(v -> ctx.response().reset());
                }
            }
        });
    }

    /** Writes {@code text} on the request's event loop and waits until it is handed to the connection. */
    private static void write(Context context, RoutingContext ctx, String text, boolean[] started, boolean last) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        boolean first = !started[0];
        started[0] = true;
        context.runOnContext(v -> {
            HttpServerResponse r = ctx.response();
            if (first) {
                r.setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
                        .putHeader("Content-Disposition", "attachment; filename=\"orderly-audit.csv\"");
            }
            (last ? r.end(text) : r.write(text)).onComplete(ar -> {
                if (ar.succeeded()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(ar.cause());
                }
            });
        });
        try {
            written.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("the audit export could not be sent: " + e.getCause(), e.getCause());
        }
    }
}
