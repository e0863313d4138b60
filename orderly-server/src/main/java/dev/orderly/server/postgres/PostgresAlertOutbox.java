package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.SmsGateway;
import dev.orderly.privacy.PersonalData;
import dev.orderly.watch.Alert;
import dev.orderly.watch.AlertSink;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts on their way to the webhook and the on-call phones, through a table retried like the
 * booking outbox: a sink only writes a row (so the watchdog never waits on a receiver), and
 * {@link #relayDue} delivers what is due, leasing a batch first ({@code SKIP LOCKED}) so two
 * nodes never send the same row, and retrying a failure after 2^attempts seconds, at most ten
 * minutes. Delivery is at least once: a receiver may see an alert twice, never zero times while
 * the row stands.
 *
 * <p>The webhook gets JSON ({@link #json}); a phone gets one short line. The phone rows hold the
 * number's position in {@code ORDERLY_ALERT_SMS_TO}, never the number.
 */
public final class PostgresAlertOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresAlertOutbox.class);
    static final String WEBHOOK = "webhook";
    static final String SMS = "sms";
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    static final String MARK = """
            UPDATE alert_outbox SET sent_at = CASE WHEN $2::boolean THEN $3::timestamptz ELSE NULL END, attempts = attempts + 1,
                                    next_attempt_at = $4::timestamptz, last_error = $5::text
            WHERE id = $1""";

    private final Pool pool;
    private final Clock clock;
    private final Optional<URI> webhook;
    private final List<String> phones;
    private final SmsGateway sms;
    private final HttpClient http;

    /**
     * @param webhook where alerts are POSTed as JSON; empty for none
     * @param phones  on-call numbers (digits), each sent every alert; empty for none
     */
    public PostgresAlertOutbox(Pool pool, Clock clock, Optional<URI> webhook, List<String> phones, SmsGateway sms) {
        this.pool = pool;
        this.clock = clock;
        this.webhook = webhook;
        this.phones = List.copyOf(phones);
        this.sms = sms;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The sinks configured: the webhook if set, the phones if any. */
    public List<AlertSink> sinks() {
        List<AlertSink> sinks = new ArrayList<>();
        webhook.ifPresent(url -> sinks.add(alert -> write(List.of(Tuple.of(WEBHOOK, url.toString(), json(alert).encode())))));
        if (!phones.isEmpty()) {
            sinks.add(alert -> {
                List<Tuple> rows = new ArrayList<>();
                for (int i = 0; i < phones.size(); i++) {
                    rows.add(Tuple.of(SMS, Integer.toString(i), text(alert)));
                }
                write(rows);
            });
        }
        return sinks;
    }

    /** The webhook's body: stable field names a receiver can route on. */
    public static JsonObject json(Alert a) {
        return new JsonObject().put("source", "orderly").put("status", a.active() ? "firing" : "resolved").put("rule", a.rule())
                .put("subject", a.subject()).put("detail", a.detail()).put("runbook", "docs/runbook.md#" + a.runbook())
                .put("raisedAt", a.raisedAt().toString()).put("resolvedAt", a.resolved().map(Instant::toString).orElse(null));
    }

    static String text(Alert a) {
        return "[Orderly] " + (a.active() ? "ALERT " : "resolved ") + a.rule() + " (" + a.subject() + "): "
                + (a.active() ? a.detail() : "cleared") + " runbook#" + a.runbook();
    }

    private void write(List<Tuple> rows) {
        Instant now = clock.instant();
        List<Tuple> full = rows.stream().map(t -> Tuple.of(t.getString(0), t.getString(1), t.getString(2), PostgresBookingStore.utc(now)))
                .toList();
        await(pool.preparedQuery("""
                INSERT INTO alert_outbox (channel, destination, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)""")
                .executeBatch(full));
    }

    /** Delivers what is due; answers how many were delivered. Call from a thread that may block. */
    public int relayDue() {
        Instant now = clock.instant();
        RowSet<Row> leased = await(pool.preparedQuery("""
                UPDATE alert_outbox o SET next_attempt_at = $2
                FROM (SELECT id FROM alert_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED) due
                WHERE o.id = due.id
                RETURNING o.id, o.channel, o.destination, o.body, o.attempts""")
                .execute(Tuple.of(PostgresBookingStore.utc(now), PostgresBookingStore.utc(now.plus(LEASE)))));
        List<Tuple> marks = new ArrayList<>();
        int sent = 0;
        for (Row r : leased) {
            String error = null;
            try {
                deliver(r.getString("channel"), r.getString("destination"), r.getString("body"));
                sent++;
            } catch (RuntimeException | IOException e) {
                error = e.getClass().getSimpleName() + ": " + PersonalData.redact(String.valueOf(e.getMessage()));
                LOG.warn("alert {} not delivered by {} (attempt {}): {}", r.getLong("id"), r.getString("channel"), r.getInteger("attempts") + 1,
                        error);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            }
            Instant done = clock.instant();
            Instant next = done.plus(Duration.ofSeconds(Math.min(600, 1L << Math.min(r.getInteger("attempts") + 1, 10))));
            marks.add(Tuple.of(r.getLong("id"), error == null, PostgresBookingStore.utc(done), PostgresBookingStore.utc(next)).addString(error));
        }
        if (!marks.isEmpty()) {
            await(pool.preparedQuery(MARK).executeBatch(marks));
        }
        return sent;
    }

    private void deliver(String channel, String destination, String body) throws IOException, InterruptedException {
        switch (channel) {
            case WEBHOOK -> {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(destination)).timeout(TIMEOUT)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() / 100 != 2) {
                    throw new IOException("webhook answered " + answer.statusCode());
                }
            }
            case SMS -> {
                int i = Integer.parseInt(destination);
                if (i >= phones.size()) {
                    // ORDERLY_ALERT_SMS_TO got shorter since: the number is gone, nobody to send to.
                    throw new IllegalStateException("on-call number " + (i + 1) + " is no longer configured");
                }
                sms.send(phones.get(i), body);
            }
            default -> throw new IllegalStateException("unknown alert channel " + channel);
        }
    }

    /** Messages not yet delivered (for the metrics). */
    public long pending() {
        return await(pool.query("SELECT count(*) FROM alert_outbox WHERE sent_at IS NULL").execute()).iterator().next().getLong(0);
    }
}
