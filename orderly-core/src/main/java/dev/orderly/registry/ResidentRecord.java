package dev.orderly.registry;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One resident as the registry source delivers them, before Orderly hashes and encrypts what must
 * not be kept in the clear. All fields are in normalised form ({@link ResidentNumbers},
 * {@link Names}, {@link PhoneNumbers}).
 *
 * @param residentNumber 13 digits; never stored, only its keyed hash
 * @param name           the full name, NFC
 * @param birthDate      the date of birth, which the resident number also encodes
 * @param phone          the mobile number, digits only; stored encrypted
 */
public record ResidentRecord(String residentNumber, String name, LocalDate birthDate, String phone) {

    public ResidentRecord {
        Objects.requireNonNull(residentNumber, "residentNumber");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(birthDate, "birthDate");
        Objects.requireNonNull(phone, "phone");
    }

    /** Never prints the resident number or the whole phone number. */
    @Override
    public String toString() {
        return "ResidentRecord[residentNumber=*************, name=" + name + ", birthDate=" + birthDate
                + ", phone=" + PhoneNumbers.mask(phone) + "]";
    }
}
