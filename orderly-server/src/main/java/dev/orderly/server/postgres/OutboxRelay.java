package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.identity.SmsGateway;
import dev.orderly.privacy.FieldCipher;
import dev.orderly.privacy.PersonalData;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox messages through the SMS gateway, apart from booking, so a slow or failing
 * gateway never slows or fails a booking.
 *
 * <p>Delivery is at least once: a batch is first leased (its next attempt pushed a minute ahead,
 * in a short transaction with {@code SKIP LOCKED}, so several nodes can relay without taking the
 * same rows), then sent outside any transaction, then marked. A node that dies mid-batch leaves
 * the lease to run out, and the batch is sent again. A failed send is retried after 2^attempts
 * seconds, at most an hour.
 *
 * <p>Booking messages due go first; operators' messages to many people ({@code notice}) fill what
 * is left of a batch, so a message to a whole cohort never delays a confirmation behind it.
 *
 * <p>The phone number is unsealed only in memory, at sending; a message carrying its own sealed
 * number (a recall by phone: no resident behind it) gives it up once sent; an error text from the gateway is
 * stripped of anything like a phone number or code before it is logged or stored.
 */
public final class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration TURN = Duration.ofSeconds(1);

    /**
     * Marks a round's messages sent or failed, after their attempts, in one statement: one row of the
     * arrays per message (a batch of one statement per message cost PostgreSQL a statement per text).
     */
    static final String MARK = """
            UPDATE outbox o SET sent_at = CASE WHEN m.ok THEN m.done ELSE NULL END, attempts = o.attempts + 1,
                                next_attempt_at = m.next, last_error = m.error,
                                phone_sealed = CASE WHEN m.ok THEN NULL ELSE o.phone_sealed END,
                                phone_key_id = CASE WHEN m.ok THEN NULL ELSE o.phone_key_id END
            FROM unnest($1::bigint[], $2::boolean[], $3::timestamptz[], $4::timestamptz[], $5::text[]) AS m(id, ok, done, next, error)
            WHERE o.id = m.id""";

    /** One message's outcome, for {@link #MARK}. */
    private record Mark(long id, boolean ok, Instant done, Instant next, String error) {
    }

    private final Pool pool;
    private final SmsGateway sms;
    private final Clock clock;
    private final FieldCipher phones;

    public OutboxRelay(Pool pool, SmsGateway sms, Clock clock, FieldCipher phones) {
        this.pool = pool;
        this.sms = sms;
        this.clock = clock;
        this.phones = phones;
    }

    /** Sends one batch of what is due; returns how many messages were sent. Call from a non-event-loop thread. */
    public int relayDue() {
        return round().sent();
    }

    /**
     * Sends what is due, batch after batch while batches come full, at most {@code maxBatches} and no
     * new batch after a second (a slow gateway keeps a turn about as long as the timer's period);
     * returns how many were sent. One batch a turn of the relay's timer capped a node at 100 texts a
     * second, behind a burst of bookings (issue #17: 1,500 confirmations took 13 s to leave).
     */
    public int relayBacklog(int maxBatches) {
        long until = System.nanoTime() + TURN.toNanos();
        int sent = 0;
        for (int i = 0; i < maxBatches && (i == 0 || System.nanoTime() < until); i++) {
            Round r = round();
            sent += r.sent();
            if (r.leased() < BATCH) {
                break;
            }
        }
        return sent;
    }

    private record Round(int leased, int sent) {
    }

    private Round round() {
        Instant now = clock.instant();
        RowSet<Row> leased = await(pool.preparedQuery("""
                WITH bookings AS (SELECT id FROM outbox WHERE sent_at IS NULL AND kind <> 'notice' AND channel = 'sms' AND next_attempt_at <= $1
                                  ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED),
                     notices AS (SELECT id FROM outbox WHERE sent_at IS NULL AND kind = 'notice' AND channel = 'sms' AND next_attempt_at <= $1
                                 ORDER BY id LIMIT $3 - (SELECT count(*) FROM bookings) FOR UPDATE SKIP LOCKED)
                UPDATE outbox o SET next_attempt_at = $2
                FROM (SELECT id FROM bookings UNION ALL SELECT id FROM notices) due
                WHERE o.id = due.id
                RETURNING o.id, o.body, o.attempts,
                          COALESCE(o.phone_sealed, (SELECT phone_sealed FROM residents WHERE id = o.person_id)) AS phone_sealed,
                          COALESCE(o.phone_key_id, (SELECT phone_key_id FROM residents WHERE id = o.person_id)) AS phone_key_id,
                          (SELECT synthetic FROM residents WHERE id = o.person_id) AS synthetic""")
                .execute(Tuple.of(PostgresBookingStore.utc(now), PostgresBookingStore.utc(now.plus(LEASE)), BATCH)));
        List<Mark> marks = new ArrayList<>();
        List<Row> sending = new ArrayList<>();
        List<SmsGateway.Sms> texts = new ArrayList<>();
        for (Row r : leased) {
            if (Boolean.TRUE.equals(r.getBoolean("synthetic"))) {
                // The canary's confirmations: marked sent, never texted to its number that nobody holds.
                Instant at = clock.instant();
                marks.add(new Mark(r.getLong("id"), true, at, at, null));
                continue;
            }
            try {
                Buffer sealed = r.getBuffer("phone_sealed");
                if (sealed == null) {
                    throw new IllegalStateException("resident no longer in the registry");
                }
                texts.add(new SmsGateway.Sms(phones.open(r.getString("phone_key_id"), sealed.getBytes()), r.getString("body")));
                sending.add(r);
            } catch (RuntimeException e) {
                marks.add(outcome(r, Optional.of(e)));
            }
        }
        // The round's texts go to the gateway together: the demo inbox takes them in one statement, a
        // bulk API in one call, where one at a time cost a statement or a round trip each.
        List<Optional<RuntimeException>> outcomes;
        try {
            outcomes = texts.isEmpty() ? List.of() : sms.sendAll(texts);
        } catch (RuntimeException e) {
            outcomes = Collections.nCopies(texts.size(), Optional.of(e));
        }
        int sent = 0;
        for (int i = 0; i < sending.size(); i++) {
            Optional<RuntimeException> failure = i < outcomes.size() ? outcomes.get(i)
                    : Optional.of(new IllegalStateException("the gateway answered " + outcomes.size() + " of " + texts.size() + " texts"));
            marks.add(outcome(sending.get(i), failure));
            sent += failure.isEmpty() ? 1 : 0;
        }
        if (!marks.isEmpty()) {
            await(pool.preparedQuery(MARK).execute(Tuple.of(
                    marks.stream().map(Mark::id).toArray(Long[]::new),
                    marks.stream().map(Mark::ok).toArray(Boolean[]::new),
                    marks.stream().map(m -> PostgresBookingStore.utc(m.done())).toArray(OffsetDateTime[]::new),
                    marks.stream().map(m -> PostgresBookingStore.utc(m.next())).toArray(OffsetDateTime[]::new),
                    marks.stream().map(Mark::error).toArray(String[]::new))));
        }
        return new Round(leased.size(), sent);
    }

    /** A leased message's mark after its sending: sent, or due again after 2^attempts seconds, with the error redacted. */
    private Mark outcome(Row r, Optional<RuntimeException> failure) {
        long id = r.getLong("id");
        int attempts = r.getInteger("attempts");
        String error = failure.map(e -> e.getClass().getSimpleName() + ": " + PersonalData.redact(e.getMessage())).orElse(null);
        if (error != null) {
            LOG.warn("outbox message {} not delivered (attempt {}): {}", id, attempts + 1, error);
        }
        Instant done = clock.instant();
        Instant next = done.plus(Duration.ofSeconds(Math.min(3600, 1L << Math.min(attempts + 1, 12))));
        return new Mark(id, error == null, done, next, error);
    }

    /** Messages not yet sent (for the operator's figures). */
    public long pending() {
        return await(pool.query("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND channel = 'sms'").execute()).iterator().next().getLong(0);
    }
}
