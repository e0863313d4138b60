package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.identity.SmsGateway;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.server.DevSmsInbox;
import dev.orderly.server.TestPrivacy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo inbox in PostgreSQL: two inboxes on one database stand for two nodes. */
class PostgresDevSmsInboxIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T09:00:00Z"), ZoneOffset.UTC);
    private static PostgresTestDatabase db;

    private final KeyedHash phones = TestPrivacy.keys().phones();

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void empty() {
        db.sql("TRUNCATE dev_sms_recent, dev_sms_latest");
    }

    @Test
    void aCodeSentThroughOneNodeIsReadOnAnother() {
        DevSmsInbox nodeA = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);
        DevSmsInbox nodeB = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);

        nodeA.send("01012345678", "[Orderly] 인증번호 123456");

        assertThat(nodeB.latestTo("01012345678")).get().satisfies(m -> {
            assertThat(m.text()).isEqualTo("[Orderly] 인증번호 123456");
            assertThat(m.phoneLast4()).isEqualTo("5678");
            assertThat(m.maskedPhone()).doesNotContain("1234");
            assertThat(m.at()).isEqualTo(CLOCK.instant());
        });
        assertThat(nodeB.messages()).extracting(DevSmsInbox.Message::text).containsExactly("[Orderly] 인증번호 123456");
        assertThat(nodeB.latestTo("01099998888")).isEmpty();
    }

    @Test
    void thePhonesLatestMessageIsTheNewestWhicheverNodeSentIt() {
        DevSmsInbox nodeA = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);
        DevSmsInbox nodeB = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);

        nodeA.send("01012345678", "first");
        nodeB.send("01012345678", "second");
        nodeA.send("01055556666", "other");

        assertThat(nodeA.latestTo("01012345678")).get().extracting(DevSmsInbox.Message::text).isEqualTo("second");
        assertThat(nodeA.messages()).extracting(DevSmsInbox.Message::text).containsExactly("other", "second", "first");
    }

    @Test
    void theInboxStaysBoundedAndKeepsTheNewest() {
        PostgresDevSmsInbox inbox = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);
        int sent = PostgresDevSmsInbox.KEEP + 3 * PostgresDevSmsInbox.PRUNE_EVERY;
        for (int i = 0; i < sent; i++) {
            inbox.send(String.format("0101000%04d", i), "message " + i);
        }

        assertThat(count("dev_sms_recent")).isLessThanOrEqualTo(PostgresDevSmsInbox.KEEP + PostgresDevSmsInbox.PRUNE_EVERY);
        assertThat(inbox.messages()).hasSize(PostgresDevSmsInbox.KEEP).first().extracting(DevSmsInbox.Message::text)
                .isEqualTo("message " + (sent - 1));
        assertThat(count("dev_sms_latest")).isEqualTo(sent);
        assertThat(inbox.latestTo("01010000000")).get().extracting(DevSmsInbox.Message::text).isEqualTo("message 0");
    }

    @Test
    void manyTextsAtOnceAreEachKeptAndEachPhonesNewestIsItsLatest() {
        PostgresDevSmsInbox inbox = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);

        List<Optional<RuntimeException>> outcomes = inbox.sendAll(List.of(new SmsGateway.Sms("01012345678", "one"),
                new SmsGateway.Sms("01055556666", "two"), new SmsGateway.Sms("01012345678", "three"), new SmsGateway.Sms("01012345678", "three")));

        assertThat(outcomes).hasSize(4).allMatch(Optional::isEmpty);
        assertThat(inbox.messages()).extracting(DevSmsInbox.Message::text).containsExactly("three", "three", "two", "one");
        assertThat(inbox.latestTo("01012345678")).get().extracting(DevSmsInbox.Message::text).isEqualTo("three");
        assertThat(inbox.latestTo("01055556666")).get().extracting(DevSmsInbox.Message::text).isEqualTo("two");
    }

    @Test
    void textsSentAndReadAtOnceByManyCallersEachLandAndEachReaderGetsItsOwnPhonesText() throws Exception {
        PostgresDevSmsInbox inbox = new PostgresDevSmsInbox(db.pool(), phones, CLOCK);
        int callers = 80; // 160 texts: within what the recent list keeps
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String phone = String.format("0102000%04d", i);
                sends.add(threads.submit(() -> inbox.send(phone, "code for " + phone)));
                // The same text twice to one phone at once: two messages, not one.
                sends.add(threads.submit(() -> inbox.send("01030000000", "same")));
            }
            for (Future<?> f : sends) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<Future<Optional<DevSmsInbox.Message>>> reads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String phone = String.format("0102000%04d", i);
                reads.add(threads.submit(() -> inbox.latestTo(phone)));
            }
            for (int i = 0; i < callers; i++) {
                assertThat(reads.get(i).get(60, TimeUnit.SECONDS)).get().extracting(DevSmsInbox.Message::text)
                        .isEqualTo("code for " + String.format("0102000%04d", i));
            }
        }
        assertThat(count("dev_sms_latest")).isEqualTo(callers + 1);
        assertThat(Blocking.await(db.pool().query("SELECT count(*) FROM dev_sms_recent WHERE body = 'same'").execute()).iterator().next()
                .getLong(0)).isEqualTo(callers);
    }

    @Test
    void noWholePhoneNumberIsStored() {
        new PostgresDevSmsInbox(db.pool(), phones, CLOCK).send("01012345678", "hello");

        assertThat(rows("SELECT r::text FROM dev_sms_recent r") + rows("SELECT l::text FROM dev_sms_latest l")).doesNotContain("12345678");
    }

    private long count(String table) {
        return Blocking.await(db.pool().query("SELECT count(*) FROM " + table).execute()).iterator().next().getLong(0);
    }

    private String rows(String sql) {
        StringBuilder all = new StringBuilder();
        Blocking.await(db.pool().query(sql).execute()).forEach(r -> all.append(r.getString(0)).append('\n'));
        return all.toString();
    }
}
