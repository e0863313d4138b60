package dev.orderly.registry;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Port: the resident registry that identity verification matches against.
 * Implementations must be safe for concurrent use.
 */
public interface ResidentRegistry {

    /**
     * The resident whose name, birth date and phone all match, or empty.
     *
     * @param phone digits only, as {@link PhoneNumbers#normalise} returns it
     */
    Optional<Person> find(String name, LocalDate birthDate, String phone);

    /** The resident with this registry id, or empty. */
    Optional<Person> byId(long id);
}
