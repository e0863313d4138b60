package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.staff.Role;
import dev.orderly.staff.Totp;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leftover doses over a real socket and PostgreSQL: citizens join the standby list, a clinic
 * account (password and TOTP) releases a dose, the offer's SMS arrives in the dev inbox with its
 * link, the offered citizen claims it (dose 1 today, dose 2 in the interval), a second claim is
 * refused, an unclaimed offer expires on the timer, bad input is refused, and a clinic account
 * cannot release for a clinic not its own.
 */
class StandbyHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";
    private static final Pattern LINK = Pattern.compile("/claim\\.html\\?offer=([A-Za-z0-9_-]{32})");

    private static final ShiftingClock clock = new ShiftingClock();
    private static OrderlyApp app;
    private static ApiClient machine;
    private static long clinicId;
    private static long otherClinicId;
    private static String product;
    private static JsonArray residents;

    @BeforeAll
    static void start() {
        // 10:00 in Seoul today, so that "today" and the hours below hold whatever time the test runs.
        clock.jumpTo(SeoulCalendar.startOf(SeoulCalendar.today(clock)).plus(Duration.ofHours(10)));
        app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_SESSION_IDLE_MINUTES", "120",
                "ORDERLY_SESSION_LIFETIME_MINUTES", "240"), clock);
        machine = new ApiClient(app.port()).withBearer(TOKEN);
        residents = machine.get("/api/dev/residents?count=4").array();
        String province = machine.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonArray clinics = machine.get("/api/clinics?province=" + CitizenWalkHttpIT.enc(province)).json().getJsonArray("clinics");
        clinicId = clinics.getJsonObject(0).getLong("id");
        otherClinicId = clinics.getJsonObject(1).getLong("id");
        product = clinics.getJsonObject(0).getJsonArray("products").getString(0);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static ApiClient verified(int resident) {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        ApiClient.Answer v = b.verifyAs(residents.getJsonObject(resident));
        assertThat(v.status()).as(v.body()).isEqualTo(200);
        return b;
    }

    private static JsonObject joinBody() {
        return new JsonObject().put("clinicIds", new JsonArray().add(clinicId)).put("from", "00:00").put("to", "23:59").put("consent", true);
    }

    private static ApiClient clinicStaff(long... clinics) {
        JsonArray ids = new JsonArray();
        for (long c : clinics) {
            ids.add(c);
        }
        String login = "clinic-" + System.nanoTime() % 1_000_000;
        ApiClient.Answer made = machine.post("/api/operator/staff", new JsonObject().put("login", login).put("name", "Nurse Park")
                .put("role", Role.CLINIC.slug()).put("password", PASSWORD).put("clinics", ids));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        clock.jumpTo(clock.instant().plusSeconds(Totp.STEP_SECONDS));
        ApiClient browser = new ApiClient(app.port());
        ApiClient.Answer in = browser.post("/api/staff/sign-in", new JsonObject().put("login", login).put("password", PASSWORD)
                .put("code", Totp.code(made.json().getString("totpSecret"), clock.instant())));
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        return browser;
    }

    private static String origin() {
        return "http://127.0.0.1:" + app.port();
    }

    /** Waits for the offer SMS to {@code resident}'s phone (through the outbox relay) and returns its token. */
    private static String offerToken(int resident, String notToken) {
        String phone = residents.getJsonObject(resident).getString("phone");
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            ApiClient.Answer sms = machine.get("/api/dev/sms?phone=" + phone);
            if (sms.status() == 200) {
                Matcher m = LINK.matcher(sms.json().getString("text"));
                if (m.find() && !m.group(1).equals(notToken)) {
                    return m.group(1);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        throw new AssertionError("no offer SMS reached resident " + resident);
    }

    @Test
    void aStandbyCitizenClaimsAReleasedDoseFromTheSmsLinkAndTheNextOfferExpires() {
        ApiClient kim = verified(0);
        ApiClient lee = verified(1);
        assertThat(kim.post("/api/standby", joinBody()).status()).isEqualTo(201);
        ApiClient.Answer leeJoined = lee.post("/api/standby", joinBody());
        assertThat(leeJoined.status()).as(leeJoined.body()).isEqualTo(201);
        assertThat(kim.get("/api/standby/mine").json().getJsonArray("clinicIds").getLong(0)).isEqualTo(clinicId);

        ApiClient nurse = clinicStaff(clinicId);
        ApiClient.Answer released = nurse.post("/api/operator/clinics/" + clinicId + "/leftovers",
                new JsonObject().put("product", product).put("doses", 1), "Origin", origin());
        assertThat(released.status()).as(released.body()).isEqualTo(201);
        assertThat(released.json().getInteger("offered")).isEqualTo(1);
        assertThat(released.json().getString("order")).isEqualTo("joined");

        String token = offerToken(0, null);
        JsonObject offer = kim.get("/api/standby/offers/" + token).json();
        assertThat(offer.getString("status")).isEqualTo("OPEN");
        assertThat(offer.getString("product")).isEqualTo(product);
        assertThat(offer.getJsonObject("clinic").getLong("id")).isEqualTo(clinicId);
        assertThat(offer.getLong("secondsLeft")).isBetween(540L, 600L);
        assertThat(offer.encode()).doesNotContain(residents.getJsonObject(0).getString("name"));

        assertProblem(lee.post("/api/standby/offers/" + token + "/claim", null), 403, "offer-not-yours");
        assertProblem(new ApiClient(app.port()).post("/api/standby/offers/" + token + "/claim", null), 401, "not-verified");
        ApiClient.Answer claimed = kim.post("/api/standby/offers/" + token + "/claim", null, "Idempotency-Key", "claim-1");
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(201);
        LocalDate today = SeoulCalendar.today(clock);
        assertThat(claimed.json().getString("dose1Day")).isEqualTo(today.toString());
        assertThat(LocalDate.parse(claimed.json().getString("dose2Day"))).isAfter(today.plusDays(6));
        JsonObject mine = kim.get("/api/reservations/mine").json();
        assertThat(mine.getString("reference")).isEqualTo(claimed.json().getString("reference"));
        assertThat(mine.getJsonObject("clinic").getLong("id")).isEqualTo(clinicId);
        assertThat(kim.post("/api/standby/offers/" + token + "/claim", null, "Idempotency-Key", "claim-1").json().getString("reference"))
                .isEqualTo(mine.getString("reference"));
        assertProblem(kim.post("/api/standby/offers/" + token + "/claim", null, "Idempotency-Key", "claim-2"), 409, "offer-claimed");
        assertProblem(kim.post("/api/standby/offers/" + token + "/claim", null), 409, "offer-claimed");
        assertThat(kim.get("/api/standby/offers/" + token).json().getString("status")).isEqualTo("CLAIMED");

        // A second dose: Kim holds a reservation now and is skipped; Lee is offered it, lets the window pass, and it expires.
        ApiClient.Answer again = nurse.post("/api/operator/clinics/" + clinicId + "/leftovers",
                new JsonObject().put("product", product).put("doses", 1).put("order", "draw"), "Origin", origin());
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        String leeToken = offerToken(1, null);
        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(11)));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!lee.get("/api/standby/offers/" + leeToken).json().getString("status").equals("EXPIRED") && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        assertProblem(lee.post("/api/standby/offers/" + leeToken + "/claim", null), 410, "offer-expired");

        JsonObject list = nurse.get("/api/operator/clinics/" + clinicId + "/leftovers").json();
        assertThat(list.getJsonArray("releases")).hasSize(2);
        JsonObject first = list.getJsonArray("releases").getJsonObject(0);
        assertThat(first.getInteger("claimed")).isEqualTo(1);
        JsonObject second = list.getJsonArray("releases").getJsonObject(1);
        // The background step expires it whether or not anyone reads; nobody else is on the list for it.
        waitUntil(() -> nurse.get("/api/operator/clinics/" + clinicId + "/leftovers").json().getJsonArray("releases").getJsonObject(1)
                .getInteger("expired") == 1);
        assertThat(second.getString("order")).isEqualTo("draw");

        JsonArray audit = machine.get("/api/operator/audit?action=leftovers.release").json().getJsonArray("entries");
        assertThat(audit).hasSize(2);
        assertThat(audit.getJsonObject(0).getString("actor")).startsWith("clinic-");
        assertThat(app.bookingStore().checkIntegrity().overbooked()).isEmpty();
        assertThat(app.bookingStore().checkIntegrity().doubleBooked()).isEmpty();
    }

    private static void waitUntil(java.util.function.BooleanSupplier done) {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
    }

    @Test
    void aClinicAccountCannotReleaseOrReadForAnotherClinic() {
        ApiClient nurse = clinicStaff(clinicId);
        assertProblem(nurse.post("/api/operator/clinics/" + otherClinicId + "/leftovers",
                new JsonObject().put("product", product).put("doses", 1), "Origin", origin()), 403, "role-not-allowed");
        assertProblem(nurse.get("/api/operator/clinics/" + otherClinicId + "/leftovers"), 403, "role-not-allowed");
        assertProblem(nurse.put("/api/operator/leftovers/cohorts", new JsonObject().put("cohorts", new JsonArray().add("x")), "Origin",
                origin()), 403, "role-not-allowed");
        assertThat(machine.get("/api/operator/clinics/" + otherClinicId + "/leftovers").status()).isEqualTo(200);
        assertThat(machine.get("/api/operator/clinics/" + otherClinicId + "/leftovers").json().getJsonArray("releases")).isEmpty();
    }

    @Test
    void badInputIsRefusedWithAProblemAndNothingChanges() {
        ApiClient park = verified(2);
        assertProblem(new ApiClient(app.port()).post("/api/standby", joinBody()), 401, "not-verified");
        assertProblem(park.post("/api/standby", joinBody().put("consent", false)), 422, "consent-required");
        assertProblem(park.post("/api/standby", joinBody().put("from", "25:00")), 400, "bad-request");
        assertProblem(park.post("/api/standby", joinBody().put("from", "18:00").put("to", "09:00")), 400, "bad-request");
        assertProblem(park.post("/api/standby", joinBody().put("clinicIds", new JsonArray())), 400, "bad-request");
        assertProblem(park.post("/api/standby", joinBody().put("clinicIds", new JsonArray().add("one"))), 400, "bad-request");
        assertProblem(park.post("/api/standby", joinBody().put("clinicIds", new JsonArray().add(999_999))), 422, "chosen-clinic-unknown");
        assertProblem(park.post("/api/standby", joinBody().put("vip", true)), 400, "bad-request");
        assertProblem(park.post("/api/standby", joinBody().put("districts", new JsonArray().add(new JsonObject().put("province", "서울특별시")))),
                400, "bad-request");
        assertProblem(park.get("/api/standby/mine"), 404, "not-on-standby");
        assertProblem(park.delete("/api/standby/mine"), 404, "not-on-standby");
        assertProblem(park.get("/api/standby/offers/not-a-token"), 404, "offer-not-found");
        assertProblem(park.get("/api/standby/offers/" + "A".repeat(32)), 404, "offer-not-found");
        assertProblem(park.post("/api/standby/offers/" + "A".repeat(32) + "/claim", null), 404, "offer-not-found");
        assertProblem(park.post("/api/standby/offers/" + "A".repeat(32) + "/claim", null, "Idempotency-Key", "bad key!"), 400, "bad-request");

        String path = "/api/operator/clinics/" + clinicId + "/leftovers";
        assertProblem(machine.post(path, new JsonObject().put("product", product).put("doses", 0)), 400, "bad-request");
        assertProblem(machine.post(path, new JsonObject().put("product", product).put("doses", 201)), 400, "bad-request");
        assertProblem(machine.post(path, new JsonObject().put("product", product).put("doses", 1).put("order", "fastest")), 400, "bad-request");
        assertProblem(machine.post(path, new JsonObject().put("doses", 1)), 400, "bad-request");
        assertProblem(machine.post(path, new JsonObject().put("product", "NOPE").put("doses", 1)), 422, "not-offered");
        assertProblem(machine.post("/api/operator/clinics/abc/leftovers", new JsonObject().put("product", product).put("doses", 1)), 400,
                "bad-request");
        assertProblem(machine.put("/api/operator/leftovers/cohorts", new JsonObject().put("cohorts", new JsonArray().add("no-such"))), 404,
                "unknown-cohort");
        assertProblem(machine.put("/api/operator/leftovers/cohorts", new JsonObject().put("cohorts", new JsonArray().add("Bad Id"))), 400,
                "bad-request");
        assertThat(machine.get(path).json().getJsonArray("releases").stream()
                .filter(r -> ((JsonObject) r).getString("product").equals("NOPE"))).isEmpty();

        // Joining, changing (keeping the place) and leaving.
        ApiClient.Answer joined = park.post("/api/standby", joinBody());
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        ApiClient.Answer changed = park.post("/api/standby", joinBody().put("from", "12:00").put("to", "13:00"));
        assertThat(changed.json().getString("joinedAt")).isEqualTo(joined.json().getString("joinedAt"));
        assertThat(changed.json().getString("from")).isEqualTo("12:00");
        assertThat(park.delete("/api/standby/mine").status()).isEqualTo(200);
        assertProblem(park.get("/api/standby/mine"), 404, "not-on-standby");
    }

    @Test
    void anOperatorOpensACohortToLeftoversAndItIsAudited() {
        JsonArray cohorts = machine.get("/api/operator/cohorts").array();
        String id = cohorts.getJsonObject(cohorts.size() - 1).getString("id");
        ApiClient.Answer opened = machine.put("/api/operator/leftovers/cohorts", new JsonObject().put("cohorts", new JsonArray().add(id)));
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        assertThat(machine.get("/api/operator/leftovers/cohorts").json().getJsonArray("cohorts")).containsExactly(id);
        Optional<Object> entry = machine.get("/api/operator/audit?action=leftovers.cohorts").json().getJsonArray("entries").stream().findFirst();
        assertThat(entry).isPresent();
        assertProblem(machine.put("/api/operator/leftovers/cohorts", new JsonObject().put("cohorts", new JsonArray())), 400, "bad-request");
        assertThat(machine.get("/api/operator/leftovers/cohorts").json().getJsonArray("cohorts")).containsExactly(id);
        assertThat(machine.delete("/api/operator/leftovers/cohorts").status()).isEqualTo(200);
        assertThat(machine.get("/api/operator/leftovers/cohorts").json().getJsonArray("cohorts")).isEmpty();
    }
}
