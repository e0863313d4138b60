package dev.orderly.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.server.fhir.FhirOutbox.Event;
import dev.orderly.server.fhir.FhirRows.AppointmentRow;
import dev.orderly.server.fhir.FhirRows.ClinicRow;
import dev.orderly.server.fhir.FhirRows.ImmunizationRow;
import dev.orderly.server.fhir.FhirRows.SlotRow;
import dev.orderly.server.fhir.FhirRows.Vaccine;
import dev.orderly.server.fhir.FhirRows.Visit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Every kind of resource Orderly produces validates against FHIR R4 (HAPI's validator, base
 * profiles), in each state it can take; the samples committed under docs/fhir/ do too, and are
 * exactly what the mapping makes today (regenerate with {@code -Dfhir.samples.write=true}).
 */
class FhirResourcesValidationTest {

    private static final Path SAMPLES = Path.of("..", "docs", "fhir");
    private static final KeyedHash KEY = new KeyedHash("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), "orderly");
    private static final FhirResources RESOURCES = new FhirResources(KEY.forPurpose("fhir-patient"), "https://orderly.example");
    private static final ClinicRow CLINIC = new ClinicRow(17, "서울 중구 예방접종센터", "Seoul Jung-gu Vaccination Centre", "서울특별시", "중구",
            "세종대로 110", "02-3396-4000");
    private static final Vaccine PFIZER = new Vaccine("PFZ", "Pfizer-BioNTech (Comirnaty)");
    private static final LocalDate DAY = LocalDate.of(2021, 8, 26);
    private static final Instant BOOKED_AT = Instant.parse("2021-08-09T11:00:03Z");

    private static AppointmentRow appointment(int dose, boolean cancelled, Visit visit) {
        return new AppointmentRow("OR-7K3M9Q2P", dose, 4242, CLINIC.id(), PFIZER, dose == 1 ? DAY : DAY.plusDays(21), cancelled, BOOKED_AT,
                visit);
    }

    private static final ImmunizationRow GIVEN = new ImmunizationRow("OR-7K3M9Q2P", 1, 4242, CLINIC.id(), PFIZER, DAY,
            Instant.parse("2021-08-26T01:32:00Z"), "FF2590", 1);

    /** Stands in for the database in the feed's Bundle: the same rows as above. */
    private static final FhirReads ROWS = new FhirReads() {
        @Override
        public List<ClinicRow> clinics() {
            return List.of(CLINIC);
        }

        @Override
        public Optional<ClinicRow> clinic(long id) {
            return Optional.of(CLINIC).filter(c -> c.id() == id);
        }

        @Override
        public List<SlotRow> slots(LocalDate from) {
            return List.of(new SlotRow(CLINIC.id(), PFIZER, DAY, 120, 37, Optional.empty()));
        }

        @Override
        public List<AppointmentRow> appointmentsOf(String reference) {
            return List.of(appointment(1, false, Visit.GIVEN), appointment(2, false, Visit.NONE));
        }

        @Override
        public List<AppointmentRow> appointments(long clinicId, LocalDate day, int offset, int count) {
            return appointmentsOf("");
        }

        @Override
        public Optional<ImmunizationRow> immunization(String reference, int dose) {
            return Optional.of(GIVEN);
        }

        @Override
        public List<ImmunizationRow> immunizations(long clinicId, LocalDate day, int offset, int count) {
            return List.of(GIVEN);
        }
    };

    private static Map<String, IBaseResource> samples() {
        Map<String, IBaseResource> s = new LinkedHashMap<>();
        s.put("Patient", RESOURCES.patient(4242));
        s.put("Organization", RESOURCES.organization(CLINIC));
        s.put("Location", RESOURCES.location(CLINIC));
        s.put("Schedule", RESOURCES.schedule(CLINIC.id(), PFIZER));
        s.put("Slot-free", RESOURCES.slot(new SlotRow(CLINIC.id(), PFIZER, DAY, 120, 37, Optional.empty())));
        s.put("Slot-busy", RESOURCES.slot(new SlotRow(CLINIC.id(), PFIZER, DAY, 120, 120, Optional.empty())));
        s.put("Appointment-booked", RESOURCES.appointment(appointment(1, false, Visit.NONE)));
        s.put("Appointment-cancelled", RESOURCES.appointment(appointment(1, true, Visit.NONE)));
        s.put("Appointment-checked-in", RESOURCES.appointment(appointment(1, false, Visit.CHECKED_IN)));
        s.put("Appointment-fulfilled", RESOURCES.appointment(appointment(1, false, Visit.GIVEN)));
        s.put("Appointment-noshow", RESOURCES.appointment(appointment(2, false, Visit.NO_SHOW)));
        s.put("Immunization", RESOURCES.immunization(GIVEN));
        FeedBundles bundles = new FeedBundles(ROWS, RESOURCES);
        s.put("Bundle-transaction-booked", bundles.of(new Event(901, "BOOKED", 4242, "OR-7K3M9Q2P", 0, 0), BOOKED_AT));
        s.put("Bundle-transaction-dose-given", bundles.of(new Event(902, "DOSE_GIVEN", 4242, "OR-7K3M9Q2P", 1, 0), GIVEN.givenAt()));
        return s;
    }

    @Test
    void everyResourceOrderlyMakesValidatesAgainstR4() {
        samples().forEach((name, resource) -> FhirValidation.assertValid(name, FhirJson.pretty(resource)));
    }

    @Test
    void theValidatorRejectsWhatIsBroken() {
        // The check above can fail: an Immunization without its required vaccine code and patient is refused.
        Immunization broken = RESOURCES.immunization(GIVEN);
        broken.setVaccineCode(null);
        broken.setPatient(null);
        assertThat(FhirValidation.errors(FhirJson.compact(broken))).isNotEmpty();
    }

    @Test
    void thePatientCarriesAPseudonymAndNothingElseAboutThePerson() {
        Patient p = RESOURCES.patient(4242);
        String json = FhirJson.compact(p);
        assertThat(p.getIdPart()).matches("[0-9a-f]{32}").isEqualTo(RESOURCES.patientId(4242)).isNotEqualTo(RESOURCES.patientId(4243));
        assertThat(json).doesNotContain("4242");
        assertThat(p.hasName() || p.hasBirthDate() || p.hasTelecom() || p.hasAddress() || p.hasGender()).isFalse();
        assertThat(new FhirResources(KEY.forPurpose("other"), "").patientId(4242)).as("another key, another id")
                .isNotEqualTo(RESOURCES.patientId(4242));
    }

    @Test
    void aDoseGivenIsReportedWithItsAppointmentAndImmunization() {
        Bundle b = new FeedBundles(ROWS, RESOURCES).of(new Event(902, "DOSE_GIVEN", 4242, "OR-7K3M9Q2P", 1, 0), GIVEN.givenAt());
        assertThat(b.getEntry().stream().map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()))
                .containsExactly("PUT Patient/" + RESOURCES.patientId(4242), "PUT Organization/clinic-17", "PUT Location/17",
                        "PUT Appointment/OR-7K3M9Q2P-1", "PUT Immunization/OR-7K3M9Q2P-1");
    }

    @Test
    void theCommittedSamplesAreWhatTheMappingMakesAndValidate() throws IOException {
        Map<String, IBaseResource> samples = samples();
        if (Boolean.getBoolean("fhir.samples.write")) {
            Files.createDirectories(SAMPLES);
            for (var e : samples.entrySet()) {
                Files.writeString(SAMPLES.resolve(e.getKey() + ".json"), FhirJson.pretty(e.getValue()) + "\n");
            }
        }
        List<String> files;
        try (Stream<Path> list = Files.list(SAMPLES)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(samples.keySet().stream().map(n -> n + ".json").toList());
        for (var e : samples.entrySet()) {
            String committed = Files.readString(SAMPLES.resolve(e.getKey() + ".json"));
            assertThat(committed).as(e.getKey()).isEqualTo(FhirJson.pretty(e.getValue()) + "\n");
            FhirValidation.assertValid("docs/fhir/" + e.getKey() + ".json", committed);
        }
        assertThat(Arrays.asList(SAMPLES.toFile().list())).isNotEmpty();
    }
}
