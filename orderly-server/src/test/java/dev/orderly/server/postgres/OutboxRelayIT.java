package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.Clinic;
import dev.orderly.booking.Product;
import dev.orderly.identity.SmsGateway;
import dev.orderly.privacy.FieldCipher;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.TestPrivacy;
import dev.orderly.time.MutableClock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Confirmations leave through the outbox: retried with back-off, marked sent, and never in the way of booking. */
class OutboxRelayIT {

    private static final LocalDate DAY = LocalDate.of(2021, 8, 16);

    private final MutableClock clock = MutableClock.at("2021-08-01T01:00:00Z");
    private static final PrivacyKeys KEYS = TestPrivacy.keys();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private PostgresTestDatabase db;
    private PostgresBookingStore store;

    @BeforeEach
    void start() {
        db = PostgresTestDatabase.start();
        insertResident(1, "홍길동", "1964-05-05", "01012345678");
        insertResident(2, "김철수", "1965-01-01", "01098765432");
        store = new PostgresBookingStore(db.pool());
        store.saveProduct(new Product("PFZ", "Pfizer-BioNTech", 3, 5));
        store.saveClinic(new Clinic(1, "Alpha Clinic", "Seoul", "Jongno", "1 Jong-ro", Set.of("PFZ")));
        for (int d = 0; d < 6; d++) {
            store.setCapacity(1, DAY.plusDays(d), "PFZ", 10);
        }
    }

    /** A resident as the registry keeps one: the phone sealed, a keyed hash to find it by. */
    private void insertResident(long id, String name, String birthDate, String phone) {
        FieldCipher.Sealed sealed = KEYS.phoneCipher().seal(phone);
        try (java.sql.Connection c = db.database().jdbc(); java.sql.PreparedStatement ps = c.prepareStatement(
                "INSERT INTO residents (id, name, birth_date, phone_hash, phone_sealed, phone_key_id) VALUES (?, ?, ?::date, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, name);
            ps.setString(3, birthDate);
            ps.setBytes(4, KEYS.phones().of(phone));
            ps.setBytes(5, sealed.bytes());
            ps.setString(6, sealed.keyId());
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        store.close();
        db.close();
    }

    private final SmsGateway gateway = (phone, text) -> {
        if (failing.get()) {
            throw new SmsGateway.SmsDeliveryException("gateway down", null);
        }
        delivered.add(phone + ": " + text);
    };

    @Test
    void aFailedSendIsRetriedAfterItsBackOffAndThenMarkedSent() {
        BookingOutcome.Booked booked = (BookingOutcome.Booked) store.book(new BookingRequest(1, 1, DAY, "PFZ"), "k", "OR-OUTBOX1", clock.instant());
        OutboxRelay relay = new OutboxRelay(db.pool(), gateway, clock, KEYS.phoneCipher());
        failing.set(true);

        assertThat(relay.relayDue()).isZero();
        assertThat(db.count("SELECT attempts FROM outbox")).isEqualTo(1);
        assertThat(relay.pending()).isEqualTo(1);
        assertThat(relay.relayDue()).as("not due again before its back-off").isZero();
        assertThat(db.count("SELECT attempts FROM outbox")).isEqualTo(1);

        failing.set(false);
        clock.advance(Duration.ofSeconds(2));
        assertThat(relay.relayDue()).isEqualTo(1);

        assertThat(delivered).singleElement().asString().startsWith("01012345678: ").contains(booked.reservation().reference());
        assertThat(relay.pending()).isZero();
        assertThat(db.count("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 2")).isEqualTo(1);
        assertThat(relay.relayDue()).isZero();
        assertThat(delivered).hasSize(1);
    }

    @Test
    void anOperatorsMessageToManyPeopleGoesOutAfterTheBookingMessagesDue() {
        // 150 copies of a notice queued first (more than a batch), then a booking's confirmation.
        db.sql("INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at) "
                + "SELECT 'notice', 2, 'MSG-1', '[Orderly] 2차 접종일 변경', '2021-07-31T00:00:00Z', '2021-07-31T00:00:00Z' FROM generate_series(1, 150)");
        BookingOutcome.Booked booked = (BookingOutcome.Booked) store.book(new BookingRequest(1, 1, DAY, "PFZ"), "k", "OR-OUTBOX4", clock.instant());
        OutboxRelay relay = new OutboxRelay(db.pool(), gateway, clock, KEYS.phoneCipher());

        assertThat(relay.relayDue()).isEqualTo(100);
        assertThat(delivered).as("the confirmation in the first batch, whatever order the batch is sent in")
                .filteredOn(m -> m.startsWith("01012345678: ")).singleElement().asString().contains(booked.reservation().reference());
        assertThat(delivered).filteredOn(m -> m.equals("01098765432: [Orderly] 2차 접종일 변경")).hasSize(99);
        assertThat(relay.relayDue()).as("the rest of the notices").isEqualTo(51);
        assertThat(relay.pending()).isZero();
    }

    @Test
    void aBacklogGoesOutBatchAfterBatchInOneTurnUpToItsLimit() {
        db.sql("INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at) "
                + "SELECT 'notice', 2, 'MSG-2', '[Orderly] 안내', '2021-07-31T00:00:00Z', '2021-07-31T00:00:00Z' FROM generate_series(1, 450)");
        OutboxRelay relay = new OutboxRelay(db.pool(), gateway, clock, KEYS.phoneCipher());

        assertThat(relay.relayBacklog(3)).as("three full batches, then the turn ends").isEqualTo(300);
        assertThat(relay.pending()).isEqualTo(150);
        assertThat(relay.relayBacklog(50)).as("a batch that is not full ends the turn").isEqualTo(150);
        assertThat(relay.pending()).isZero();
        assertThat(relay.relayBacklog(50)).isZero();
        assertThat(delivered).hasSize(450);
    }

    @Test
    void aRoundsTextsGoToTheGatewayTogetherAndOnlyTheOnesItRefusedAreDueAgain() {
        BookingOutcome.Booked first = (BookingOutcome.Booked) store.book(new BookingRequest(1, 1, DAY, "PFZ"), null, "OR-BULK1", clock.instant());
        store.book(new BookingRequest(2, 1, DAY, "PFZ"), null, "OR-BULK2", clock.instant());
        List<List<SmsGateway.Sms>> calls = new CopyOnWriteArrayList<>();
        SmsGateway bulk = bulkOnly(messages -> {
            calls.add(messages);
            return messages.stream().map(m -> m.phone().equals("01098765432") && failing.get()
                    ? Optional.<RuntimeException>of(new SmsGateway.SmsDeliveryException("number unreachable 01098765432", null))
                    : Optional.<RuntimeException>empty()).toList();
        });
        OutboxRelay relay = new OutboxRelay(db.pool(), bulk, clock, KEYS.phoneCipher());
        failing.set(true);

        assertThat(relay.relayDue()).isEqualTo(1);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).hasSize(2);
        assertThat(db.count("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND reference = '" + first.reservation().reference() + "'"))
                .isEqualTo(1);
        assertThat(relay.pending()).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM outbox WHERE last_error LIKE '%unreachable%' AND last_error NOT LIKE '%98765432%'"))
                .as("the gateway's error stored, the number redacted").isEqualTo(1);

        failing.set(false);
        clock.advance(Duration.ofSeconds(2));
        assertThat(relay.relayDue()).isEqualTo(1);
        assertThat(calls.get(1)).singleElement().extracting(SmsGateway.Sms::phone).isEqualTo("01098765432");
        assertThat(relay.pending()).isZero();
    }

    @Test
    void aGatewayThatFailsAWholeRoundLosesNoneOfIt() {
        store.book(new BookingRequest(1, 1, DAY, "PFZ"), null, "OR-BULK3", clock.instant());
        store.book(new BookingRequest(2, 1, DAY, "PFZ"), null, "OR-BULK4", clock.instant());
        SmsGateway down = bulkOnly(messages -> {
            if (failing.get()) {
                throw new SmsGateway.SmsDeliveryException("bulk endpoint down", null);
            }
            messages.forEach(m -> delivered.add(m.phone()));
            return messages.stream().map(m -> Optional.<RuntimeException>empty()).toList();
        });
        OutboxRelay relay = new OutboxRelay(db.pool(), down, clock, KEYS.phoneCipher());
        failing.set(true);

        assertThat(relay.relayDue()).isZero();
        assertThat(relay.pending()).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM outbox WHERE attempts = 1 AND last_error LIKE '%bulk endpoint down%'")).isEqualTo(2);

        failing.set(false);
        clock.advance(Duration.ofSeconds(2));
        assertThat(relay.relayDue()).isEqualTo(2);
        assertThat(delivered).containsExactlyInAnyOrder("01012345678", "01098765432");
        assertThat(relay.pending()).isZero();
    }

    /** A gateway taking texts only in bulk: the relay must not send a round's texts one by one. */
    private static SmsGateway bulkOnly(Function<List<SmsGateway.Sms>, List<Optional<RuntimeException>>> sendAll) {
        return new SmsGateway() {
            @Override
            public void send(String phone, String text) {
                throw new AssertionError("texts of a round go together");
            }

            @Override
            public List<Optional<RuntimeException>> sendAll(List<SmsGateway.Sms> messages) {
                return sendAll.apply(messages);
            }
        };
    }

    @Test
    void aStuckGatewayDoesNotHoldUpBooking() throws Exception {
        store.book(new BookingRequest(1, 1, DAY, "PFZ"), null, "OR-OUTBOX2", clock.instant());
        CountDownLatch inGateway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        OutboxRelay relay = new OutboxRelay(db.pool(), (phone, text) -> {
            inGateway.countDown();
            try {
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivered.add(text);
        }, clock, KEYS.phoneCipher());
        // Own threads: the common pool may have a single worker on a 2-core machine.
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        CompletableFuture<Integer> relaying = CompletableFuture.supplyAsync(relay::relayDue, threads);
        assertThat(inGateway.await(60, TimeUnit.SECONDS)).isTrue();

        BookingOutcome second = CompletableFuture.supplyAsync(() -> store.book(new BookingRequest(2, 1, DAY, "PFZ"), null, "OR-OUTBOX3",
                clock.instant()), threads).get(60, TimeUnit.SECONDS);

        assertThat(second).isInstanceOf(BookingOutcome.Booked.class);
        assertThat(relaying).isNotDone();
        release.countDown();
        assertThat(relaying.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(relay.pending()).isEqualTo(1);
        threads.shutdown();
    }
}
