package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.fhir.FhirValidation;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The FHIR feed through the outbox, to a registry endpoint started by the test: bookings,
 * cancellations, doses given and no-shows each reach it as a transaction Bundle that validates;
 * a registry that is down or refuses is retried; each person's events arrive in the order they
 * happened; and across a restart of Orderly nothing is lost and nothing accepted twice.
 */
class FhirFeedIT {

    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final ShiftingClock clock = new ShiftingClock();
    private final FhirEndpointRecorder registry = new FhirEndpointRecorder();
    private OrderlyApp app;
    private int residents;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        registry.close();
    }

    private record Booked(ApiClient browser, JsonObject resident, JsonObject reservation) {
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

    private Booked citizenBooks() {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        JsonObject resident = b.get("/api/dev/residents?count=1&offset=" + (residents++)).array().getJsonObject(0);
        assertThat(b.verifyAs(resident).status()).isEqualTo(200);
        b.waitForPass("booking", Duration.ofSeconds(20));
        JsonObject choice = BookingHttpIT.choice(b, 0);
        choice.remove("province");
        ApiClient.Answer booked = b.post("/api/reservations", choice);
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return new Booked(b, resident, booked.json());
    }

    @Test
    void everyChangeReachesTheRegistryInOrderPerPersonOnceEachAcrossRetriesAndARestart() throws Exception {
        Settings settings = TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_FHIR_ENDPOINT", registry.url()));
        registry.down(true);
        app = OrderlyApp.start(settings, clock);
        Booked kim = citizenBooks();
        Booked lee = citizenBooks();
        Booked park = citizenBooks();
        ApiClient.Answer cancelled = park.browser().delete("/api/reservations/mine", "Idempotency-Key", "fhir-c-1");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        // Booking never waited for the registry: all three booked while it was down, and their events wait in the outbox.
        awaitTrue("the relay tried the down registry", () -> registry.received().size() >= 3);
        assertThat(registry.accepted()).isEmpty();
        assertThat(unsent()).isEqualTo(4);

        app.close();
        app = null;
        registry.down(false);
        registry.refuseFirstAttempts(true);
        app = OrderlyApp.start(settings, clock);
        ApiClient machine = new ApiClient(app.port()).withBearer(TOKEN);
        clock.jumpTo(SeoulCalendar.startOf(kim.dose1Day()).plus(Duration.ofHours(10)));
        String product = kim.reservation().getString("product");
        ApiClient.Answer given = machine.post("/api/operator/clinics/" + kim.clinicId() + "/doses", new JsonObject()
                .put("reference", kim.reference()).put("dose", 1).put("product", product).put("lot", "FK-1234").put("doseNumber", 1));
        assertThat(given.status()).as(given.body()).isEqualTo(200);
        clock.jumpTo(SeoulCalendar.startOf(lee.dose1Day().plusDays(1)).plus(Duration.ofHours(9)));
        ApiClient.Answer noShow = machine.post("/api/operator/clinics/" + lee.clinicId() + "/no-show",
                new JsonObject().put("reference", lee.reference()).put("dose", 1));
        assertThat(noShow.status()).as(noShow.body()).isEqualTo(200);

        awaitTrue("the backlog is delivered", () -> unsent() == 0);

        Map<Long, String> events = events();
        assertThat(events.values()).containsExactlyInAnyOrder("BOOKED", "BOOKED", "BOOKED", "CANCELLED", "DOSE_GIVEN", "NO_SHOW");
        List<FhirEndpointRecorder.Received> accepted = registry.accepted();
        assertThat(accepted.stream().map(FhirEndpointRecorder.Received::eventId).toList()).as("each event accepted exactly once")
                .containsExactlyInAnyOrderElementsOf(events.keySet().stream().map(String::valueOf).toList());
        assertThat(registry.received().size()).as("every event was refused once first, and retried")
                .isGreaterThanOrEqualTo(2 * events.size());
        Map<String, List<Long>> perPatient = new LinkedHashMap<>();
        for (FhirEndpointRecorder.Received r : accepted) {
            String patient = r.bundle().getEntryFirstRep().getResource().getIdElement().getIdPart();
            perPatient.computeIfAbsent(patient, p -> new ArrayList<>()).add(Long.parseLong(r.eventId()));
            FhirValidation.assertValid("Bundle of event " + r.eventId(), r.body());
            for (Booked who : List.of(kim, lee, park)) {
                assertThat(r.body()).as("no personal data leaves in the feed").doesNotContain(who.resident().getString("name"))
                        .doesNotContain(who.resident().getString("birthDate")).doesNotContain(who.resident().getString("phone"));
            }
        }
        assertThat(perPatient).hasSize(3);
        perPatient.forEach((patient, ids) -> assertThat(ids).as("events of " + patient + " in the order they happened").isSorted());

        Bundle kimsDose = bundleOf(accepted, "DOSE_GIVEN", events);
        Immunization immunization = resource(kimsDose, Immunization.class);
        assertThat(immunization.getLotNumber()).isEqualTo("FK-1234");
        assertThat(immunization.getVaccineCode().getCodingFirstRep().getCode()).isEqualTo(product);
        assertThat(immunization.getProtocolAppliedFirstRep().getDoseNumberPositiveIntType().getValue()).isEqualTo(1);
        assertThat(resource(kimsDose, Appointment.class).getStatus()).isEqualTo(Appointment.AppointmentStatus.FULFILLED);
        assertThat(resource(bundleOf(accepted, "NO_SHOW", events), Appointment.class).getStatus())
                .isEqualTo(Appointment.AppointmentStatus.NOSHOW);
        assertThat(resource(bundleOf(accepted, "CANCELLED", events), Appointment.class).getStatus())
                .isEqualTo(Appointment.AppointmentStatus.CANCELLED);
    }

    @Test
    void withoutAnEndpointNoFhirEventIsWritten() throws Exception {
        app = OrderlyApp.start(TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN)), clock);
        citizenBooks();
        assertThat(events()).isEmpty();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM outbox WHERE channel = 'sms'")) {
            r.next();
            assertThat(r.getLong(1)).as("the confirmation text is written as before").isEqualTo(1);
        }
    }

    private static Bundle bundleOf(List<FhirEndpointRecorder.Received> accepted, String kind, Map<Long, String> events) {
        return accepted.stream().filter(r -> kind.equals(events.get(Long.parseLong(r.eventId())))).findFirst().orElseThrow().bundle();
    }

    private static <T> T resource(Bundle b, Class<T> type) {
        return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow();
    }

    private Map<Long, String> events() throws SQLException {
        Map<Long, String> out = new LinkedHashMap<>();
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, kind FROM outbox WHERE channel = 'fhir' ORDER BY id")) {
            while (r.next()) {
                out.put(r.getLong(1), r.getString(2));
            }
        }
        return out;
    }

    private long unsent() {
        try (Connection c = app.database().jdbc(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM outbox WHERE channel = 'fhir' AND sent_at IS NULL")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} until it holds, failing after {@link #PATIENCE}. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
