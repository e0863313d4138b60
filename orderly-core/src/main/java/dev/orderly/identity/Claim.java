package dev.orderly.identity;

import dev.orderly.registry.PhoneNumbers;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * What a person says about themselves before an identity provider checks it. Which fields a
 * provider needs is its own business ({@link IdentityProvider#claimFields}); the HTTP layer asks
 * for exactly those and hands them over normalised.
 *
 * @param name      as {@code Names.normalise} returns it
 * @param birthDate the date of birth
 * @param phone     digits only, as {@code PhoneNumbers.normalise} returns it
 */
public record Claim(Optional<String> name, Optional<LocalDate> birthDate, Optional<String> phone) {

    /** The fields a claim can carry. */
    public enum Field { NAME, BIRTH_DATE, PHONE }

    public Claim {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(birthDate, "birthDate");
        Objects.requireNonNull(phone, "phone");
    }

    public static Claim of(String name, LocalDate birthDate, String phone) {
        return new Claim(Optional.of(name), Optional.of(birthDate), Optional.of(phone));
    }

    /** A claim of nothing: for providers that learn who the person is by themselves. */
    public static Claim none() {
        return new Claim(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Never prints the whole phone number. */
    @Override
    public String toString() {
        return "Claim[name=" + name.orElse("-") + ", birthDate=" + birthDate.map(LocalDate::toString).orElse("-")
                + ", phone=" + phone.map(PhoneNumbers::mask).orElse("-") + "]";
    }
}
