package dev.orderly.server.fhir;

import dev.orderly.server.fhir.FhirRows.AppointmentRow;
import dev.orderly.server.fhir.FhirRows.ClinicRow;
import dev.orderly.server.fhir.FhirRows.ImmunizationRow;
import dev.orderly.server.fhir.FhirRows.SlotRow;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** What the FHIR feed, read API and public availability read (adapter: PostgreSQL). Reads only; never in booking's path. */
public interface FhirReads {

    List<ClinicRow> clinics();

    Optional<ClinicRow> clinic(long id);

    /** Every clinic-day of every vaccine from {@code from} on, capacity summed over the ten-part groups. */
    List<SlotRow> slots(LocalDate from);

    /** Both doses of a reservation (empty when there is none). */
    List<AppointmentRow> appointmentsOf(String reference);

    /** Doses booked at a clinic on a day, in reference order, {@code count} from {@code offset}. */
    List<AppointmentRow> appointments(long clinicId, LocalDate day, int offset, int count);

    Optional<ImmunizationRow> immunization(String reference, int dose);

    /** Doses given at a clinic on a day, in reference order, {@code count} from {@code offset}. */
    List<ImmunizationRow> immunizations(long clinicId, LocalDate day, int offset, int count);
}
