package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.Product;
import dev.orderly.booking.Reservation;
import dev.orderly.booking.StoreAnswer;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection breaks around COMMIT, on purpose (a proxy cuts it): every answer is what
 * committed, never what running the batch again against its own writes would say.
 */
class CommitOutcomeUnknownIT {

    private static final LocalDate DAY = LocalDate.of(2021, 8, 16);
    private static final Instant NOW = Instant.parse("2021-08-01T01:00:00Z");

    private PostgresTestDatabase db;
    private PostgresBookingStore store;
    private CommitCuttingProxy proxy;
    private Vertx vertx;
    private Pool throughProxy;

    @BeforeEach
    void start() throws IOException {
        db = PostgresTestDatabase.start();
        store = new PostgresBookingStore(db.pool(), PostgresBookingStore.Engine.LOCK_ROWS, 1, 1);
        store.saveProduct(new Product("PFZ", "Pfizer-BioNTech", 3, 5));
        store.saveClinic(new Clinic(1, "Alpha Clinic", "Seoul", "Jongno", "1 Jong-ro", Set.of("PFZ")));
        for (int d = 0; d < 6; d++) {
            store.setCapacity(1, DAY.plusDays(d), "PFZ", 10);
        }
        PgConnectOptions target = Database.connectOptions(db.database().jdbcUrl());
        proxy = new CommitCuttingProxy(target.getHost(), target.getPort());
        vertx = Vertx.vertx();
        throughProxy = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
                .connectingTo(new PgConnectOptions(target).setHost("127.0.0.1").setPort(proxy.port()).setUser("postgres").setPassword("")
                        .setCachePreparedStatements(true).setPipeliningLimit(256))
                .using(vertx).build();
    }

    @AfterEach
    void stop() throws IOException {
        throughProxy.close().toCompletionStage().toCompletableFuture().join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        proxy.close();
        store.close();
        db.close();
    }

    private static List<StoreAnswer> answers(List<CommandResult> results) {
        return results.stream().map(CommandResult::answerOrThrow).toList();
    }

    private static BookingCommand.Book book(long person, String reference) {
        return new BookingCommand.Book(new BookingRequest(person, 1, DAY, "PFZ"), null, reference, NOW);
    }

    @Test
    void aBatchWhoseCommitAnswerWasLostAnswersWhatCommitted() {
        store.book(new BookingRequest(1, 1, DAY, "PFZ"), null, "OR-HELD", NOW);
        proxy.arm(CommitCuttingProxy.Cut.AFTER_COMMIT);

        List<StoreAnswer> results = answers(new BookingTransaction(throughProxy, new BookingMetrics())
                .run(List.of(book(2, "OR-NEW"), new BookingCommand.Cancel(1, null, NOW))));

        assertThat(proxy.cut()).as("the answer to COMMIT was cut").isTrue();
        assertThat(results.get(0)).isInstanceOfSatisfying(BookingOutcome.Booked.class,
                b -> assertThat(b.reservation().reference()).isEqualTo("OR-NEW"));
        assertThat(results.get(1)).isInstanceOfSatisfying(CancelOutcome.Cancelled.class,
                c -> assertThat(c.reservation().reference()).isEqualTo("OR-HELD"));
        assertThat(store.active(2)).map(Reservation::reference).contains("OR-NEW");
        assertThat(store.active(1)).isEmpty();
        db.assertConsistent(store);
    }

    @Test
    void aBatchedBookingWhoseCommitAnswerWasLostIsAnsweredBooked() {
        try (PostgresBookingStore batched = new PostgresBookingStore(throughProxy, PostgresBookingStore.Engine.BATCHED, 1, 16)) {
            proxy.arm(CommitCuttingProxy.Cut.AFTER_COMMIT);

            BookingOutcome outcome = batched.book(new BookingRequest(3, 1, DAY, "PFZ"), null, "OR-LANE", NOW);

            assertThat(proxy.cut()).isTrue();
            assertThat(outcome).isInstanceOf(BookingOutcome.Booked.class);
            assertThat(store.active(3)).map(Reservation::reference).contains("OR-LANE");
            assertThat(db.count("SELECT count(*) FROM reservations WHERE person_id = 3")).isEqualTo(2);
        }
        db.assertConsistent(store);
    }

    @Test
    void aBatchWhoseCommitNeverArrivedRunsAgainAndCommitsOnce() {
        store.book(new BookingRequest(1, 1, DAY, "PFZ"), null, "OR-HELD", NOW);
        proxy.arm(CommitCuttingProxy.Cut.BEFORE_COMMIT);

        List<StoreAnswer> results = answers(new BookingTransaction(throughProxy, new BookingMetrics())
                .run(List.of(book(2, "OR-NEW"), new BookingCommand.Cancel(1, null, NOW))));

        assertThat(proxy.cut()).as("the COMMIT was cut").isTrue();
        assertThat(results.get(0)).isInstanceOf(BookingOutcome.Booked.class);
        assertThat(results.get(1)).isInstanceOf(CancelOutcome.Cancelled.class);
        assertThat(db.count("SELECT count(*) FROM reservations WHERE person_id = 2")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM outbox")).as("one confirmation per change").isEqualTo(3);
        db.assertConsistent(store);
    }
}
