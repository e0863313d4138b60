package dev.orderly.server;

import dev.orderly.booking.BookingReferences;
import dev.orderly.booking.BookingService;
import dev.orderly.eligibility.Cohort;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.InMemoryGateStore;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.identity.InMemoryChallengeStore;
import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.identity.SessionTokens;
import dev.orderly.server.demo.DemoData;
import dev.orderly.server.http.DevRoutes;
import dev.orderly.server.http.HttpApi;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.OutboxRelay;
import dev.orderly.server.postgres.PostgresBookingStore;
import dev.orderly.server.postgres.PostgresCohortStore;
import dev.orderly.server.postgres.PostgresResidentRegistry;
import dev.orderly.server.postgres.PostgresSpecialGroupStore;
import dev.orderly.server.http.BookingOperations;
import dev.orderly.eligibility.SpecialGroupUpload;
import dev.orderly.token.SigningKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Orderly: database (embedded or external), demo data, gate, identity, booking and
 * the HTTP server, wired together. {@link #start} returns when the server listens.
 */
public final class OrderlyApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderlyApp.class);
    private static final long TICK_MILLIS = 100;
    private static final long RELAY_MILLIS = 1000;

    private final Vertx vertx;
    private final Database database;
    private final HttpServer server;
    private final ExecutorService blockingWork;
    private final DevSmsInbox inbox;
    private final PostgresBookingStore bookingStore;

    private OrderlyApp(Vertx vertx, Database database, HttpServer server, ExecutorService blockingWork, DevSmsInbox inbox,
                       PostgresBookingStore bookingStore) {
        this.vertx = vertx;
        this.database = database;
        this.server = server;
        this.blockingWork = blockingWork;
        this.inbox = inbox;
        this.bookingStore = bookingStore;
    }

    public static OrderlyApp start(Settings settings, Clock clock) {
        Vertx vertx = Vertx.vertx();
        Database database = null;
        try {
            database = settings.databaseUrl()
                    .map(url -> Database.external(vertx, url, settings.databaseUser(), settings.databasePassword(), settings.databasePoolSize()))
                    .orElseGet(() -> Database.embedded(vertx, settings.dataDir().resolve("postgres"), settings.databasePoolSize()));
            if (settings.demo()) {
                seedDemo(database, settings, clock);
            }
            return wire(vertx, database, settings, clock);
        } catch (RuntimeException e) {
            if (database != null) {
                database.close();
            }
            vertx.close();
            throw e;
        }
    }

    private static void seedDemo(Database database, Settings settings, Clock clock) {
        try (Connection conn = database.jdbc()) {
            if (DemoData.isEmpty(conn)) {
                LOG.info("empty database: writing demo data ({} residents, {} clinics, seed {})",
                        settings.demoPeople(), settings.demoClinics(), settings.demoSeed());
                new DemoData(settings.demoSeed(), settings.demoPeople(), settings.demoClinics(), clock).write(conn);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not write demo data: " + e.getMessage(), e);
        }
    }

    private static OrderlyApp wire(Vertx vertx, Database database, Settings settings, Clock clock) {
        SecureRandom random = new SecureRandom();
        SigningKeys keys = SigningKeyFile.load(settings.signingKeys(), settings.dataDir());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        GateConfig identityGate = new GateConfig("identity", clock.instant(), settings.identityGateRate(), settings.passLifetime());
        GateTokens tokens = new GateTokens(keys);
        InMemoryGateStore gateStore = new InMemoryGateStore();
        WaitingRoom waitingRoom = new WaitingRoom(List.of(identityGate), gateStore, tokens, clock, random);
        Gauge.builder("orderly.gate.waiting", () -> gateStore.issued("identity") - gateStore.admittedUpTo("identity"))
                .tag("gate", "identity").register(meters);
        Gauge.builder("orderly.gate.admitted", () -> gateStore.admittedUpTo("identity")).tag("gate", "identity").register(meters);

        PostgresResidentRegistry registry = new PostgresResidentRegistry(database.pool());
        PostgresCohortStore cohorts = new PostgresCohortStore(database.pool(), clock);
        PostgresBookingStore bookingStore = settings.bookingLanes() == 0
                ? new PostgresBookingStore(database.pool(), PostgresBookingStore.Engine.LOCK_ROWS, 1, 1)
                : new PostgresBookingStore(database.pool(), PostgresBookingStore.Engine.BATCHED, settings.bookingLanes(), settings.bookingMaxBatch());
        PostgresSpecialGroupStore specialGroups = new PostgresSpecialGroupStore(database.pool());
        DevSmsInbox inbox = new DevSmsInbox(clock);
        if (!settings.demo()) {
            throw new IllegalStateException("no SMS gateway other than the demo inbox is built in yet: run with ORDERLY_DEMO=true");
        }
        OneTimeCodeVerifier verifier = new OneTimeCodeVerifier(registry, new InMemoryChallengeStore(clock), inbox, clock, random,
                settings.codeLifetime(), settings.codeMaxTries());
        SessionTokens sessions = new SessionTokens(keys, clock, settings.sessionLifetime());
        BookingService booking = new BookingService(bookingStore, cohorts, specialGroups, clock, new BookingReferences(random),
                settings.bookingHorizonDays(), settings.searchCacheFor());

        ExecutorService blockingWork = Executors.newVirtualThreadPerTaskExecutor();
        Optional<DevRoutes> dev = settings.demo()
                ? Optional.of(new DevRoutes(inbox, n -> demoSamples(registry, cohorts.all(), n)))
                : Optional.empty();
        AtomicBoolean databaseUp = new AtomicBoolean(true);
        HttpApi api = new HttpApi(new HttpApi.Parts(waitingRoom, verifier, sessions, registry, booking, bookingStore, meters,
                meters::scrape, databaseUp::get, dev, settings.secureCookies(), settings.maxBodyBytes(), settings.passLifetime(),
                DataDirSecrets.load(settings.operatorToken(), settings.dataDir(), "operator.token", DataDirSecrets::randomToken,
                        "ORDERLY_OPERATOR_TOKEN"),
                List.of(identityGate.name()),
                new BookingOperations(cohorts, specialGroups, new SpecialGroupUpload(registry, specialGroups), settings.maxUploadBytes())),
                blockingWork);

        vertx.setPeriodic(TICK_MILLIS, id -> waitingRoom.tick());
        OutboxRelay relay = new OutboxRelay(database.pool(), inbox, clock);
        AtomicBoolean relaying = new AtomicBoolean();
        vertx.setPeriodic(RELAY_MILLIS, id -> {
            if (relaying.compareAndSet(false, true)) {
                blockingWork.execute(() -> {
                    try {
                        relay.relayDue();
                        databaseUp.set(true);
                    } catch (RuntimeException e) {
                        databaseUp.set(false);
                        LOG.warn("outbox relay failed: {}", e.toString());
                    } finally {
                        relaying.set(false);
                    }
                });
            }
        });

        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.httpHost()).setPort(settings.httpPort())
                        .setCompressionSupported(true))
                .requestHandler(api.router(vertx));
        server.listen().toCompletionStage().toCompletableFuture().join();
        return new OrderlyApp(vertx, database, server, blockingWork, inbox, bookingStore);
    }

    private static List<DevRoutes.SampleResident> demoSamples(PostgresResidentRegistry registry, List<Cohort> cohorts, int n) {
        if (cohorts.isEmpty()) {
            return List.of();
        }
        Cohort c = cohorts.getFirst();
        return registry.sample(c.bornFrom(), c.bornTo(), n).stream()
                .map(p -> new DevRoutes.SampleResident(p.name(), p.birthDate().toString(), p.phone()))
                .toList();
    }

    /** The port the HTTP server listens on (useful when 0 was asked for). */
    public int port() {
        return server.actualPort();
    }

    public DevSmsInbox smsInbox() {
        return inbox;
    }

    public PostgresBookingStore bookingStore() {
        return bookingStore;
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
        blockingWork.shutdown();
        bookingStore.close();
        database.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
