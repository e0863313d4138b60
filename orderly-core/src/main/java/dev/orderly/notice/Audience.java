package dev.orderly.notice;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Who an operator's message goes to: the residents a cohort covers, or the people holding an
 * active appointment at a clinic (on one day, for one dose, when given). Only people the SMS
 * gateway can reach (a phone on file) are counted and sent to; a cancelled appointment is no
 * appointment.
 */
public sealed interface Audience {

    /** How the audit log names the audience, e.g. {@code cohort:over-75} or {@code clinic:12/2030-07-26/dose2}. */
    String target();

    /** The residents cohort {@code cohortId} covers: born in its range and, for a special-group cohort, on the group's list. */
    record CohortMembers(String cohortId) implements Audience {
        @Override
        public String target() {
            return "cohort:" + cohortId;
        }
    }

    /** The people with an active appointment at {@code clinicId}, on {@code day} and for {@code dose} when given. */
    record ClinicBookings(long clinicId, Optional<LocalDate> day, Optional<Integer> dose) implements Audience {

        public ClinicBookings {
            if (dose.isPresent() && dose.get() != 1 && dose.get() != 2) {
                throw new IllegalArgumentException("a dose is 1 or 2, not " + dose.get());
            }
        }

        @Override
        public String target() {
            return "clinic:" + clinicId + day.map(d -> "/" + d).orElse("") + dose.map(d -> "/dose" + d).orElse("");
        }
    }
}
