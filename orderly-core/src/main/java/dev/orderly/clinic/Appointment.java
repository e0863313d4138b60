package dev.orderly.clinic;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One dose of one reservation on a clinic's day, with the person's name and birth date (the desk
 * checks them against the person in front of it) and what the desk recorded. The name leaves the
 * server only masked ({@link #maskedName()}); no resident number or phone number is ever part of it.
 *
 * @param active whether the reservation is still active (not cancelled)
 */
public record Appointment(String reference, int dose, long personId, long clinicId, String product, LocalDate day, boolean active,
                          Instant bookedAt, String name, LocalDate birthDate, Visit visit) {

    public Appointment {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(bookedAt, "bookedAt");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(birthDate, "birthDate");
        Objects.requireNonNull(visit, "visit");
    }

    public VisitStatus status() {
        if (visit.given().isPresent()) {
            return VisitStatus.GIVEN;
        }
        if (!active) {
            return VisitStatus.CANCELLED;
        }
        if (visit.noShow().isPresent()) {
            return VisitStatus.NO_SHOW;
        }
        return visit.checkedIn().isPresent() ? VisitStatus.CHECKED_IN : VisitStatus.BOOKED;
    }

    public Appointment with(Visit v) {
        return new Appointment(reference, dose, personId, clinicId, product, day, active, bookedAt, name, birthDate, v);
    }

    /** The name as a clinic list shows it: first and last letter kept, the rest starred (김*수, 남궁**호, 이*). */
    public String maskedName() {
        return mask(name);
    }

    static String mask(String name) {
        int[] cps = name.strip().codePoints().toArray();
        if (cps.length <= 1) {
            return "*";
        }
        StringBuilder sb = new StringBuilder().appendCodePoint(cps[0]);
        if (cps.length == 2) {
            return sb.append('*').toString();
        }
        sb.append("*".repeat(cps.length - 2));
        return sb.appendCodePoint(cps[cps.length - 1]).toString();
    }
}
