package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.LineRecall;
import dev.orderly.gate.Ticket;
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
        PostgresRecallStore store = new PostgresRecallStore(db.pool());
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
            new PostgresRecallStore(db.pool()).arm(recall("r" + i, i));
        }
        // The first half of the line is due, the back half not yet (places come due in line order).
        List<List<LineRecall>> texted = Race.run(6, Duration.ofMinutes(1), node -> {
            PostgresRecallStore store = new PostgresRecallStore(db.pool());
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

        PostgresRecallStore later = new PostgresRecallStore(db.pool());
        assertThat(later.textDue(T0.plusSeconds(120), 1_000, r -> Optional.of("now"))).hasSize(places / 2)
                .allMatch(r -> r.ticket().sequence() > places / 2);
        assertThat(later.textDue(T0.plusSeconds(180), 1_000, r -> Optional.of("again"))).isEmpty();
        assertThat(later.find("r1").orElseThrow().textedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(db.count("SELECT count(*) FROM outbox WHERE kind = 'recall' AND person_id = 7 AND reference = 'line:booking'"))
                .isEqualTo(places);
    }

    @Test
    void aPlaceNearTheFrontIsTextedThoughManyFartherBackLeftTheLineBeforeIt() {
        PostgresRecallStore store = new PostgresRecallStore(db.pool());
        for (int i = 1; i <= 50; i++) {
            store.arm(recall("back" + i, 1_000 + i));
        }
        store.arm(recall("front", 3));

        List<LineRecall> texted = store.textDue(T0.plusSeconds(60), 40, r -> r.ticket().sequence() < 100 ? Optional.of("soon") : Optional.empty());

        assertThat(texted).extracting(LineRecall::id).containsExactly("front");
    }

    @Test
    void aLinkBindsToTheFirstBrowserOnly() {
        PostgresRecallStore store = new PostgresRecallStore(db.pool());
        store.arm(recall("a", 1));

        assertThat(store.bindBrowser("a", "browser-0000000000000001")).isTrue();
        assertThat(store.bindBrowser("a", "browser-0000000000000001")).isTrue();
        assertThat(store.bindBrowser("a", "browser-0000000000000002")).isFalse();
        assertThat(store.bindBrowser("nothing", "browser-0000000000000001")).isFalse();
        assertThat(store.find("a").orElseThrow().restoredBrowser()).isEqualTo("browser-0000000000000001");
    }

    private static LineRecall recall(String id, long sequence) {
        return new LineRecall(id, new Ticket("booking", sequence, T0, "browser-0000000000000000", "person:7"), 7, T0, null, "");
    }
}
