package dev.orderly.registry;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A resident from the registry, as Orderly knows them after verification.
 *
 * @param id        the registry's internal id; never the resident registration number
 * @param name      the full name as registered
 * @param birthDate the date of birth (a calendar date, no zone)
 * @param phone     the mobile number, digits only (e.g. {@code 01012345678}); held in memory only
 *                  while needed, stored encrypted
 */
public record Person(long id, String name, LocalDate birthDate, String phone) {
    public Person {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(birthDate, "birthDate");
        Objects.requireNonNull(phone, "phone");
    }

    /** The phone number with its middle digits hidden, fit to show on a page: 010-****-1234. */
    public String maskedPhone() {
        return PhoneNumbers.mask(phone);
    }

    /** Shows the phone masked, so that a Person logged by mistake leaks no number. */
    @Override
    public String toString() {
        return "Person[id=" + id + ", name=" + name + ", birthDate=" + birthDate + ", phone=" + maskedPhone() + "]";
    }
}
