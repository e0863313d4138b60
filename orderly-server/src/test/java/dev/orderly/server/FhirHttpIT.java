package dev.orderly.server;

import static dev.orderly.server.BookingHttpIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.fhir.FhirJson;
import dev.orderly.server.fhir.FhirValidation;
import dev.orderly.staff.Role;
import dev.orderly.staff.Totp;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FHIR over HTTP against a real Orderly: clinics' systems read Appointments and Immunizations of
 * their own clinics only, paged; the CapabilityStatement and every answer validate; the SMART
 * Scheduling Links files say exactly the free places the database holds, with an ETag.
 */
class FhirHttpIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";

    private final ShiftingClock clock = new ShiftingClock();
    private OrderlyApp app;
    private ApiClient machine;
    private int accounts;
    private int residents;

    @BeforeEach
    void start() {
        app = OrderlyApp.start(TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_FHIR_BULK_SECONDS", "1")), clock);
        machine = new ApiClient(app.port()).withBearer(TOKEN);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private ApiClient signedInClinic(long clinic) {
        String login = "clinic-" + (++accounts);
        ApiClient.Answer a = machine.post("/api/operator/staff", new JsonObject().put("login", login).put("name", "Desk " + accounts)
                .put("role", Role.CLINIC.slug()).put("password", PASSWORD).put("clinics", new JsonArray().add(clinic)));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        clock.jumpTo(clock.instant().plusSeconds(Totp.STEP_SECONDS));
        ApiClient browser = new ApiClient(app.port());
        ApiClient.Answer in = browser.post("/api/staff/sign-in", new JsonObject().put("login", login).put("password", PASSWORD)
                .put("code", Totp.code(a.json().getString("totpSecret"), clock.instant())));
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        return browser;
    }

    private JsonObject citizenBooks() {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        JsonObject resident = b.get("/api/dev/residents?count=1&offset=" + (residents++)).array().getJsonObject(0);
        assertThat(b.verifyAs(resident).status()).isEqualTo(200);
        b.waitForPass("booking", Duration.ofSeconds(20));
        JsonObject choice = BookingHttpIT.choice(b, 0);
        choice.remove("province");
        ApiClient.Answer booked = b.post("/api/reservations", choice);
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return booked.json();
    }

    private static Bundle searchset(ApiClient.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        FhirValidation.assertValid("searchset", a.body());
        Bundle b = FhirJson.parser().parseResource(Bundle.class, a.body());
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        return b;
    }

    @Test
    void aClinicReadsItsOwnAppointmentsAndDosesPagedAndNoOtherClinics() {
        JsonObject kim = citizenBooks();
        citizenBooks();
        citizenBooks();
        long clinic = kim.getJsonObject("clinic").getLong("id");
        long other = clinic == 1 ? 2 : 1;
        LocalDate day = LocalDate.parse(kim.getString("dose1Day"));
        ApiClient mine = signedInClinic(clinic);
        ApiClient theirs = signedInClinic(other);
        String query = "?location=" + clinic + "&date=" + day;

        Bundle all = searchset(mine.get("/fhir/Appointment" + query));
        assertThat(all.getEntry()).hasSize(3);
        assertThat(all.getLink("next")).isNull();
        assertThat(all.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()))
                .contains(kim.getString("reference") + "-1");
        Bundle first = searchset(mine.get("/fhir/Appointment" + query + "&_count=2"));
        assertThat(first.getEntry()).hasSize(2);
        String next = first.getLink("next").getUrl();
        Bundle second = searchset(mine.get(next.substring(next.indexOf("/fhir/"))));
        assertThat(second.getEntry()).hasSize(1);
        assertThat(second.getLink("next")).isNull();

        assertProblem(theirs.get("/fhir/Appointment" + query), 403, "role-not-allowed");
        assertProblem(theirs.get("/fhir/Appointment?location=Location/" + clinic + "&date=" + day), 403, "role-not-allowed");
        assertProblem(theirs.get("/fhir/Immunization" + query), 403, "role-not-allowed");
        assertProblem(theirs.get("/fhir/Appointment?date=" + day), 403, "role-not-allowed");
        assertProblem(new ApiClient(app.port()).get("/fhir/Appointment" + query), 401, "operator-only");
        assertProblem(machine.get("/fhir/Appointment?location=" + clinic), 400, "bad-request");
        assertThat(searchset(theirs.get("/fhir/Appointment?location=" + other + "&date=" + day)).getEntry())
                .allSatisfy(e -> assertThat(((Appointment) e.getResource()).getParticipant().get(1).getActor().getReference())
                        .isEqualTo("Location/" + other));

        clock.jumpTo(SeoulCalendar.startOf(day).plus(Duration.ofHours(10)));
        ApiClient.Answer given = machine.post("/api/operator/clinics/" + clinic + "/doses", new JsonObject().put("reference",
                kim.getString("reference")).put("dose", 1).put("product", kim.getString("product")).put("lot", "FK-77").put("doseNumber", 1));
        assertThat(given.status()).as(given.body()).isEqualTo(200);
        ApiClient desk = signedInClinic(clinic);
        Bundle doses = searchset(desk.get("/fhir/Immunization" + query));
        assertThat(doses.getEntry()).hasSize(1);
        Immunization im = (Immunization) doses.getEntryFirstRep().getResource();
        assertThat(im.getLotNumber()).isEqualTo("FK-77");
        assertThat(im.getVaccineCode().getCodingFirstRep().getCode()).isEqualTo(kim.getString("product"));
    }

    @Test
    void theCapabilityStatementIsPublicAndValid() {
        ApiClient.Answer a = new ApiClient(app.port()).get("/fhir/metadata");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        FhirValidation.assertValid("CapabilityStatement", a.body());
        assertThat(new JsonObject(a.body()).getString("resourceType")).isEqualTo("CapabilityStatement");
    }

    @Test
    void theAvailabilityFilesSayTheFreePlacesOfTheDatabaseWithAnETag() throws Exception {
        citizenBooks();
        ApiClient anyone = new ApiClient(app.port());
        Map<String, Integer> database = freePlaces();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Integer> published = Map.of();
        ApiClient.Answer manifest = null;
        while (System.nanoTime() < deadline) {
            manifest = anyone.get("/fhir/$bulk-publish");
            if (manifest.status() == 200) {
                published = published(anyone);
                if (published.equals(database)) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        assertThat(published).as("Slot capacities against day_capacity").isEqualTo(database);
        assertThat(database.values().stream().mapToInt(Integer::intValue).sum()).isPositive();
        JsonObject m = new JsonObject(manifest.body());
        assertThat(m.getJsonArray("output").stream().map(o -> ((JsonObject) o).getString("type")).toList())
                .containsExactly("Location", "Schedule", "Slot");
        assertThat(manifest.raw().headers().firstValue("Cache-Control").orElse("")).contains("max-age");
        String etag = manifest.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(anyone.get("/fhir/$bulk-publish", "If-None-Match", etag).status()).isIn(304, 200);
        for (String type : List.of("Location", "Schedule", "Slot")) {
            ApiClient.Answer file = anyone.get("/fhir/bulk/" + type + ".ndjson");
            assertThat(file.status()).isEqualTo(200);
            FhirValidation.assertValid(type + " (first line)", file.body().lines().findFirst().orElseThrow());
        }
        ApiClient.Answer again = anyone.get("/fhir/bulk/Slot.ndjson", "If-None-Match",
                anyone.get("/fhir/bulk/Slot.ndjson").raw().headers().firstValue("ETag").orElseThrow());
        assertThat(again.status()).as("unchanged files are not sent again (a rebuild in between may change them)").isIn(304, 200);
    }

    private static Map<String, Integer> published(ApiClient anyone) {
        Map<String, Integer> out = new HashMap<>();
        anyone.get("/fhir/bulk/Slot.ndjson").body().lines().forEach(line -> {
            Slot s = FhirJson.parser().parseResource(Slot.class, line);
            int free = ((IntegerType) s.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity")
                    .getValue()).getValue();
            out.put(s.getIdElement().getIdPart(), free);
        });
        return out;
    }

    private Map<String, Integer> freePlaces() throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        LocalDate today = SeoulCalendar.today(clock);
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("""
                     SELECT clinic_id, product, day, sum(capacity) - sum(booked) FROM day_capacity WHERE day >= '%s'
                     GROUP BY clinic_id, product, day""".formatted(today))) {
            while (r.next()) {
                out.put(r.getLong(1) + "-" + r.getString(2) + "-" + r.getDate(3).toLocalDate().toString().replace("-", ""), r.getInt(4));
            }
        }
        return out;
    }
}
