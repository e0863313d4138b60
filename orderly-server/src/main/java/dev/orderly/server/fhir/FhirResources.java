package dev.orderly.server.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import dev.orderly.privacy.KeyedHash;
import dev.orderly.server.fhir.FhirRows.AppointmentRow;
import dev.orderly.server.fhir.FhirRows.ClinicRow;
import dev.orderly.server.fhir.FhirRows.ImmunizationRow;
import dev.orderly.server.fhir.FhirRows.SlotRow;
import dev.orderly.server.fhir.FhirRows.Vaccine;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.HexFormat;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * Orderly's data as FHIR R4 resources. Every id is stable, made of Orderly's own keys, so sending a
 * resource again (a retry, a later change) replaces it rather than adding one:
 * <ul>
 *   <li>{@code Location/<clinic id>}, managed by {@code Organization/clinic-<clinic id>};</li>
 *   <li>{@code Schedule/<clinic id>-<product>}, {@code Slot/<clinic id>-<product>-<yyyymmdd>} (one Slot per
 *       clinic-day and vaccine, its free places in the SMART {@code slot-capacity} extension);</li>
 *   <li>{@code Appointment/<reference>-<dose>} and {@code Immunization/<reference>-<dose>};</li>
 *   <li>{@code Patient/<pseudonym>}: 32 hex digits of a keyed HMAC-SHA256 of the person's id (the PII hash
 *       key for the purpose {@code fhir-patient}). It carries no name, birth date, phone or resident number;
 *       the registry maps it to a person with a list Orderly's operator gives it, never from the resource.</li>
 * </ul>
 * A clinic-day runs from 09:00 to 18:00 in Seoul: Orderly books days, not times, so an Appointment
 * spans its clinic's day.
 */
public final class FhirResources {

    public static final String PRODUCT_SYSTEM = "https://orderly.dev/fhir/CodeSystem/product";
    public static final String PSEUDONYM_SYSTEM = "https://orderly.dev/fhir/sid/patient-pseudonym";
    public static final String RESERVATION_SYSTEM = "https://orderly.dev/fhir/sid/reservation";
    public static final String CLINIC_SYSTEM = "https://orderly.dev/fhir/sid/clinic";
    /** SMART Scheduling Links' extensions (https://github.com/smart-on-fhir/smart-scheduling-links). */
    static final String SLOT_CAPACITY = "http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity";
    static final String BOOKING_DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link";
    static final String VACCINE_PRODUCT = "http://fhir-registry.smarthealthit.org/StructureDefinition/vaccine-product";
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final TimeZone SEOUL_ZONE = TimeZone.getTimeZone(SEOUL);
    private static final LocalTime OPENS = LocalTime.of(9, 0);
    private static final LocalTime CLOSES = LocalTime.of(18, 0);

    private final KeyedHash pseudonyms;
    private final String publicBase;

    /**
     * @param pseudonyms the key of patient ids
     * @param publicBase where people book (the deep link of a Slot), e.g. {@code https://orderly.example}; empty: none
     */
    public FhirResources(KeyedHash pseudonyms, String publicBase) {
        this.pseudonyms = pseudonyms;
        this.publicBase = publicBase;
    }

    /** The patient id of a person: stable, not reversible without the key. */
    public String patientId(long personId) {
        return HexFormat.of().formatHex(pseudonyms.of(Long.toString(personId)), 0, 16);
    }

    public Patient patient(long personId) {
        Patient p = new Patient();
        String id = patientId(personId);
        p.setId(id);
        p.addIdentifier(new Identifier().setSystem(PSEUDONYM_SYSTEM).setValue(id).setUse(Identifier.IdentifierUse.SECONDARY));
        return p;
    }

    public Organization organization(ClinicRow c) {
        Organization o = new Organization();
        o.setId("clinic-" + c.id());
        o.addIdentifier(new Identifier().setSystem(CLINIC_SYSTEM).setValue(Long.toString(c.id())));
        o.setActive(true);
        o.setName(c.name());
        if (!c.nameEn().isEmpty()) {
            o.addAlias(c.nameEn());
        }
        o.addType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/organization-type", "prov",
                "Healthcare Provider")));
        return o;
    }

    public Location location(ClinicRow c) {
        Location l = new Location();
        l.setId(Long.toString(c.id()));
        l.addIdentifier(new Identifier().setSystem(CLINIC_SYSTEM).setValue(Long.toString(c.id())));
        l.setStatus(Location.LocationStatus.ACTIVE);
        l.setName(c.name());
        if (!c.nameEn().isEmpty()) {
            l.addAlias(c.nameEn());
        }
        l.setAddress(new Address().addLine(c.address()).setDistrict(c.district()).setState(c.province()).setCountry("KR")
                .setText(c.province() + " " + c.district() + " " + c.address()));
        if (!c.phone().isEmpty()) {
            l.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(c.phone()));
        }
        l.setManagingOrganization(new Reference("Organization/clinic-" + c.id()));
        return l;
    }

    public Schedule schedule(long clinicId, Vaccine v) {
        Schedule s = new Schedule();
        s.setId(clinicId + "-" + v.code());
        s.setActive(true);
        s.addServiceType(immunizationService());
        s.addActor(new Reference("Location/" + clinicId));
        s.addExtension(new Extension(VACCINE_PRODUCT, vaccineCoding(v)));
        return s;
    }

    public Slot slot(SlotRow row) {
        Slot s = new Slot();
        s.setId(slotId(row.clinicId(), row.vaccine().code(), row.day()));
        s.setSchedule(new Reference("Schedule/" + row.clinicId() + "-" + row.vaccine().code()));
        s.setStatus(row.free() > 0 ? Slot.SlotStatus.FREE : Slot.SlotStatus.BUSY);
        s.setStartElement(at(row.day(), OPENS));
        s.setEndElement(at(row.day(), CLOSES));
        s.addServiceType(immunizationService());
        s.addExtension(new Extension(SLOT_CAPACITY, new IntegerType(row.free())));
        if (!publicBase.isEmpty()) {
            s.addExtension(new Extension(BOOKING_DEEP_LINK, new org.hl7.fhir.r4.model.UrlType(publicBase + "/")));
        }
        return s;
    }

    public Appointment appointment(AppointmentRow a) {
        Appointment ap = new Appointment();
        ap.setId(a.reference() + "-" + a.dose());
        ap.addIdentifier(new Identifier().setSystem(RESERVATION_SYSTEM).setValue(a.reference() + "-" + a.dose()));
        ap.setStatus(switch (a.visit()) {
            case GIVEN -> Appointment.AppointmentStatus.FULFILLED;
            case CHECKED_IN -> Appointment.AppointmentStatus.CHECKEDIN;
            case NO_SHOW -> Appointment.AppointmentStatus.NOSHOW;
            case NONE -> a.cancelled() ? Appointment.AppointmentStatus.CANCELLED : Appointment.AppointmentStatus.BOOKED;
        });
        ap.addServiceType(immunizationService());
        ap.setDescription(a.vaccine().name() + ", dose " + a.dose());
        ap.setStartElement(at(a.day(), OPENS));
        ap.setEndElement(at(a.day(), CLOSES));
        ap.setCreatedElement(new DateTimeType(Date.from(a.bookedAt()), TemporalPrecisionEnum.SECOND, SEOUL_ZONE));
        ap.addSlot(new Reference("Slot/" + slotId(a.clinicId(), a.vaccine().code(), a.day())));
        ap.addParticipant().setActor(new Reference("Patient/" + patientId(a.personId())))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        ap.addParticipant().setActor(new Reference("Location/" + a.clinicId())).setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return ap;
    }

    public Immunization immunization(ImmunizationRow i) {
        Immunization im = new Immunization();
        im.setId(i.reference() + "-" + i.dose());
        im.addIdentifier(new Identifier().setSystem(RESERVATION_SYSTEM).setValue(i.reference() + "-" + i.dose()));
        im.setStatus(Immunization.ImmunizationStatus.COMPLETED);
        im.setVaccineCode(new CodeableConcept(vaccineCoding(i.vaccine())).setText(i.vaccine().name()));
        im.setPatient(new Reference("Patient/" + patientId(i.personId())));
        im.setOccurrence(new DateTimeType(Date.from(i.givenAt()), TemporalPrecisionEnum.SECOND, SEOUL_ZONE));
        im.setPrimarySourceElement(new BooleanType(true));
        im.setLocation(new Reference("Location/" + i.clinicId()));
        im.setLotNumber(i.lot());
        im.addProtocolApplied().setDoseNumber(new PositiveIntType(i.doseNumber())).setSeriesDoses(new PositiveIntType(2));
        return im;
    }

    static String slotId(long clinicId, String product, LocalDate day) {
        return clinicId + "-" + product + "-" + day.toString().replace("-", "");
    }

    private static Coding vaccineCoding(Vaccine v) {
        return new Coding(PRODUCT_SYSTEM, v.code(), v.name());
    }

    private static CodeableConcept immunizationService() {
        return new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/service-type", "57", "Immunization"));
    }

    /** A time in Seoul, written with its +09:00 offset whatever the JVM's default zone. */
    private static InstantType at(LocalDate day, LocalTime time) {
        return new InstantType(Date.from(day.atTime(time).atZone(SEOUL).toInstant()), TemporalPrecisionEnum.SECOND, SEOUL_ZONE);
    }

    /** {@code instant} as FHIR writes it in Seoul (+09:00). */
    public static InstantType inSeoul(java.time.Instant instant) {
        return new InstantType(Date.from(instant), TemporalPrecisionEnum.MILLI, SEOUL_ZONE);
    }
}
