package dev.orderly.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.gate.GateFigures;
import dev.orderly.server.ApiClient;
import dev.orderly.server.OrderlyApp;
import dev.orderly.server.Settings;
import dev.orderly.server.TestApp;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The canary on a real server and real time: on by default, it walks the whole flow while real
 * people wait in the booking line without moving their line, counts in no figure, and when
 * booking breaks its two failures in a row reach the webhook as the canary alert, which resolves
 * once booking works again.
 */
class CanaryIT {

    @Test
    void theCanaryIsOnUnlessTurnedOff() {
        assertThat(Settings.from(Map.of()).watch().canary()).isTrue();
        assertThat(Settings.from(Map.of("ORDERLY_CANARY", "off")).watch().canary()).isFalse();
    }

    @Test
    void theCanaryPassesWhilePeopleWaitWithoutMovingThemAndItsAlertFiresWhenBookingBreaks() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver();
             OrderlyApp app = TestApp.start(Map.of("ORDERLY_CANARY", "on", "ORDERLY_ALERT_WEBHOOK_URL", hook.url(),
                     "ORDERLY_GATE_BOOKING_RATE", "0.001"), Clock.systemUTC())) {
            // Real people verified and waiting in a booking line that hardly moves.
            List<ApiClient> waiting = new ArrayList<>();
            for (Object r : new ApiClient(app.port()).get("/api/dev/residents?count=3").array()) {
                ApiClient person = new ApiClient(app.port());
                person.waitForIdentityPass(Duration.ofSeconds(20));
                assertThat(person.verifyAs((JsonObject) r).status()).isEqualTo(200);
                assertThat(person.post("/api/gates/booking/join", null).status()).isIn(200, 201);
                waiting.add(person);
            }
            // The figures are a view refreshed by the gate's tick: wait until it has every join.
            poll(Duration.ofSeconds(10), () -> app.waitingRoom().figures("booking").orElseThrow().issued() >= waiting.size(),
                    () -> "the booking gate's figures never showed the joins: " + app.waitingRoom().figures("booking"));
            GateFigures before = app.waitingRoom().figures("booking").orElseThrow();
            assertThat(before.waiting()).isPositive();

            poll(Duration.ofSeconds(90), () -> app.canary().orElseThrow().last().filter(w -> w instanceof Canary.Passed).isPresent(),
                    () -> "the canary never passed: " + app.canary().orElseThrow().last());
            GateFigures after = app.waitingRoom().figures("booking").orElseThrow();
            assertThat(after.admitted()).as("the real line's admitted mark").isEqualTo(before.admitted());
            assertThat(after.waiting()).isEqualTo(before.waiting());

            ApiClient operator = new ApiClient(app.port()).withBearer(app.operatorToken());
            String metrics = operator.get("/metrics").body();
            assertThat(metrics).contains("orderly_canary_walks_total{outcome=\"passed\"}").contains("orderly_canary_step_seconds_count{ok=\"true\",step=\"book\"}");
            assertThat(metrics).doesNotContain("orderly_bookings_total{outcome=\"Booked\"}").doesNotContain("gate=\"canary-");
            // The first look starts the store-backed figures; they come with the next second's sample.
            poll(Duration.ofSeconds(10), () -> operator.get("/api/operator/dashboard").json().getJsonObject("latest").containsKey("gates"),
                    () -> "the dashboard never showed its gates");
            JsonObject dashboard = operator.get("/api/operator/dashboard").json().getJsonObject("latest");
            assertThat(dashboard.getJsonArray("gates").encode()).contains("\"booking\"").doesNotContain("canary-");
            assertThat(new ApiClient(app.port()).get("/api/gates/canary-booking").status()).isEqualTo(404);
            assertThat(new ApiClient(app.port()).post("/api/gates/canary-booking/join", null).status()).isEqualTo(404);
            assertThat(new ApiClient(app.port()).get("/api/dev/residents?count=100000").body())
                    .doesNotContain(dev.orderly.server.postgres.PostgresSyntheticResidents.NAME);
            try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT count(*) FROM reservations v JOIN residents r ON r.id = v.person_id "
                        + "WHERE r.synthetic AND v.status = 'ACTIVE'");
                rs.next();
                assertThat(rs.getLong(1)).as("the canary's capacity is given back").isZero();
            }

            // Booking breaks: every new reservation fails in the database.
            try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
                s.execute("CREATE FUNCTION canary_it_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "RAISE EXCEPTION 'booking broken by CanaryIT'; END $$");
                s.execute("CREATE TRIGGER canary_it_break BEFORE INSERT ON reservations FOR EACH ROW EXECUTE FUNCTION canary_it_refuse()");
            }
            long broken = System.nanoTime();
            WebhookReceiver.Received alert = hook.await(b -> "canary-failing".equals(b.getString("rule")) && "firing".equals(b.getString("status")),
                    Duration.ofSeconds(150), () -> LockSupport.parkNanos(Duration.ofMillis(500).toNanos()))
                    .orElseThrow(() -> new AssertionError("no canary alert; last walk " + app.canary().orElseThrow().last()));
            System.out.println("time to alert, canary-failing, end to end: " + Duration.ofNanos(alert.nanos() - broken).toMillis() + " ms");
            assertThat(alert.body().getString("runbook")).isEqualTo("docs/runbook.md#canary-failing");
            assertThat(app.canary().orElseThrow().last()).get().isInstanceOfSatisfying(Canary.Failed.class,
                    f -> assertThat(f.step()).isEqualTo("book"));

            try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER canary_it_break ON reservations");
            }
            hook.await(b -> "canary-failing".equals(b.getString("rule")) && "resolved".equals(b.getString("status")), Duration.ofSeconds(120),
                    () -> LockSupport.parkNanos(Duration.ofMillis(500).toNanos()))
                    .orElseThrow(() -> new AssertionError("the canary alert never resolved; last walk " + app.canary().orElseThrow().last()));
        }
    }

    private static void poll(Duration within, BooleanSupplier done, java.util.function.Supplier<String> why) {
        long until = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - until > 0) {
                throw new AssertionError(why.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
    }
}
