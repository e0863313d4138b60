package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.server.DevSmsInbox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

/**
 * The demo inbox in PostgreSQL, shared by every node.
 *
 * <p>Messages go in as one statement ({@link #INSERT_ALL}): appended to the recent list and made
 * the phone's latest unless a newer one got there first (ids come from one sequence, so two nodes
 * texting one phone at once leave the newer text as its latest). Texts sent while one statement is
 * in flight go together in the next ({@link BatchedWrites}), and the relay's round of confirmations
 * in one; reads of many phones' latest texts likewise ({@link BatchedReads}). Under a walk's load
 * the inbox cost three statements a citizen (issue #17), though it only stands in for a gateway.
 *
 * <p>Bounded without a lock: every {@link #PRUNE_EVERY}th message a node sends it cuts the recent list back to {@link #KEEP} and the phones back to those
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
    private final AtomicLong pendingNumbers = new AtomicLong();
    private final BatchedWrites<Pending, Boolean> writes = new BatchedWrites<>(this::insertAll, 256);
    private final BatchedReads<String, Message> latestReads = new BatchedReads<>(this::latestAmong, 256);

    /** A text on its way, numbered so that two equal texts sent at once stay two. */
    private record Pending(long number, Sms sms) {
    }

    public PostgresDevSmsInbox(Pool pool, KeyedHash phones, Clock clock) {
        this.pool = pool;
        this.phones = phones;
        this.clock = clock;
    }

    @Override
    public void send(String phone, String text) {
        writes.insert(new Pending(pendingNumbers.incrementAndGet(), new Sms(phone, text)));
        counted(1);
    }

    /** All of {@code messages} in one statement: all handed over, or (the statement failed) none. */
    @Override
    public List<Optional<RuntimeException>> sendAll(List<Sms> messages) {
        long first = pendingNumbers.getAndAdd(messages.size()) + 1;
        List<Pending> batch = IntStream.range(0, messages.size()).mapToObj(i -> new Pending(first + i, messages.get(i))).toList();
        Optional<RuntimeException> outcome;
        try {
            await(insertAll(batch));
            outcome = Optional.empty();
        } catch (RuntimeException e) {
            outcome = Optional.of(e);
        }
        if (outcome.isEmpty()) {
            counted(messages.size());
        }
        return Collections.nCopies(messages.size(), outcome);
    }

    /** One statement for the messages of many callers; each answers {@code true}. */
    private Future<Map<Pending, Boolean>> insertAll(List<Pending> batch) {
        Instant now = clock.instant();
        Tuple columns = Tuple.of(
                batch.stream().map(p -> Buffer.buffer(phones.of(p.sms().phone()))).toArray(Buffer[]::new),
                batch.stream().map(p -> now.atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new),
                batch.stream().map(p -> PhoneNumbers.mask(p.sms().phone())).toArray(String[]::new),
                batch.stream().map(p -> last4(p.sms().phone())).toArray(String[]::new),
                batch.stream().map(p -> p.sms().text()).toArray(String[]::new));
        return pool.preparedQuery(INSERT_ALL).execute(columns).map(done -> {
            Map<Pending, Boolean> all = new HashMap<>();
            batch.forEach(p -> all.put(p, Boolean.TRUE));
            return all;
        });
    }

    /**
     * Appended to the recent list in their order (ids from one sequence), and each phone's newest of
     * them made its latest unless a newer one got there first. Phones in order, so two statements
     * updating the same phones lock them in the same order.
     */
    static final String INSERT_ALL = """
            WITH m AS (
                INSERT INTO dev_sms_recent (phone_hash, sent_at, masked, last4, body)
                SELECT phone_hash, sent_at, masked, last4, body
                FROM unnest($1::bytea[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])
                     WITH ORDINALITY AS t(phone_hash, sent_at, masked, last4, body, n)
                ORDER BY n
                RETURNING id, phone_hash, sent_at, masked, last4, body)
            INSERT INTO dev_sms_latest AS l (phone_hash, id, sent_at, masked, last4, body)
            SELECT DISTINCT ON (phone_hash) phone_hash, id, sent_at, masked, last4, body FROM m ORDER BY phone_hash, id DESC
            ON CONFLICT (phone_hash) DO UPDATE
                SET id = excluded.id, sent_at = excluded.sent_at, masked = excluded.masked, last4 = excluded.last4, body = excluded.body
                WHERE l.id < excluded.id""";

    private void counted(int messages) {
        long before = sent.getAndAdd(messages);
        if ((before + messages) / PRUNE_EVERY > before / PRUNE_EVERY) {
            prune();
        }
    }

    private static String last4(String phone) {
        return phone.substring(Math.max(0, phone.length() - 4));
    }

    @Override
    public List<Message> messages() {
        return StreamSupport.stream(await(pool.preparedQuery("SELECT sent_at, masked, last4, body FROM dev_sms_recent ORDER BY id DESC LIMIT " + KEEP)
                        .execute()).spliterator(), false)
                .map(PostgresDevSmsInbox::message).toList();
    }

    @Override
    public Optional<Message> latestTo(String phone) {
        return Optional.ofNullable(latestReads.get(phone));
    }

    private Future<Map<String, Message>> latestAmong(List<String> phoneNumbers) {
        Map<String, String> byHash = new HashMap<>();
        Buffer[] hashes = new Buffer[phoneNumbers.size()];
        for (int i = 0; i < hashes.length; i++) {
            byte[] hash = phones.of(phoneNumbers.get(i));
            byHash.put(HexFormat.of().formatHex(hash), phoneNumbers.get(i));
            hashes[i] = Buffer.buffer(hash);
        }
        return BatchedReads.byKey(pool.preparedQuery("SELECT phone_hash, sent_at, masked, last4, body FROM dev_sms_latest WHERE phone_hash = ANY($1)")
                .execute(Tuple.of((Object) hashes)), r -> byHash.get(HexFormat.of().formatHex(r.getBuffer("phone_hash").getBytes())),
                PostgresDevSmsInbox::message);
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
