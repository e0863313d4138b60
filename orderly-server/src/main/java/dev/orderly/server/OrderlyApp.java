package dev.orderly.server;

import com.nimbusds.jose.jwk.JWKSet;
import dev.orderly.assist.AssistedSessions;
import dev.orderly.booking.BookingReferences;
import dev.orderly.booking.BookingService;
import dev.orderly.booking.BookingStore;
import dev.orderly.booking.Region;
import dev.orderly.clinic.ClinicDesk;
import dev.orderly.eligibility.Cohort;
import dev.orderly.eligibility.SpecialGroupUpload;
import dev.orderly.gate.GateStore;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.LeaveTheLine;
import dev.orderly.gate.RecallPhoneCodes;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.identity.IdentityProviders;
import dev.orderly.identity.OneTimeCodeVerifier;
import dev.orderly.identity.SessionTokens;
import dev.orderly.identity.Sessions;
import dev.orderly.ops.InMemoryNodeBoard;
import dev.orderly.ops.NodeBoard;
import dev.orderly.server.demo.DemoData;
import dev.orderly.server.demo.DemoStaff;
import dev.orderly.server.fhir.BulkPublication;
import dev.orderly.server.fhir.FeedBundles;
import dev.orderly.server.fhir.FhirFeed;
import dev.orderly.server.fhir.FhirResources;
import dev.orderly.server.gate.Gates;
import dev.orderly.server.gate.JwtPassSigner;
import dev.orderly.server.http.Assistance;
import dev.orderly.server.http.BookingOperations;
import dev.orderly.server.http.DashboardFeed;
import dev.orderly.server.http.DevRoutes;
import dev.orderly.server.http.HttpApi;
import dev.orderly.server.http.NoShowReleaseAudit;
import dev.orderly.server.http.RateLimits;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.OutboxRelay;
import dev.orderly.server.postgres.PostgresAlertBook;
import dev.orderly.server.postgres.PostgresAlertOutbox;
import dev.orderly.server.postgres.PostgresAssistedStore;
import dev.orderly.server.postgres.PostgresAuditLog;
import dev.orderly.server.postgres.PostgresBookingStore;
import dev.orderly.server.postgres.PostgresBookingTallies;
import dev.orderly.server.postgres.PostgresChallengeStore;
import dev.orderly.server.postgres.PostgresClinicStore;
import dev.orderly.server.postgres.PostgresCohortStore;
import dev.orderly.server.postgres.PostgresDailyQuota;
import dev.orderly.server.postgres.PostgresDevSmsInbox;
import dev.orderly.server.postgres.PostgresErrors;
import dev.orderly.server.postgres.PostgresEvaluatorLease;
import dev.orderly.server.postgres.PostgresFhirStore;
import dev.orderly.server.postgres.PostgresGateStore;
import dev.orderly.server.postgres.PostgresKeyRecords;
import dev.orderly.server.postgres.PostgresNotices;
import dev.orderly.server.postgres.PostgresOnBehalfLog;
import dev.orderly.server.postgres.PostgresRecallStore;
import dev.orderly.server.postgres.PostgresResidentRegistry;
import dev.orderly.server.postgres.PostgresSessionStore;
import dev.orderly.server.postgres.PostgresSpecialGroupStore;
import dev.orderly.server.postgres.PostgresStaffStore;
import dev.orderly.server.postgres.PostgresStandbyStore;
import dev.orderly.server.postgres.PostgresSyntheticResidents;
import dev.orderly.server.redis.RedisErrors;
import dev.orderly.server.redis.RedisGateStore;
import dev.orderly.server.redis.RedisNodeBoard;
import dev.orderly.server.redis.RedisRateLimiter;
import dev.orderly.server.registry.RegistryImporter;
import dev.orderly.server.watch.Canary;
import dev.orderly.server.watch.DeploymentCounts;
import dev.orderly.server.watch.WatchLoop;
import dev.orderly.staff.Argon2idPasswords;
import dev.orderly.staff.StaffAccounts;
import dev.orderly.staff.StaffSessions;
import dev.orderly.staff.StaffSignIn;
import dev.orderly.standby.NoShowReleases;
import dev.orderly.standby.StandbyService;
import dev.orderly.store.StoreUnavailableException;
import dev.orderly.time.SeoulCalendar;
import dev.orderly.token.SigningKeys;
import dev.orderly.watch.CanaryLanes;
import dev.orderly.watch.Rule;
import dev.orderly.watch.SyntheticResidents;
import dev.orderly.watch.Watchdog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Orderly: database (embedded or external), demo data, gate, identity, booking and
 * the HTTP server, wired together. {@link #start} returns when the server listens.
 */
public final class OrderlyApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderlyApp.class);
    /** How long closing waits for requests in flight once the drain period is over. */
    static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(15);
    private static final long RELAY_MILLIS = 1000;
    /** Batches of 100 the relay sends a turn while they come full: up to 5,000 texts a second per node. */
    private static final int RELAY_BATCHES_PER_TURN = 50;
    /** How often leftover offers whose window passed are expired and passed on. */
    private static final long STANDBY_MILLIS = 5000;
    private static final long RECALL_MILLIS = 1000;
    private static final int RECALL_BATCH = 500;
    /** How often a node asks whether today's releases from no-shows are due: a minute late is on time. */
    private static final long NO_SHOW_RELEASE_MILLIS = 10_000;
    /** The canary's lanes admit at once: one walker a minute per node is all that joins them. */
    private static final double CANARY_LANE_RATE = 5;
    /** The first walk waits for the node to settle (and a test to set up). */
    private static final java.time.Duration CANARY_FIRST_WALK = java.time.Duration.ofSeconds(10);
    static final java.time.Duration STAFF_IDLE = java.time.Duration.ofMinutes(30);
    static final java.time.Duration STAFF_LIFETIME = java.time.Duration.ofHours(12);

    private final Vertx vertx;
    private final Database database;
    private final HttpServer server;
    private final ExecutorService blockingWork;
    private final DevSmsInbox inbox;
    private final PostgresBookingStore bookingStore;

    private final Gates gates;
    private final GateStore gateStore;
    private final String operatorToken;
    private final HttpApi.Staff staff;
    private final WatchLoop watch;
    private final Optional<Canary> canary;
    private final Draining draining;
    private final Duration drain;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OrderlyApp(Vertx vertx, Database database, HttpServer server, ExecutorService blockingWork, DevSmsInbox inbox,
                       PostgresBookingStore bookingStore, Gates gates, GateStore gateStore, String operatorToken, HttpApi.Staff staff,
                       WatchLoop watch, Optional<Canary> canary, Draining draining, Duration drain) {
        this.draining = draining;
        this.drain = drain;
        this.watch = watch;
        this.canary = canary;
        this.staff = staff;
        this.gates = gates;
        this.gateStore = gateStore;
        this.operatorToken = operatorToken;
        this.vertx = vertx;
        this.database = database;
        this.server = server;
        this.blockingWork = blockingWork;
        this.inbox = inbox;
        this.bookingStore = bookingStore;
    }

    public static OrderlyApp start(Settings settings, Clock clock) {
        return start(settings, clock, List.of());
    }

    /** Starts with identity methods beyond the built-in SMS code, each behind a gate of its own. */
    public static OrderlyApp start(Settings settings, Clock clock, List<IdentityMethodFactory> extraIdentityMethods) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.eventLoops())
                .setPreferNativeTransport(settings.nativeTransport()));
        if (settings.nativeTransport() && !vertx.isNativeTransportEnabled()) {
            LOG.info("network transport: Java NIO (epoll unavailable here: {})", String.valueOf(vertx.unavailableNativeTransportCause()));
        } else {
            LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll" : "Java NIO (ORDERLY_NATIVE_TRANSPORT=false)");
        }
        Database database = null;
        // What wire() starts before it fails (lanes, ticker, threads) is stopped here, newest first.
        List<AutoCloseable> started = new ArrayList<>();
        try {
            database = settings.databaseUrl()
                    .map(url -> Database.external(vertx, url, settings.databaseUser(), settings.databasePassword(), settings.databasePoolSize()))
                    .orElseGet(() -> Database.embedded(vertx, settings.dataDir().resolve("postgres"), settings.databasePoolSize()));
            PrivacyKeys keys = PrivacyKeys.load(settings.identity(), settings.dataDir(), settings.demo(), new SecureRandom());
            keys.checkAgainst(new PostgresKeyRecords(database.pool()));
            boolean seeded = settings.demo()
                    && seedDemo(database, settings, clock, new RegistryImporter(keys.residentNumbers(), keys.phones(), keys.phoneCipher()));
            PostgresResidentRegistry registry = new PostgresResidentRegistry(database.pool(), keys.residentNumbers(), keys.phones(),
                    keys.phoneCipher());
            long sealed = registry.sealUnsealed();
            if (sealed > 0) {
                LOG.info("sealed {} phone numbers that an older version kept in clear", sealed);
            }
            return wire(vertx, database, settings, clock, keys, registry, extraIdentityMethods, started, seeded);
        } catch (RuntimeException e) {
            started.reversed().forEach(part -> closeAfterFailedStart(part, e));
            if (database != null) {
                closeAfterFailedStart(database, e);
            }
            closeAfterFailedStart(() -> vertx.close().toCompletionStage().toCompletableFuture().join(), e);
            throw e;
        }
    }

    private static void closeAfterFailedStart(AutoCloseable part, RuntimeException failure) {
        try {
            part.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** Writes the demo data into an empty database; whether it did. */
    private static boolean seedDemo(Database database, Settings settings, Clock clock, RegistryImporter registry) {
        try (Connection conn = database.jdbc()) {
            if (DemoData.isEmpty(conn)) {
                LOG.info("empty database: writing demo data ({} residents, {} clinics, seed {})",
                        settings.demoPeople(), settings.demoClinics(), settings.demoSeed());
                new DemoData(settings.demoSeed(), settings.demoPeople(), settings.demoClinics(), clock).write(conn, registry);
                return true;
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException("could not write demo data: " + e.getMessage(), e);
        }
    }

    private static OrderlyApp wire(Vertx vertx, Database database, Settings settings, Clock clock, PrivacyKeys privacy,
                                   PostgresResidentRegistry registry, List<IdentityMethodFactory> extraIdentityMethods,
                                   List<AutoCloseable> started, boolean demoDataWritten) {
        SecureRandom random = new SecureRandom();
        SigningKeys keys = SigningKeyFile.load(settings.signingKeys(), settings.dataDir());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        if (!settings.demo()) {
            throw new IllegalStateException("no SMS gateway other than the demo inbox is built in yet: run with ORDERLY_DEMO=true");
        }
        DevSmsInbox inbox = new PostgresDevSmsInbox(database.pool(), privacy.phones(), clock);
        OneTimeCodeVerifier verifier = new OneTimeCodeVerifier(registry, new PostgresChallengeStore(database.pool(), clock),
                new PostgresDailyQuota(database.pool()), inbox, privacy.secret(), clock, random,
                new OneTimeCodeVerifier.Limits(settings.codeLifetime(), settings.codeMaxTries(), settings.identity().codesPerPersonPerDay(),
                        settings.identity().codesPerPhonePerDay()));
        List<IdentityProviders.Method> methods = new ArrayList<>();
        methods.add(new IdentityProviders.Method(verifier, "identity", settings.identityGateRate()));
        extraIdentityMethods.forEach(m -> methods.add(m.create(registry, clock)));
        IdentityProviders providers = new IdentityProviders(methods);
        // Each identity method has a gate of its own, admitting at the method's capacity; booking
        // has one more, keyed by the verified person.
        List<Gates.Standard> standard = new ArrayList<>();
        providers.all().forEach(m -> standard.add(new Gates.Standard(m.gate(), m.admitPerSecond(), false)));
        standard.add(new Gates.Standard(Gates.BOOKING, settings.bookingGateRate(), true));
        standard.add(new Gates.Standard(Gates.AGENT, Gates.AGENT_RATE, true));
        if (settings.watch().canary()) {
            // The canary's own lanes beside the identity and booking gates (see CanaryLanes).
            standard.add(new Gates.Standard(CanaryLanes.lane(Gates.IDENTITY), CANARY_LANE_RATE, false));
            standard.add(new Gates.Standard(CanaryLanes.lane(Gates.BOOKING), CANARY_LANE_RATE, true));
        }
        Optional<RedisAPI> redis = settings.redisUrl().map(url -> RedisAPI.api(Redis.createClient(vertx, redisOptions(settings))));
        GateStore gateStore = redis.<GateStore>map(api -> new RedisGateStore(api, settings.redisPrefix()))
                .orElseGet(() -> new PostgresGateStore(database.pool()));
        // Both stores make calls that wait on a round trip: none may run on the event loop.
        Gates gates = new Gates(gateStore, false, keys, passKeys(settings), clock, meters, standard,
                settings.passLifetime(), settings.gateOpening().opensAt().orElse(clock.instant()), settings.gateOpening().preQueue(),
                settings.claimGrace().orElse(null));
        started.add(gates);
        WaitingRoom waitingRoom = gates.waitingRoom();

        PostgresCohortStore cohorts = new PostgresCohortStore(database.pool(), clock);
        PostgresBookingStore bookingStore = settings.bookingLanes() == 0
                ? new PostgresBookingStore(database.pool(), PostgresBookingStore.Engine.LOCK_ROWS, 1, 1)
                : new PostgresBookingStore(database.pool(), PostgresBookingStore.Engine.BATCHED, settings.bookingLanes(), settings.bookingMaxBatch());
        started.add(bookingStore);
        PostgresSpecialGroupStore specialGroups = new PostgresSpecialGroupStore(database.pool());
        Sessions sessions = new Sessions(new SessionTokens(keys, clock, settings.sessionLifetime(), settings.identity().sessionIdle()),
                new PostgresSessionStore(database.pool()), clock);
        IdentitySettings limits = settings.identity();
        // With Redis every node shares each limit (over its own bucket); a single node keeps them in memory.
        RateLimits rateLimits = new RateLimits(new RateLimits.Limits(limits.joinPerAddress(), limits.challengePerAddress(),
                limits.challengePerPhone(), limits.verifyPerAddress(), limits.verifyPerChallenge()), limits.trustedProxies(),
                privacy.secret(), clock, meters, redis.map(api -> (name, limit) -> new RedisRateLimiter(api, settings.redisPrefix(), name,
                        limit, clock, RateLimits.SHARED_TIMEOUT)));
        BookingService booking = new BookingService(bookingStore, cohorts, specialGroups, clock, new BookingReferences(random),
                settings.bookingHorizonDays(), settings.searchCacheFor());

        ExecutorService blockingWork = Executors.newVirtualThreadPerTaskExecutor();
        started.add(blockingWork::shutdownNow);
        Optional<DevRoutes> dev = settings.demo()
                ? Optional.of(new DevRoutes(inbox, (n, offset) -> demoSamples(registry, cohorts.all(), n, offset)))
                : Optional.empty();
        Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
        checks.put(PostgresErrors.DEPENDENCY, database::ping);
        redis.ifPresent(api -> checks.put(RedisErrors.DEPENDENCY, () -> api.ping(List.of())));
        Dependencies dependencies = new Dependencies(vertx, checks, meters);
        Draining draining = new Draining();
        String operatorToken = DataDirSecrets.load(settings.operatorToken(), settings.dataDir(), "operator.token",
                DataDirSecrets::randomToken, "ORDERLY_OPERATOR_TOKEN");
        HttpApi.Staff staff = staff(database, privacy, clock, random);
        if (demoDataWritten) {
            DemoStaff.create(staff.accounts(), demoClinics(bookingStore, clock), settings.dataDir());
            LOG.info("demo staff accounts demo-operator, demo-clinic and demo-agent: see {} or /dev.html",
                    settings.dataDir().resolve(DemoStaff.FILE).toAbsolutePath());
        }
        dev.ifPresent(d -> d.withStaff(() -> DemoStaff.read(settings.dataDir()).stream()
                .map(a -> new DevRoutes.DemoAccount(a.login(), a.role().slug(), a.clinics(), a.password(), a.totpSecret())).toList()));
        HttpApi api = new HttpApi(new HttpApi.Parts(waitingRoom, providers, sessions, registry, booking, bookingStore, meters,
                meters::scrape, draining.readiness(dependencies::check), dev, settings.secureCookies(), settings.maxBodyBytes(), operatorToken,
                gates.storeIsLocal(), gates.publicJwks(), gates::observe, rateLimits, clock,
                new BookingOperations(cohorts, specialGroups, new SpecialGroupUpload(registry, specialGroups), settings.maxUploadBytes()),
                staff, new PostgresAuditLog(database.pool(), clock)),
                blockingWork);
        NodeBoard board = redis.<NodeBoard>map(r -> new RedisNodeBoard(r, settings.redisPrefix())).orElseGet(InMemoryNodeBoard::new);
        DashboardFeed dashboard = new DashboardFeed(vertx, meters, waitingRoom, new PostgresBookingTallies(database.pool()), board,
                nodeName(), clock, blockingWork);
        api.withDashboard(dashboard);
        api.withMessages(new PostgresNotices(database.pool(), clock));
        LeaveTheLineSettings leaving = settings.leaveTheLine();
        // Texted links (leave the line, leftover offers) start with the address people reach Orderly at.
        String publicUrl = leaving.publicUrl().map(u -> u.replaceAll("/+$", "")).orElse("http://localhost:" + settings.httpPort());
        LeaveTheLine leaveTheLine = new LeaveTheLine(waitingRoom, new GateTokens(keys),
                new PostgresRecallStore(database.pool(), privacy.phoneCipher(), privacy.secret()), keys, clock,
                random, new LeaveTheLine.Settings(leaving.lead(), leaving.linkLifetime(),
                        publicUrl));
        // Anyone waiting may leave with a number proved by a code: the identity challenge's store, quota and limits.
        api.withLeaveTheLine(leaveTheLine, new RecallPhoneCodes(leaveTheLine, waitingRoom, new GateTokens(keys),
                new PostgresChallengeStore(database.pool(), clock), new PostgresDailyQuota(database.pool()), inbox, privacy.secret(), clock,
                random, verifier.limits()));
        api.withAssistance(new Assistance(verifier, new AssistedSessions(new PostgresAssistedStore(database.pool(), clock), clock,
                AssistedSessions.DEFAULT_LIFETIME), new PostgresOnBehalfLog(database.pool())));
        StandbyService standby = new StandbyService(new PostgresStandbyStore(database.pool(), bookingStore), bookingStore, booking, cohorts,
                specialGroups, registry, clock, random, settings.standbyClaimWindow(), publicUrl);
        api.withStandby(standby, cohorts);
        PostgresClinicStore clinicStore = new PostgresClinicStore(database.pool());
        api.withClinics(new ClinicDesk(clinicStore, clock));
        PostgresFhirStore fhirStore = fhir(vertx, api, database, settings, clock, privacy, publicUrl, meters, blockingWork);
        dashboard.start();
        started.add(dashboard);

        // The watcher of those who left a line: every node runs it, the recall store lets one at a time look at a place.
        AtomicBoolean recalling = new AtomicBoolean();
        vertx.setPeriodic(RECALL_MILLIS, id -> {
            if (recalling.compareAndSet(false, true)) {
                try {
                    blockingWork.execute(() -> {
                        try {
                            leaveTheLine.sendDue(RECALL_BATCH);
                        } catch (StoreUnavailableException e) {
                            LOG.debug("line recalls wait for the database: {}", e.toString());
                        } catch (RuntimeException e) {
                            LOG.warn("line recalls failed: {}", e.toString());
                        } finally {
                            recalling.set(false);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    recalling.set(false);
                }
            }
        });

        OutboxRelay relay = new OutboxRelay(database.pool(), inbox, clock, privacy.phoneCipher());
        // The watchdog's outbox rule sees the texts and, when the feed is on, the FHIR events alike.
        java.util.function.LongSupplier backlog = settings.fhir().endpoint().isPresent() ? () -> relay.pending() + fhirStore.backlog()
                : relay::pending;
        WatchLoop watch = watch(vertx, database, settings, clock, inbox, waitingRoom, dashboard, backlog, meters, blockingWork, random);
        api.withAlerts(watch.book());
        started.add(watch);
        // The canary walks through this node's own port, known once the server listens.
        java.util.concurrent.atomic.AtomicInteger listening = new java.util.concurrent.atomic.AtomicInteger();
        Optional<Canary> canary = Optional.empty();
        if (settings.watch().canary()) {
            String secret = DataDirSecrets.randomToken();
            api.withCanary(secret);
            canary = Optional.of(new Canary(vertx, new Canary.Parts(listening::get, secret,
                    phone -> inbox.latestTo(phone).map(DevSmsInbox.Message::text),
                    new PostgresSyntheticResidents(database.pool(), privacy.residentNumbers(), privacy.phones(), privacy.phoneCipher()),
                    registry, cohorts, booking, meters, random.nextInt(SyntheticResidents.SLOTS)), clock, blockingWork));
            started.add(canary.get());
        }
        Optional<Canary> walker = canary;
        dashboard.withLevels(() -> {
            Map<String, Double> levels = new java.util.HashMap<>(watch.levels());
            walker.ifPresent(c -> levels.putAll(c.levels()));
            return levels;
        });
        AtomicBoolean relaying = new AtomicBoolean();
        vertx.setPeriodic(RELAY_MILLIS, id -> {
            if (relaying.compareAndSet(false, true)) {
                try {
                    blockingWork.execute(() -> {
                        try {
                            relay.relayBacklog(RELAY_BATCHES_PER_TURN);
                        } catch (StoreUnavailableException e) {
                            // Dependencies logs the outage once; the relay tries again at its next turn.
                            LOG.debug("outbox relay waits for the database: {}", e.toString());
                        } catch (RuntimeException e) {
                            LOG.warn("outbox relay failed: {}", e.toString());
                        } finally {
                            relaying.set(false);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // close() has begun and the timer fired once more: what is due goes at the next start.
                    relaying.set(false);
                }
            }
        });

        everyFewSeconds(vertx, blockingWork, STANDBY_MILLIS, "standby offers", standby::step);
        settings.leftoverAutoReleaseAfter().ifPresent(after -> {
            NoShowReleases noShows = new NoShowReleases(clinicStore, standby, clock, after, new NoShowReleaseAudit(api));
            everyFewSeconds(vertx, blockingWork, NO_SHOW_RELEASE_MILLIS, "leftover releases from no-shows", noShows::step);
        });

        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.httpHost()).setPort(settings.httpPort())
                        .setCompressionSupported(true))
                .requestHandler(api.requestHandler(vertx)).invalidRequestHandler(api::invalidRequest);
        server.listen().toCompletionStage().toCompletableFuture().join();
        listening.set(server.actualPort());
        canary.ifPresent(c -> c.start(CANARY_FIRST_WALK));
        return new OrderlyApp(vertx, database, server, blockingWork, inbox, bookingStore, gates, gateStore, operatorToken, staff, watch, canary,
                draining, settings.drain());
    }


    /**
     * One Redis, or a Redis Cluster found from its seed nodes (the client learns the slots and
     * sends each command to the shard that owns its key; every script's keys share one slot).
     */
    static RedisOptions redisOptions(Settings settings) {
        RedisOptions options = new RedisOptions().setMaxPoolSize(32).setMaxPoolWaiting(100_000);
        if (settings.redisCluster()) {
            options.setType(io.vertx.redis.client.RedisClientType.CLUSTER);
            settings.redisNodes().forEach(options::addConnectionString);
        } else {
            options.setConnectionString(settings.redisNodes().getFirst());
        }
        return options;
    }

    /**
     * FHIR: the clinics' read API and the public availability files on every node; the feed to the
     * registry's endpoint when ORDERLY_FHIR_ENDPOINT is set (the database then writes FHIR events into
     * the outbox, and every node delivers them, leased like the texts). The FHIR model is loaded when
     * the first availability files are asked for or the first event is delivered, off the event loop.
     */
    private static PostgresFhirStore fhir(Vertx vertx, HttpApi api, Database database, Settings settings, Clock clock, PrivacyKeys privacy,
                                          String publicUrl, PrometheusMeterRegistry meters, ExecutorService blockingWork) {
        PostgresFhirStore store = new PostgresFhirStore(database.pool());
        FhirResources resources = new FhirResources(privacy.patientPseudonyms(), publicUrl);
        BulkPublication bulk = new BulkPublication(store, resources, clock, settings.fhir().bulkEvery());
        api.withFhir(store, resources, bulk);
        store.enable(settings.fhir().endpoint().isPresent());
        settings.fhir().endpoint().ifPresent(endpoint -> {
            FhirFeed feed = new FhirFeed(store, new FeedBundles(store, resources), endpoint, settings.fhir().bearer(), clock);
            java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
            io.micrometer.core.instrument.Gauge.builder("orderly.fhir.outbox.backlog", backlog::get)
                    .description("FHIR events (bookings, changes, doses given, no-shows) not yet delivered to the registry")
                    .register(meters);
            everyFewSeconds(vertx, blockingWork, RELAY_MILLIS, "FHIR feed", () -> {
                feed.deliverDue();
                backlog.set(store.backlog());
            });
        });
        return store;
    }

    /**
     * The watchdog: every node tries for the evaluator lease every 5 s; the holder evaluates the
     * rules on the deployment's figures (counted from the dashboard's node board each second) and
     * hands alerts to the webhook and on-call phones through the alert outbox.
     */
    private static WatchLoop watch(Vertx vertx, Database database, Settings settings, Clock clock, DevSmsInbox inbox,
                                   WaitingRoom waitingRoom, DashboardFeed dashboard, java.util.function.LongSupplier outboxBacklog,
                                   PrometheusMeterRegistry meters, ExecutorService blockingWork, SecureRandom random) {
        PostgresAlertBook book = new PostgresAlertBook(database.pool());
        PostgresAlertOutbox outbox = new PostgresAlertOutbox(database.pool(), clock, settings.watch().webhook(), settings.watch().smsTo(),
                inbox);
        Watchdog watchdog = new Watchdog(Rule.defaults(Gates.BOOKING), book, outbox.sinks(), clock);
        DeploymentCounts counts = new DeploymentCounts();
        dashboard.listen(counts::add);
        // Unique even for nodes sharing one process (tests): the lease must tell them apart.
        String holder = nodeName() + "/" + Long.toHexString(random.nextLong() & 0xffffffL);
        WatchLoop watch = new WatchLoop(vertx, new WatchLoop.Parts(new PostgresEvaluatorLease(database.pool(), "watchdog"), watchdog, book,
                waitingRoom, counts, outboxBacklog, outbox::relayDue, holder, meters), clock, blockingWork);
        dashboard.withLevels(watch::levels);
        watch.start();
        return watch;
    }

    /**
     * Runs {@code step} every {@code millis} off the event loop, never two at once on this node (a
     * step still running when the timer fires again is let finish). A database outage is waited out.
     */
    private static void everyFewSeconds(Vertx vertx, ExecutorService blockingWork, long millis, String what, Runnable step) {
        AtomicBoolean running = new AtomicBoolean();
        vertx.setPeriodic(millis, id -> {
            if (running.compareAndSet(false, true)) {
                try {
                    blockingWork.execute(() -> {
                        try {
                            step.run();
                        } catch (StoreUnavailableException e) {
                            LOG.debug("{} wait for the database: {}", what, e.toString());
                        } catch (RuntimeException e) {
                            LOG.warn("{} failed: {}", what, e.toString());
                        } finally {
                            running.set(false);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    running.set(false);
                }
            }
        });
    }

    /**
     * Staff accounts in PostgreSQL, TOTP secrets sealed with the phone keys under a purpose of their
     * own; sessions end after 30 minutes unused and 12 hours after sign-in in any case.
     */
    static HttpApi.Staff staff(Database database, PrivacyKeys privacy, Clock clock, SecureRandom random) {
        PostgresStaffStore store = new PostgresStaffStore(database.pool(), StaffTool.totpCipher(privacy, random));
        Argon2idPasswords passwords = StaffTool.passwords(random);
        StaffSessions sessions = new StaffSessions(store, clock, random, STAFF_IDLE, STAFF_LIFETIME);
        return new HttpApi.Staff(new StaffSignIn(store, passwords, sessions, clock), sessions, new StaffAccounts(store, passwords, clock, random));
    }

    /**
     * The demo clinic account's clinics: the first three by id, and the first clinic the booking page
     * lists (first province, first by name), where a newcomer's own booking most likely lands.
     */
    private static Set<Long> demoClinics(BookingStore store, Clock clock) {
        Set<Long> clinics = new java.util.TreeSet<>();
        for (long id = 1; id <= 3; id++) {
            if (store.clinic(id).isPresent()) {
                clinics.add(id);
            }
        }
        List<Region> regions = store.regions();
        if (!regions.isEmpty()) {
            store.search(regions.getFirst().province(), null, SeoulCalendar.today(clock), 1).stream().findFirst()
                    .ifPresent(c -> clinics.add(c.clinic().id()));
        }
        return clinics;
    }

    private static List<DevRoutes.SampleResident> demoSamples(PostgresResidentRegistry registry, List<Cohort> cohorts, int n, int offset) {
        if (cohorts.isEmpty()) {
            return List.of();
        }
        Cohort c = cohorts.getFirst();
        return registry.sample(c.bornFrom(), c.bornTo(), n, offset).stream()
                .map(p -> new DevRoutes.SampleResident(p.name(), p.birthDate().toString(), p.phone()))
                .toList();
    }

    /** This node among others on the dashboard: its process and host, as an operator would find it. */
    private static String nodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return ProcessHandle.current().pid() + "@" + host;
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

    /** The bearer token of the operator API. */
    public String operatorToken() {
        return operatorToken;
    }

    /** Whether any staff account exists (none: the first operator is still to be made with {@code orderly staff add}). */
    public boolean hasStaff() {
        return !staff.accounts().all().isEmpty();
    }

    /** The waiting room of this node. */
    public WaitingRoom waitingRoom() {
        return gates.waitingRoom();
    }

    private static JWKSet passKeys(Settings settings) {
        String json = DataDirSecrets.load(settings.passKeys(), settings.dataDir(), "pass-keys.jwks",
                () -> JwtPassSigner.generateKeys().toString(false), "ORDERLY_PASS_KEYS");
        return JwtPassSigner.parseKeys(json, settings.passKeys().isPresent() ? "ORDERLY_PASS_KEYS" : "pass-keys.jwks");
    }

    /** The watchdog's loop on this node (tests drive a turn, read the alerts). */
    public WatchLoop watch() {
        return watch;
    }

    /** This node's canary, when it runs one ({@code ORDERLY_CANARY}). */
    public Optional<Canary> canary() {
        return canary;
    }

    /** Whether this node has begun to leave ({@code /ready} answers 503). */
    public boolean isDraining() {
        return draining.isDraining();
    }

    /**
     * Leaves in order: not ready at once; serves for the drain period ({@code ORDERLY_DRAIN_SECONDS}),
     * so the load balancer sees the 503 and moves new requests away while this node's people are
     * still answered; closes the HTTP server, waiting up to {@link #IN_FLIGHT_GRACE} for requests in
     * flight (an event stream never ends by itself: it is cut then); only then stops the loops, which
     * admit people while requests are served, and the stores. A second call returns at once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining.begin();
        if (drain.isPositive()) {
            LOG.info("draining: /ready answers 503; serving for {} s before closing the HTTP server", drain.toSeconds());
            try {
                Thread.sleep(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("closing the HTTP server: no new connections; waiting up to {} s for requests in flight", IN_FLIGHT_GRACE.toSeconds());
        server.shutdown(IN_FLIGHT_GRACE.toSeconds(), TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().join();
        LOG.info("HTTP server closed; stopping the loops and the stores");
        canary.ifPresent(Canary::close);
        watch.close();
        gates.close();
        if (gateStore instanceof PostgresGateStore numbers) {
            // No join can arrive now: a planned restart then skips no number.
            numbers.giveBackUnused();
        }
        blockingWork.shutdown();
        bookingStore.close();
        database.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        LOG.info("stopped");
    }
}
