package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.staff.Role;
import dev.orderly.staff.Totp;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clinic desk over HTTP against a real Orderly on PostgreSQL: a clinic account works its own
 * clinics only (403 elsewhere), sees masked names and no phone, checks in, records doses and
 * no-shows on the right days only, and closes a day with everyone moved, the counters exact and
 * the texts in the outbox.
 */
class ClinicHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";

    private final ShiftingClock clock = new ShiftingClock();
    private Settings settings;
    private OrderlyApp app;
    private ApiClient machine;
    private int accounts;
    private int residents;

    @BeforeEach
    void start() {
        settings = TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN));
        app = OrderlyApp.start(settings, clock);
        machine = new ApiClient(app.port()).withBearer(TOKEN);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private record Staff(String login, String secret) {
    }

    private Staff create(Role role, long... clinics) {
        String login = role.slug() + "-" + (++accounts);
        JsonObject body = new JsonObject().put("login", login).put("name", "Desk " + accounts).put("role", role.slug()).put("password", PASSWORD);
        if (clinics.length > 0) {
            JsonArray ids = new JsonArray();
            for (long c : clinics) {
                ids.add(c);
            }
            body.put("clinics", ids);
        }
        ApiClient.Answer a = machine.post("/api/operator/staff", body);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return new Staff(login, a.json().getString("totpSecret"));
    }

    /** A browser signed in as {@code s}, at the next TOTP step so its code is fresh. */
    private ApiClient signedIn(Staff s) {
        clock.jumpTo(clock.instant().plusSeconds(Totp.STEP_SECONDS));
        ApiClient browser = new ApiClient(app.port());
        ApiClient.Answer a = browser.post("/api/staff/sign-in", new JsonObject().put("login", s.login()).put("password", PASSWORD)
                .put("code", Totp.code(s.secret(), clock.instant())));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return browser;
    }

    private String origin() {
        return "http://127.0.0.1:" + app.port();
    }

    private ApiClient.Answer post(ApiClient b, String path, JsonObject body) {
        return b.post(path, body, "Origin", origin());
    }

    /** A citizen who verified and booked the first clinic listed, {@code dayOffset} days after the first bookable day. */
    private record Booked(JsonObject resident, JsonObject reservation) {
        long clinicId() {
            return reservation.getJsonObject("clinic").getLong("id");
        }

        String reference() {
            return reservation.getString("reference");
        }

        LocalDate dose1Day() {
            return LocalDate.parse(reservation.getString("dose1Day"));
        }
    }

    private Booked citizenBooks(int dayOffset) {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        JsonObject resident = b.get("/api/dev/residents?count=1&offset=" + (residents++)).array().getJsonObject(0);
        assertThat(b.verifyAs(resident).status()).isEqualTo(200);
        b.waitForPass("booking", Duration.ofSeconds(20));
        JsonObject choice = BookingHttpIT.choice(b, dayOffset);
        choice.remove("province");
        ApiClient.Answer booked = b.post("/api/reservations", choice);
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return new Booked(resident, booked.json());
    }

    private void jumpToMorningOf(LocalDate day) {
        clock.jumpTo(SeoulCalendar.startOf(day).plus(Duration.ofHours(9)));
    }

    @Test
    void aClinicAccountWorksItsOwnClinicsOnlyAndSeesNoPhoneNorWholeName() {
        Booked kim = citizenBooks(0);
        long clinic = kim.clinicId();
        long other = clinic == 1 ? 2 : 1;
        ApiClient mine = signedIn(create(Role.CLINIC, clinic));
        ApiClient theirs = signedIn(create(Role.CLINIC, other));
        ApiClient auditor = signedIn(create(Role.AUDITOR));
        String base = "/api/operator/clinics/" + clinic;

        ApiClient.Answer day = mine.get(base + "/day?date=" + kim.dose1Day());

        assertThat(day.status()).as(day.body()).isEqualTo(200);
        JsonObject first = day.json().getJsonArray("appointments").getJsonObject(0);
        assertThat(first.getString("reference")).isEqualTo(kim.reference());
        assertThat(first.getInteger("dose")).isEqualTo(1);
        assertThat(first.getString("status")).isEqualTo("booked");
        assertThat(first.getString("birthDate")).isEqualTo(kim.resident().getString("birthDate"));
        String name = kim.resident().getString("name");
        assertThat(first.getString("name")).startsWith(name.substring(0, 1)).contains("*").isNotEqualTo(name);
        assertThat(day.json().getJsonObject("counts").getInteger("booked")).isEqualTo(1);
        PersonalDataScan scan = new PersonalDataScan().phone(kim.resident().getString("phone").replace("-", ""));
        List<String> found = new ArrayList<>(scan.findIn("day list", day.body()));
        ApiClient.Answer byRef = mine.get(base + "/day?date=" + kim.dose1Day() + "&q=" + kim.reference().toLowerCase());
        assertThat(byRef.json().getJsonArray("appointments")).hasSize(1);
        ApiClient.Answer byName = mine.get(base + "/day?date=" + kim.dose1Day() + "&name=" + CitizenWalkHttpIT.enc(name) + "&birthDate="
                + kim.resident().getString("birthDate"));
        assertThat(byName.json().getJsonArray("appointments")).hasSize(1);
        found.addAll(scan.findIn("search", byRef.body() + byName.body() + mine.get(base).body()));
        assertThat(found).isEmpty();

        assertThat(auditor.get(base + "/day").status()).isEqualTo(200);
        assertProblem(post(auditor, base + "/check-in", new JsonObject().put("reference", kim.reference())), 403, "role-not-allowed");
        assertProblem(theirs.get(base + "/day"), 403, "role-not-allowed");
        assertProblem(theirs.get(base), 403, "role-not-allowed");
        assertProblem(post(theirs, base + "/check-in", new JsonObject().put("reference", kim.reference())), 403, "role-not-allowed");
        assertProblem(post(theirs, base + "/doses", new JsonObject().put("reference", kim.reference()).put("dose", 1).put("product", "PFZ")
                .put("lot", "A1").put("doseNumber", 1)), 403, "role-not-allowed");
        assertProblem(post(theirs, base + "/no-show", new JsonObject().put("reference", kim.reference()).put("dose", 1)), 403,
                "role-not-allowed");
        assertProblem(theirs.put(base + "/capacity", new JsonObject().put("product", "PFZ").put("day", kim.dose1Day().toString())
                .put("capacity", 0), "Origin", origin()), 403, "role-not-allowed");
        assertProblem(post(theirs, base + "/days/" + kim.dose1Day() + "/close", new JsonObject().put("reasonKo", "휴진").put("reasonEn", "x")),
                403, "role-not-allowed");
        // The other clinic's own desk does not know the reference either: it is booked elsewhere.
        assertProblem(post(theirs, "/api/operator/clinics/" + other + "/check-in", new JsonObject().put("reference", kim.reference())), 409,
                "wrong-clinic");
        assertThat(mine.get(base + "/day?date=" + kim.dose1Day()).json().getJsonArray("appointments").getJsonObject(0).getString("status"))
                .as("nothing was recorded").isEqualTo("booked");
    }

    @Test
    void checkInDoseAndNoShowHappenOnTheRightDayOnlyAndAreAudited() throws Exception {
        Booked kim = citizenBooks(0);
        Booked lee = citizenBooks(0);
        long clinic = kim.clinicId();
        Staff desk = create(Role.CLINIC, clinic);
        String base = "/api/operator/clinics/" + clinic;
        String product = kim.reservation().getString("product");
        ApiClient before = signedIn(desk);
        if (!SeoulCalendar.today(clock).equals(kim.dose1Day())) {
            assertProblem(post(before, base + "/check-in", new JsonObject().put("reference", kim.reference())), 409, "wrong-day");
            assertProblem(post(before, base + "/no-show", new JsonObject().put("reference", kim.reference()).put("dose", 1)), 409, "day-not-over");
        }

        jumpToMorningOf(kim.dose1Day());
        ApiClient b = signedIn(desk);
        ApiClient.Answer in = post(b, base + "/check-in", new JsonObject().put("name", kim.resident().getString("name"))
                .put("birthDate", kim.resident().getString("birthDate")));
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        assertThat(in.json().getString("status")).isEqualTo("checked-in");
        assertProblem(post(b, base + "/check-in", new JsonObject().put("reference", kim.reference())), 409, "visit-recorded");
        JsonObject dose = new JsonObject().put("reference", kim.reference()).put("dose", 1).put("product", product).put("lot", "FK-1234")
                .put("doseNumber", 1);
        assertProblem(post(b, base + "/doses", dose.copy().put("doseNumber", 2)), 422, "wrong-dose");
        assertProblem(post(b, base + "/doses", dose.copy().put("product", product.equals("PFZ") ? "MOD" : "PFZ")), 422, "wrong-product");
        assertProblem(post(b, base + "/doses", dose.copy().put("lot", "FK 1234")), 400, "bad-request");
        assertProblem(post(b, base + "/doses", dose.copy().put("dose", 2).put("doseNumber", 2)), 409, "wrong-day");

        ApiClient.Answer given = post(b, base + "/doses", dose);

        assertThat(given.status()).as(given.body()).isEqualTo(200);
        assertThat(given.json().getString("status")).isEqualTo("given");
        assertThat(given.json().getString("lot")).isEqualTo("FK-1234");
        assertThat(given.json().getBoolean("completed")).isFalse();
        assertProblem(post(b, base + "/doses", dose), 409, "already-given");
        assertProblem(post(b, base + "/no-show", new JsonObject().put("reference", lee.reference()).put("dose", 1)), 409, "day-not-over");

        jumpToMorningOf(kim.dose1Day().plusDays(1));
        ApiClient next = signedIn(desk);
        assertProblem(post(next, base + "/check-in", new JsonObject().put("reference", lee.reference()).put("dose", 1)), 409, "wrong-day");
        ApiClient.Answer noShow = post(next, base + "/no-show", new JsonObject().put("reference", lee.reference()).put("dose", 1));
        assertThat(noShow.status()).as(noShow.body()).isEqualTo(200);
        assertThat(noShow.json().getString("status")).isEqualTo("no-show");
        assertProblem(post(next, base + "/no-show", new JsonObject().put("reference", kim.reference()).put("dose", 1)), 409, "already-given");
        assertProblem(post(next, base + "/no-show", new JsonObject().put("reference", lee.reference()).put("dose", 1)), 409, "visit-recorded");

        JsonObject list = next.get(base + "/day?date=" + kim.dose1Day()).json();
        assertThat(list.getJsonObject("counts").getInteger("given")).isEqualTo(1);
        assertThat(list.getJsonObject("counts").getInteger("no-show")).isEqualTo(1);
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT action, actor, after_state FROM audit_log WHERE action LIKE 'clinic.%' ORDER BY seq")) {
            List<String> actions = new ArrayList<>();
            while (rs.next()) {
                actions.add(rs.getString(1));
                assertThat(rs.getString(2)).isEqualTo(desk.login());
                assertThat(rs.getString(3)).doesNotContain(kim.resident().getString("name"));
            }
            assertThat(actions).containsExactly("clinic.check-in", "clinic.dose-given", "clinic.no-show");
        }
    }

    @Test
    void closingADayMovesEveryoneKeepsTheCountersExactAndTellsThemThroughTheOutbox() throws Exception {
        List<Booked> booked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            booked.add(citizenBooks(1));
        }
        long clinic = booked.getFirst().clinicId();
        LocalDate day = booked.getFirst().dose1Day();
        assertThat(booked).allSatisfy(x -> assertThat(x.dose1Day()).isEqualTo(day));
        ApiClient b = signedIn(create(Role.CLINIC, clinic));
        String base = "/api/operator/clinics/" + clinic;
        String product = booked.getFirst().reservation().getString("product");
        assertProblem(b.put(base + "/capacity", new JsonObject().put("product", product).put("day", day.toString()).put("capacity", 1),
                "Origin", origin()), 409, "below-booked");
        ApiClient.Answer raised = b.put(base + "/capacity", new JsonObject().put("product", product).put("day", day.plusDays(2).toString())
                .put("capacity", 50), "Origin", origin());
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);

        ApiClient.Answer closed = post(b, base + "/days/" + day + "/close", new JsonObject().put("reasonKo", "백신 미도착").put("reasonEn", "no delivery"));

        assertThat(closed.status()).as(closed.body()).isEqualTo(200);
        assertThat(closed.json().getJsonObject("closed").getInteger("moved")).isEqualTo(3);
        assertThat(closed.json().getJsonArray("movedAppointments")).hasSize(3);
        for (Object o : closed.json().getJsonArray("movedAppointments")) {
            JsonObject m = (JsonObject) o;
            assertThat(LocalDate.parse(m.getString("dose1Day"))).isAfter(day);
        }
        JsonObject integrity = machine.get("/api/operator/integrity").json();
        assertThat(integrity.getBoolean("clean")).as(integrity.encode()).isTrue();
        JsonObject list = b.get(base + "/day?date=" + day).json();
        assertThat(list.getJsonObject("closed").getString("reasonEn")).isEqualTo("no delivery");
        assertThat(list.getJsonArray("appointments")).isEmpty();
        assertThat(list.getJsonArray("capacity")).allSatisfy(o -> {
            assertThat(((JsonObject) o).getInteger("capacity")).isZero();
            assertThat(((JsonObject) o).getInteger("booked")).isZero();
        });
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT count(*), min(body) FROM outbox WHERE kind = 'DAY_CLOSED_MOVED'");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getString(2)).contains("/my.html");
            rs = s.executeQuery("""
                    SELECT count(*) FROM day_capacity dc WHERE dc.booked <> (SELECT count(*) FROM reservations r WHERE r.status = 'ACTIVE'
                      AND r.clinic_id = dc.clinic_id AND r.product = dc.product AND r.day = dc.day AND r.grp = dc.grp)""");
            rs.next();
            assertThat(rs.getInt(1)).as("buckets whose count disagrees with their reservations").isZero();
            rs = s.executeQuery("SELECT after_state FROM audit_log WHERE action = 'clinic.day.close'");
            assertThat(rs.next()).isTrue();
            assertThat(new JsonObject(rs.getString(1)).getInteger("moved")).isEqualTo(3);
        }
        assertProblem(post(b, base + "/days/" + day + "/close", new JsonObject().put("reasonKo", "휴진").put("reasonEn", "closed")), 409,
                "day-closed");
        assertProblem(b.put(base + "/capacity", new JsonObject().put("product", product).put("day", day.toString()).put("capacity", 5),
                "Origin", origin()), 409, "day-closed");
        assertProblem(post(b, base + "/days/" + SeoulCalendar.today(clock).minusDays(1) + "/close",
                new JsonObject().put("reasonKo", "휴진").put("reasonEn", "closed")), 409, "day-past");
    }

    @Test
    void theDemoDataComesWithStaffAccountsWhoseCodesTheDevPageShows() throws Exception {
        java.nio.file.Path file = settings.dataDir().resolve("demo-staff.txt");
        assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        JsonArray staff = new ApiClient(app.port()).get("/api/dev/staff").array();
        assertThat(staff.stream().map(o -> ((JsonObject) o).getString("login"))).containsExactly("demo-operator", "demo-clinic", "demo-agent");
        JsonObject clinicAccount = staff.getJsonObject(1);
        assertThat(clinicAccount.getString("role")).isEqualTo("clinic");
        assertThat(clinicAccount.getJsonArray("clinics").encode()).startsWith("[1,2,3");
        assertThat(java.nio.file.Files.readString(file)).contains(clinicAccount.getString("password"));
        assertThat(machine.get("/api/operator/staff").body()).doesNotContain(clinicAccount.getString("password"));

        ApiClient tablet = new ApiClient(app.port());
        ApiClient.Answer signedIn = tablet.post("/api/staff/sign-in", new JsonObject().put("login", "demo-clinic")
                .put("password", clinicAccount.getString("password")).put("code", clinicAccount.getString("code")));

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        assertThat(tablet.get("/api/operator/clinics/1/day").status()).isEqualTo(200);
        assertThat(tablet.get("/api/operator/gates").status()).isEqualTo(403);
    }

    @Test
    void badInputIsA4xxProblemAndChangesNothing() {
        Booked kim = citizenBooks(0);
        long clinic = kim.clinicId();
        ApiClient op = signedIn(create(Role.OPERATOR));
        String base = "/api/operator/clinics/" + clinic;

        assertProblem(op.get(base + "/day?date=2021-13-40"), 400, "bad-request");
        assertProblem(op.get(base + "/day?q=not%20a%20reference"), 400, "bad-request");
        assertProblem(op.get(base + "/day?name=" + CitizenWalkHttpIT.enc("김민수")), 400, "bad-request");
        assertProblem(op.get("/api/operator/clinics/99999999/day"), 404, "unknown-clinic");
        assertProblem(op.get("/api/operator/clinics/abc/day"), 400, "bad-request");
        assertProblem(post(op, base + "/check-in", new JsonObject()), 400, "bad-request");
        assertProblem(post(op, base + "/check-in", new JsonObject().put("reference", kim.reference()).put("name", "x").put("birthDate", "1960-01-01")),
                400, "bad-request");
        assertProblem(post(op, base + "/check-in", new JsonObject().put("reference", kim.reference()).put("admin", true)), 400, "bad-request");
        assertProblem(post(op, base + "/check-in", new JsonObject().put("reference", "OR-NOBODY1").put("dose", 1)), 404, "unknown-appointment");
        assertProblem(post(op, base + "/doses", new JsonObject().put("reference", kim.reference()).put("dose", 3).put("product", "PFZ")
                .put("lot", "A1").put("doseNumber", 1)), 400, "bad-request");
        assertProblem(post(op, base + "/no-show", new JsonObject().put("reference", kim.reference())), 400, "bad-request");
        assertProblem(op.put(base + "/capacity", new JsonObject().put("product", "PFZ").put("day", "2021-08-16").put("capacity", -1), "Origin",
                origin()), 400, "bad-request");
        assertProblem(op.put(base + "/capacity", new JsonObject().put("product", "NOPE").put("day", kim.dose1Day().toString()).put("capacity", 5),
                "Origin", origin()), 422, "not-offered");
        assertProblem(post(op, base + "/days/tomorrow/close", new JsonObject().put("reasonKo", "a").put("reasonEn", "b")), 400, "bad-request");
        assertProblem(post(op, base + "/days/" + kim.dose1Day() + "/close", new JsonObject().put("reasonKo", "a")), 400, "bad-request");
        assertProblem(op.post(base + "/check-in", new JsonObject().put("reference", kim.reference())), 403, "cross-site-request");
        assertThat(op.get(base + "/day?date=" + kim.dose1Day()).json().getJsonArray("appointments").getJsonObject(0).getString("status"))
                .isEqualTo("booked");
    }
}
