package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.server.DevSmsInbox;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;

/**
 * The demo inbox in PostgreSQL, shared by every node.
 *
 * <p>A message is one statement: appended to the recent list and made the phone's latest unless a
 * newer one got there first (ids come from one sequence, so two nodes texting one phone at once
 * leave the newer text as its latest). Bounded without a lock: every {@link #PRUNE_EVERY}th
 * message a node sends it cuts the recent list back to {@link #KEEP} and the phones back to those
 * texted within the last {@link #KEEP_PHONES} messages, so the tables exceed those by at most
 * {@code PRUNE_EVERY} rows per node.
 * Phones are stored as their keyed hash only; what the page shows (masked number, last four
 * digits) is stored as shown.
 */
public final class PostgresDevSmsInbox implements DevSmsInbox {

    /** Messages the page lists. */
    public static final int KEEP = 200;
    /** Phones whose latest message is kept: bounded, so a long load test cannot fill the disk. */
    public static final int KEEP_PHONES = 100_000;
    static final int PRUNE_EVERY = 64;

    private final Pool pool;
    private final KeyedHash phones;
    private final Clock clock;
    private final AtomicLong sent = new AtomicLong();

    public PostgresDevSmsInbox(Pool pool, KeyedHash phones, Clock clock) {
        this.pool = pool;
        this.phones = phones;
        this.clock = clock;
    }

    @Override
    public void send(String phone, String text) {
        OffsetDateTime at = clock.instant().atOffset(ZoneOffset.UTC);
        await(pool.preparedQuery("""
                WITH m AS (
                    INSERT INTO dev_sms_recent (phone_hash, sent_at, masked, last4, body) VALUES ($1, $2, $3, $4, $5)
                    RETURNING id, phone_hash, sent_at, masked, last4, body)
                INSERT INTO dev_sms_latest AS l (phone_hash, id, sent_at, masked, last4, body)
                SELECT phone_hash, id, sent_at, masked, last4, body FROM m
                ON CONFLICT (phone_hash) DO UPDATE
                    SET id = excluded.id, sent_at = excluded.sent_at, masked = excluded.masked, last4 = excluded.last4, body = excluded.body
                    WHERE l.id < excluded.id""")
                .execute(Tuple.of(phones.of(phone), at, PhoneNumbers.mask(phone), phone.substring(Math.max(0, phone.length() - 4)), text)));
        if (sent.incrementAndGet() % PRUNE_EVERY == 0) {
            prune();
        }
    }

    @Override
    public List<Message> messages() {
        return StreamSupport.stream(await(pool.preparedQuery("SELECT sent_at, masked, last4, body FROM dev_sms_recent ORDER BY id DESC LIMIT " + KEEP)
                        .execute()).spliterator(), false)
                .map(PostgresDevSmsInbox::message).toList();
    }

    @Override
    public Optional<Message> latestTo(String phone) {
        var rows = await(pool.preparedQuery("SELECT sent_at, masked, last4, body FROM dev_sms_latest WHERE phone_hash = $1")
                .execute(Tuple.of(phones.of(phone))));
        return rows.size() == 0 ? Optional.empty() : Optional.of(message(rows.iterator().next()));
    }

    /** Cuts both tables back to their bounds. */
    void prune() {
        await(pool.preparedQuery("DELETE FROM dev_sms_recent WHERE id < (SELECT id FROM dev_sms_recent ORDER BY id DESC OFFSET "
                + (KEEP - 1) + " LIMIT 1)").execute());
        // By the id, not by counting rows down to the 100,000th (5 ms a prune): each message takes one
        // id, so the phones whose latest text is among the last KEEP_PHONES ids are at most that many.
        await(pool.preparedQuery("DELETE FROM dev_sms_latest WHERE id <= (SELECT max(id) FROM dev_sms_latest) - " + KEEP_PHONES).execute());
    }

    private static Message message(Row r) {
        return new Message(r.getOffsetDateTime("sent_at").toInstant(), r.getString("masked"), r.getString("last4"), r.getString("body"));
    }
}
