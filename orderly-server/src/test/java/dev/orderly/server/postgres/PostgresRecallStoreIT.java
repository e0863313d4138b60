package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.LineRecall;
import dev.orderly.gate.Ticket;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestPrivacy;
import dev.orderly.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The recall store on PostgreSQL: a place is armed once; watchers on many nodes at once (stores on
 * one database, racing) text every due recall exactly once, each text queued in the outbox with
 * its mark; a recall not due stays for later; a link binds to one browser.
 */
class PostgresRecallStoreIT {

    private static final Instant T0 = Instant.parse("2021-07-26T11:00:00Z");
    private static final PrivacyKeys KEYS = TestPrivacy.keys();
    private static PostgresTestDatabase db;

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
        db.sql("TRUNCATE line_recalls, outbox");
    }

    @Test
    void aPlaceIsArmedOnceAndComesBackWhole() {
        PostgresRecallStore store = store();
        LineRecall first = recall("a", 42);

        assertThat(store.arm(first)).isEqualTo(first);
        assertThat(store.arm(new LineRecall("b", first.ticket(), 8, T0.plusSeconds(5), null, ""))).isEqualTo(first);
        assertThat(store.find("a")).contains(first);
        assertThat(store.find("b")).isEmpty();
    }

    @Test
    void racingWatchersTextEveryDueRecallExactlyOnceAndLeaveTheOthers() {
        int places = 300;
        for (int i = 1; i <= places; i++) {
            store().arm(recall("r" + i, i));
        }
        // The first half of the line is due, the back half not yet (places come due in line order).
        List<List<LineRecall>> texted = Race.run(6, Duration.ofMinutes(1), node -> {
            PostgresRecallStore store = store();
            List<LineRecall> mine = new java.util.ArrayList<>();
            for (int round = 0; round < 10; round++) {
                mine.addAll(store.textDue(T0.plusSeconds(60), 40, r -> r.ticket().sequence() <= places / 2
                        ? Optional.of("text for " + r.id()) : Optional.empty()));
            }
            return mine;
        });

        List<String> ids = texted.stream().flatMap(List::stream).map(LineRecall::id).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(places / 2);
        assertThat(db.count("SELECT count(*) FROM outbox WHERE kind = 'recall'")).isEqualTo(places / 2);
        assertThat(db.count("SELECT count(DISTINCT body) FROM outbox WHERE kind = 'recall'")).isEqualTo(places / 2);
        assertThat(db.count("SELECT count(*) FROM line_recalls WHERE texted_at IS NOT NULL")).isEqualTo(places / 2);
        Set<Long> textedNumbers = texted.stream().flatMap(List::stream).map(r -> r.ticket().sequence()).collect(Collectors.toSet());
        assertThat(textedNumbers).allMatch(n -> n <= places / 2);

        PostgresRecallStore later = store();
        assertThat(later.textDue(T0.plusSeconds(120), 1_000, r -> Optional.of("now"))).hasSize(places / 2)
                .allMatch(r -> r.ticket().sequence() > places / 2);
        assertThat(later.textDue(T0.plusSeconds(180), 1_000, r -> Optional.of("again"))).isEmpty();
        assertThat(later.find("r1").orElseThrow().textedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(db.count("SELECT count(*) FROM outbox WHERE kind = 'recall' AND person_id = 7 AND reference = 'line:booking'"))
                .isEqualTo(places);
    }

    @Test
    void aPlaceNearTheFrontIsTextedThoughManyFartherBackLeftTheLineBeforeIt() {
        PostgresRecallStore store = store();
        for (int i = 1; i <= 50; i++) {
            store.arm(recall("back" + i, 1_000 + i));
        }
        store.arm(recall("front", 3));

        List<LineRecall> texted = store.textDue(T0.plusSeconds(60), 40, r -> r.ticket().sequence() < 100 ? Optional.of("soon") : Optional.empty());

        assertThat(texted).extracting(LineRecall::id).containsExactly("front");
    }

    @Test
    void aLinkBindsToTheFirstBrowserOnly() {
        PostgresRecallStore store = store();
        store.arm(recall("a", 1));

        assertThat(store.bindBrowser("a", "browser-0000000000000001")).isTrue();
        assertThat(store.bindBrowser("a", "browser-0000000000000001")).isTrue();
        assertThat(store.bindBrowser("a", "browser-0000000000000002")).isFalse();
        assertThat(store.bindBrowser("nothing", "browser-0000000000000001")).isFalse();
        assertThat(store.find("a").orElseThrow().restoredBrowser()).isEqualTo("browser-0000000000000001");
    }

    @Test
    void aNumberWaitsForOnePlacePerGateIsKeptSealedAndIsGoneOnceTextedAndSent() {
        PostgresRecallStore store = store();
        String phone = "01012345678";
        LineRecall first = byPhone("p1", 5, phone);
        assertThat(store.arm(first)).isEqualTo(first);
        assertThat(store.arm(byPhone("p2", 6, phone))).as("one recall per phone per gate").isEqualTo(first);
        assertThat(store.find("p2")).isEmpty();
        assertThat(store.arm(byPhone("p3", 6, "01099998888")).phone()).isEqualTo("01099998888");
        assertThat(db.count("SELECT count(*) FROM line_recalls WHERE position('12345678' in encode(phone_sealed, 'escape')) > 0"))
                .as("sealed, not in the clear").isZero();

        assertThat(store.textDue(T0.plusSeconds(60), 10, r -> r.id().equals("p1") ? Optional.of("come back") : Optional.empty()))
                .extracting(LineRecall::id).containsExactly("p1");
        assertThat(store.find("p1").orElseThrow().phone()).isEmpty();
        assertThat(db.count("SELECT count(*) FROM line_recalls WHERE id = 'p1' AND phone_sealed IS NULL AND phone_hash IS NULL")).isEqualTo(1);
        assertThat(store.arm(byPhone("p4", 7, phone)).id()).as("the number is free again once texted").isEqualTo("p4");

        List<String> sentTo = new java.util.concurrent.CopyOnWriteArrayList<>();
        OutboxRelay relay = new OutboxRelay(db.pool(), (to, text) -> sentTo.add(to + " " + text),
                java.time.Clock.fixed(T0.plusSeconds(61), java.time.ZoneOffset.UTC), KEYS.phoneCipher());
        assertThat(relay.relayDue()).isEqualTo(1);
        assertThat(sentTo).containsExactly(phone + " come back");
        assertThat(db.count("SELECT count(*) FROM outbox WHERE phone_sealed IS NOT NULL OR phone_key_id IS NOT NULL"))
                .as("the outbox's copy is gone once sent").isZero();
    }

    @Test
    void aRecallByPhoneThatWasNeverTextedIsForgottenAfterTheNightAndAVerifiedOneIsKept() {
        PostgresRecallStore store = store();
        store.arm(byPhone("abandoned", 30, "01011112222"));
        store.arm(recall("verified", 31));
        store.arm(new LineRecall("recent", new Ticket("identity", 32, T0, "browser-0000000000000000", ""), 0, T0.plusSeconds(7_200), null,
                "", "01033334444"));

        assertThat(store.forgetAbandoned(T0.plusSeconds(3_600))).isPositive();

        assertThat(store.find("abandoned")).isEmpty();
        assertThat(store.find("verified")).isPresent();
        assertThat(store.find("recent").orElseThrow().phone()).isEqualTo("01033334444");
        assertThat(store.arm(byPhone("again", 33, "01011112222")).id()).as("the number is free again").isEqualTo("again");
    }

    private static PostgresRecallStore store() {
        return new PostgresRecallStore(db.pool(), KEYS.phoneCipher(), KEYS.secret());
    }

    private static LineRecall byPhone(String id, long sequence, String phone) {
        return new LineRecall(id, new Ticket("identity", sequence, T0, "browser-0000000000000000", ""), 0, T0, null, "", phone);
    }

    private static LineRecall recall(String id, long sequence) {
        return new LineRecall(id, new Ticket("booking", sequence, T0, "browser-0000000000000000", "person:7"), 7, T0, null, "");
    }
}
