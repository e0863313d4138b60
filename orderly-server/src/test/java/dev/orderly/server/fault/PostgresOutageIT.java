package dev.orderly.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.ApiClient;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped at once (as a crash) in the middle of a booking storm, then started again on
 * the same port and data, with one Orderly running throughout: the API answers 503 (never 500)
 * while the database is gone, {@code /ready} says which dependency is down, every booking answered
 * 201 is in the database exactly once, and bookings go through again without restarting Orderly.
 *
 * <p>Each person's page retries a 503 or a lost answer with the same {@code Idempotency-Key}, as
 * {@code book.js} does, so a booking that committed just before the crash is answered, not lost.
 */
class PostgresOutageIT {

    private static final int PEOPLE = 40;
    private static final int STOP_AFTER_BOOKED = 8;
    private static final Duration GIVE_UP = Duration.ofMinutes(4);

    private OwnPostgres postgres;
    private OrderlyApp app;

    @BeforeEach
    void start() {
        postgres = OwnPostgres.start();
        app = TestApp.start(Map.of("ORDERLY_DATABASE_URL", postgres.jdbcUrl(), "ORDERLY_GATE_BOOKING_RATE", "1000",
                "ORDERLY_DATABASE_POOL_SIZE", "8"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private record Person(int index, ApiClient browser, JsonObject choice) {
    }

    @Test
    void aDatabaseCrashDuringABookingStormIsA503AndEveryBookingAnswered201IsStoredOnce() throws Exception {
        assertThat(new ApiClient(app.port()).get("/ready").status()).isEqualTo(200);
        List<Person> people = verifiedPeopleWithBookingPasses();

        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Map<Integer, String> booked = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger lostAnswers = new AtomicInteger();
        ExecutorService storm = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (Person p : people) {
            work.add(storm.submit(() -> bookRetrying(p, statuses, booked, unexpected, lostAnswers)));
        }

        OwnProcess.await(STOP_AFTER_BOOKED + " bookings were answered 201", GIVE_UP, () -> booked.size() >= STOP_AFTER_BOOKED);
        postgres.stopImmediately();
        ApiClient watcher = new ApiClient(app.port());
        OwnProcess.await("the API answers 503 for a database read", GIVE_UP,
                () -> watcher.get("/api/products").status() == 503);
        ApiClient.Answer notReady = watcher.get("/ready");
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.json().getJsonObject("dependencies").getString("postgresql")).isEqualTo("DOWN");
        ApiClient.Answer unavailable = watcher.get("/api/products");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isNotBlank();
        assertThat(unavailable.contentType()).startsWith("application/problem+json");
        assertThat(unavailable.json().getString("type")).isEqualTo("/problems/service-unavailable");
        assertThat(unavailable.body()).doesNotContain("Exception");
        OwnProcess.await("some bookings were answered 503 while the database was down", GIVE_UP,
                () -> statuses.getOrDefault(503, 0) > 0 || booked.size() == PEOPLE);

        postgres.startAgain();
        for (Future<?> f : work) {
            f.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS);
        }
        storm.shutdown();

        LoggerFactory.getLogger(PostgresOutageIT.class).info("booking answers by status {}, answers lost {}, people booked {}",
                statuses, lostAnswers.get(), booked.size());
        assertThat(unexpected).as("answers other than 201 and 503").isEmpty();
        assertThat(statuses).as("statuses seen").doesNotContainKey(500);
        assertThat(statuses.getOrDefault(503, 0)).as("bookings answered 503 during the outage").isPositive();
        assertThat(booked).as("everyone got a booking, without restarting Orderly").hasSize(PEOPLE);
        try (Connection c = postgres.connect()) {
            for (String reference : booked.values()) {
                assertThat(count(c, "SELECT count(*) FROM reservations WHERE reference = ? AND dose = 1", reference)).as(reference).isEqualTo(1);
            }
            assertThat(count(c, "SELECT count(*) FROM reservations WHERE status = 'ACTIVE' AND dose = 1", null)).isEqualTo(PEOPLE);
        }
        OwnProcess.await("/ready is 200 again", GIVE_UP, () -> watcher.get("/ready").status() == 200);
    }

    /** Books as the page does: on a 503 or a lost answer, again with the same key, until a final answer. */
    private void bookRetrying(Person p, Map<Integer, Integer> statuses, Map<Integer, String> booked,
                              ConcurrentLinkedQueue<String> unexpected, AtomicInteger lostAnswers) {
        String key = "storm-" + p.index();
        long until = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < until) {
            ApiClient.Answer a;
            try {
                a = p.browser().post("/api/reservations", p.choice(), "Idempotency-Key", key);
            } catch (UncheckedIOException lost) {
                lostAnswers.incrementAndGet();
                pause(200);
                continue;
            }
            statuses.merge(a.status(), 1, Integer::sum);
            if (a.status() == 201) {
                booked.put(p.index(), a.json().getString("reference"));
                return;
            }
            if (a.status() != 503) {
                unexpected.add(p.index() + ": " + a.status() + " " + a.body());
                return;
            }
            pause(200);
        }
        unexpected.add(p.index() + ": no final answer within " + GIVE_UP);
    }

    private List<Person> verifiedPeopleWithBookingPasses() {
        JsonArray residents = new ApiClient(app.port()).get("/api/dev/residents?count=" + PEOPLE).array();
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            // Each person from an address of their own: the per-address limits are not under test here.
            ApiClient b = ApiClient.from("127.0.1." + (i + 1), app.port());
            b.waitForIdentityPass(GIVE_UP);
            ApiClient.Answer verified = b.verifyAs(residents.getJsonObject(i));
            assertThat(verified.status()).as(verified.body()).isEqualTo(200);
            b.waitForPass("booking", GIVE_UP);
            people.add(new Person(i, b, choice(b, i)));
        }
        return people;
    }

    /** A day with room at one of the clinics, spread over clinics and days so nobody finds a day full. */
    private static JsonObject choice(ApiClient b, int i) {
        JsonObject me = b.get("/api/me").json();
        String province = b.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonArray clinics = b.get("/api/clinics?province=" + URLEncoder.encode(province, StandardCharsets.UTF_8)).json()
                .getJsonArray("clinics");
        JsonObject clinic = clinics.getJsonObject(i % clinics.size());
        String first = me.getString("firstBookableDay");
        JsonObject day = clinic.getJsonArray("days").stream().map(JsonObject.class::cast)
                .filter(d -> d.getInteger("remaining") > PEOPLE && d.getString("day").compareTo(first) >= 0)
                .skip(i % 3).findFirst().orElseThrow();
        return new JsonObject().put("clinicId", clinic.getLong("id")).put("day", day.getString("day")).put("product", day.getString("product"));
    }

    private static long count(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (parameter != null) {
                s.setString(1, parameter);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void pause(long millis) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
