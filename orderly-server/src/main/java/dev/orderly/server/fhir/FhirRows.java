package dev.orderly.server.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/** What the FHIR resources are made of, read from the database in one shape for the feed, the read API and the bulk files. */
public final class FhirRows {

    private FhirRows() {
    }

    /** A clinic. Names and region are public (the booking pages show them). */
    public record ClinicRow(long id, String name, String nameEn, String province, String district, String address, String phone) {
    }

    /** The vaccine of a product code. */
    public record Vaccine(String code, String name) {
    }

    /** The desk's record of one dose of one reservation on its day. */
    public enum Visit {
        NONE, CHECKED_IN, GIVEN, NO_SHOW
    }

    /**
     * One dose of a reservation: an Appointment.
     *
     * @param cancelled the reservation was cancelled (both its doses are)
     */
    public record AppointmentRow(String reference, int dose, long personId, long clinicId, Vaccine vaccine, LocalDate day,
                                 boolean cancelled, Instant bookedAt, Visit visit) {
    }

    /** A dose given at the desk: an Immunization. */
    public record ImmunizationRow(String reference, int dose, long personId, long clinicId, Vaccine vaccine, LocalDate day,
                                  Instant givenAt, String lot, int doseNumber) {
    }

    /** One clinic-day of one vaccine: a Slot with its free places. */
    public record SlotRow(long clinicId, Vaccine vaccine, LocalDate day, int capacity, int booked, Optional<String> closed) {

        public int free() {
            return closed.isPresent() ? 0 : Math.max(0, capacity - booked);
        }
    }
}
