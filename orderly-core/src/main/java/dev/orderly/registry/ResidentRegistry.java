package dev.orderly.registry;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Port: the resident registry that identity verification matches against.
 *
 * <p>What an adapter must keep and must not: resident registration numbers only as a keyed hash
 * (see {@code dev.orderly.privacy.KeyedHash}), phone numbers only encrypted (with a keyed hash
 * beside them to look them up by). Implementations must be safe for concurrent use.
 */
public interface ResidentRegistry {

    /**
     * The resident whose name, birth date and phone all match, or empty.
     *
     * @param name  as {@link Names#normalise} returns it
     * @param phone digits only, as {@link PhoneNumbers#normalise} returns it
     */
    Optional<Person> find(String name, LocalDate birthDate, String phone);

    /** The resident with this registry id, or empty. */
    Optional<Person> byId(long id);

    /**
     * The resident with this resident registration number, or empty: for identity providers that
     * learn the number itself (a certificate, a carrier's authentication).
     *
     * @param residentNumber 13 digits, as {@link ResidentNumbers#normalise} returns it
     */
    Optional<Person> byResidentNumber(String residentNumber);
}
